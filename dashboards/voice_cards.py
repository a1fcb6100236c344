"""The Voices page's cards (issue 19): whose voice, which phase, period and initiative at a
glance, and the search over the stories' titles and texts.

Pure functions (no Streamlit), so the page stays a list of ``st.*`` calls and the cards can
be tested without a browser. Every uploaded text goes through ``texts.plain``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pandas as pd

from dashboards import texts
from evaluation.analysis._common import blank
from evaluation.catalogue import load_catalogue
from evaluation.formatting import format_date, format_period
from evaluation.i18n import t


@dataclass(frozen=True)
class Card:
    """One story as the page shows it: title, the caption with the four facts, and the text."""

    title: str
    meta: str
    body: str


def _label(list_name: str, code: object, lang: str) -> str:
    return "–" if blank(code) else load_catalogue().choices(list_name).label(str(code), lang)


def _period(story: pd.Series, lang: str) -> str:
    period = story.get("period")
    if not blank(period):
        return format_period(str(period), lang)
    return "–" if blank(story.get("date")) else format_date(story["date"], lang)


def _fold(text: object) -> str:
    """A text for matching: accents dropped, case folded (``Ö`` finds ``o``, ``taal`` ``Taal``)."""
    if blank(text):
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search(stories: pd.DataFrame, query: str) -> pd.DataFrame:
    """The stories whose title or text holds every word of ``query`` (any case, any accents)."""
    words = _fold(query).split()
    if not words or not len(stories):
        return stories
    haystack = [
        _fold(title) + "\n" + _fold(text)
        for title, text in zip(stories["title"], stories["text"], strict=True)
    ]
    keep = [all(w in h for w in words) for h in haystack]
    return stories[pd.Series(keep, index=stories.index, dtype=bool)]


def card(story: pd.Series, lang: str) -> Card:
    meta = t(
        "ui.voices_cards.card_meta",
        lang,
        voice=_label("voices", story.get("voice"), lang),
        phase=_label("phases", story.get("phase"), lang),
        period=_period(story, lang),
        initiative=texts.plain(story.get("initiative") or story.get("initiative_id")),
    )
    return Card(
        title=texts.plain(story.get("title")),
        meta=meta,
        body=texts.story_markdown(story, str(story.get("initiative") or ""), lang, meta_line=False),
    )


def cards(stories: pd.DataFrame, lang: str) -> list[Card]:
    return [card(s, lang) for _, s in stories.iterrows()]
