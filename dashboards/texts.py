"""Words beside the numbers: the profile's facts, notes, stories and reflections as Markdown.

The report asks that numbers travel with their context; these helpers turn the analyses'
frames into short texts in the reader's language. Pure functions (no Streamlit) so they
can be tested and reused.

Every text a user uploaded (names, mission, notes, stories, reflections, partner names)
goes through ``plain`` before it reaches Streamlit's Markdown, and through ``figure_text``
before it reaches a plotly label (issue 21): written as text, it is shown as text. Without
that, ``![](http://host/pixel)`` in a story made every funder's browser fetch the image, bare
addresses became links, and ``:red[...]``, ``$...$`` and ``:material/...:`` rendered.
"""

from __future__ import annotations

import re
import string
import unicodedata

import pandas as pd

from evaluation.analysis._common import blank
from evaluation.catalogue import load_catalogue
from evaluation.formatting import format_date, format_period
from evaluation.i18n import t
from evaluation.model import PHASE_ORDER

DIMENSIONS = ("output", "relational", "process")


def _choice(list_name: str, code: object, lang: str) -> str:
    return "" if blank(code) else load_catalogue().choices(list_name).label(str(code), lang)


# CommonMark lets a backslash escape any ASCII punctuation character, and an escaped character
# is always literal: escaping all of them stops every syntax at once (images, links, HTML,
# emphasis, headings, lists, tables, code, LaTeX's "$", colour and icon directives).
_ESCAPED = {ord(c): "\\" + c for c in string.punctuation}
# What a backslash cannot stop, because it is found in the text after escapes are undone:
# emoji and icon short codes (":smile:", ":material/home:") and GFM's bare-address links
# ("http://", "www.", "name@host"). A WORD JOINER (U+2060: invisible, no width, no line
# break) after the ":" or "@", or between "www" and its ".", breaks each pattern.
_JOINER = "\u2060"
_TEXT_PATTERNS = re.compile(r"(?<=[:@])|(?<=www)(?=\\\.)", re.IGNORECASE)


def plain(text: object) -> str:
    """A user's text as Markdown that Streamlit shows as exactly that text (issue 21).

    Every ASCII punctuation character is backslash-escaped, short codes and bare addresses
    are broken with an invisible joiner, line breaks are kept (as hard breaks) and leading
    spaces dropped (four would start a code block). Use it for every uploaded text that
    reaches ``st.markdown``, a header, a caption, a label or a message.
    """
    if blank(text):
        return ""
    lines = unicodedata.normalize("NFC", str(text)).replace("\t", " ").splitlines()
    escaped = (_TEXT_PATTERNS.sub(_JOINER, line.strip().translate(_ESCAPED)) for line in lines)
    return "  \n".join(escaped)


def figure_text(text: object) -> str:
    """A user's text as a plotly label: plotly reads ``<a href>``, ``<b>``, ``<br>`` and
    entities in labels, so "<", ">" and "&" become entities and the text is shown as written."""
    if blank(text):
        return ""
    return (
        str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
    )


def _md(text: object) -> str:
    """Free text shown inside our own Markdown: see ``plain``."""
    return plain(text)


def quote(text: object) -> str:
    """An initiative's own words as a Markdown quote (a dash when it wrote none)."""
    return "" if blank(text) else "> " + _md(text).replace("  \n", "  \n> ")


def profile_facts(info: dict, lang: str) -> str:
    year = info.get("founded_year")
    return t(
        "ui.profile.facts",
        lang,
        city=plain(info.get("city")) or "–",
        year="–" if blank(year) else int(year),
        form=_choice("organisation_forms", info.get("organisation_form"), lang) or "–",
    ) + (
        ""
        if blank(info.get("written_with"))
        else " · "
        + t(
            "ui.profile.written_with",
            lang,
            how=_choice("authorship", info.get("written_with"), lang),
        )
    )


def phase_roles_text(info: dict, lang: str) -> str:
    """Each phase with the initiative's role in it, in the path's order (shape marks, no colour)."""
    secondary = set(str(info.get("secondary_phases") or "").split(";"))
    lines = []
    for p in PHASE_ORDER:
        role = (
            "primary"
            if info.get("primary_phase") == p
            else "secondary"
            if p in secondary
            else "none"
        )
        mark = {"primary": "■", "secondary": "□", "none": "·"}[role]
        lines.append(
            f"{mark} **{_choice('phases', p, lang)}**: {_choice('phase_roles', role, lang)}"
        )
    return "  \n".join(lines)


def dimensions(trajectories: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """The dimensions that have numbers, in the catalogue's order, with their titles."""
    if trajectories is None or not len(trajectories):
        return []
    numeric = trajectories[trajectories["unit"] != "text"]
    present = set(numeric["dimension"])
    return [(d, _choice("dimensions", d, lang)) for d in DIMENSIONS if d in present]


def trajectory_series(trajectories: pd.DataFrame, dimension: str, lang: str) -> pd.DataFrame:
    """The numeric trajectories of one dimension, labelled in ``lang``, for small multiples."""
    part = trajectories[(trajectories["dimension"] == dimension) & (trajectories["unit"] != "text")]
    cols = ["indicator", "period", "value", "value_suppressed", "unit"]
    out = part[[c for c in cols if c in part.columns]].copy()
    out["label"] = part[f"label_{lang}"].astype(str)
    return out.reset_index(drop=True)


def period_notes_markdown(trajectories: pd.DataFrame, dimension: str, lang: str) -> str:
    """Per period (newest first): the notes written with this dimension's values, the text
    values, and the titles of the stories of that period."""
    columns = ["period", f"label_{lang}", "text_value", "notes", "stories"]
    part = trajectories.loc[trajectories["dimension"] == dimension, columns]
    if not len(part):
        return t("ui.common.none_yet", lang)
    # one pass over the five columns it reads, period by period in the order they come
    lines: dict[str, list[str]] = {}
    stories: dict[str, list] = {}
    for period, label, text_value, notes, titles in part.itertuples(index=False, name=None):
        lines.setdefault(period, [])
        if not blank(text_value):
            lines[period].append(f"- *{_md(label)}*: {_md(text_value)}")
        if not blank(notes):
            lines[period].append(f"- *{_md(label)}*: {_md(notes)}")
        if period not in stories and len(titles):
            stories[period] = titles  # the period's first non-empty list of story titles
    blocks = []
    for period in reversed(list(lines)):
        shown = lines[period]
        shown += [f"- :material/auto_stories: {_md(title)}" for title in stories.get(period, [])]
        if shown:
            blocks.append(f"**{format_period(period, lang)}**\n" + "\n".join(shown))
    return "\n\n".join(blocks) or t("ui.common.none_yet", lang)


def own_indicators_markdown(own: pd.DataFrame, lang: str) -> str:
    return "\n".join(
        f"- **{_md(r.label)}** ({_choice('dimensions', r.dimension, lang)}, "
        f"{_choice('units', r.unit, lang)}): {_md(r.definition)}"
        for r in own.itertuples()
    )


def reflections_markdown(reflections: pd.DataFrame, lang: str) -> str:
    """The open reflection answers per period (newest first), in the initiative's words."""
    if reflections is None or not len(reflections):
        return t("ui.common.none_yet", lang)
    open_ = reflections[reflections["answer"].notna()]
    blocks = []
    for period in reversed(list(dict.fromkeys(open_["period"]))):
        rows = open_[open_["period"] == period]
        lines = [
            f"- *{_choice('reflection_questions', r.question, lang)}*  \n  {_md(r.answer)}"
            for r in rows.itertuples()
        ]
        blocks.append(f"**{format_period(period, lang)}**\n" + "\n".join(lines))
    return "\n\n".join(blocks) or t("ui.common.none_yet", lang)


def story_markdown(story: pd.Series, initiative: str, lang: str, *, meta_line: bool = True) -> str:
    """One story for the Voices page: meta line (unless its card shows it), text, why it
    matters, themes."""
    meta = t(
        "ui.voices.story_meta",
        lang,
        initiative=plain(initiative),
        date=format_date(story["date"], lang),
        voice=_choice("voices", story["voice"], lang),
        phase=_choice("phases", story["phase"], lang),
    )
    themes = ", ".join(
        _choice("themes", c, lang) for c in str(story["themes"] or "").split(";") if c
    )
    parts = [f"*{meta}*"] if meta_line else []
    parts.append(_md(story["text"]))
    if not blank(story["why_it_matters"]):
        parts.append(f"**{t('ui.voices.why', lang)}:** {_md(story['why_it_matters'])}")
    if themes:
        parts.append(f"**{t('ui.voices.themes', lang)}:** {themes}")
    return "\n\n".join(parts)


# the Voices page lists at most this many stories at once (newest first); filters narrow it
STORIES_SHOWN = 60
