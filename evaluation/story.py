"""The collective story in words: per phase a short text composed from what an audience may
see (a ``Disclosed``), with quotes from the stories that audience may read.

Why words: the report tells the network's story as a puzzle of phases, held together by
hand-overs, relationships that last and bridges to the formal field. A funder reads that
story first, and the output totals after it, as context. The sentences come from templates
in ``data/strings/story.yaml`` (no judging words: a sentence says what is there and what is
missing); every number in them is a disclosed number or a sum of disclosed numbers that is
shown only when each part is (``sum_published``). Nothing here imports Streamlit; the
dashboard's story page and the report call the same functions.

For the report: ``phase_stories(select(disclosed, ids, first, last), lang)`` gives the phase
texts of a window, ``reported_line(...)`` its count line; each ``PhaseStory`` has
``sentences`` (plain text) and ``quotes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from evaluation.analysis._common import FORMAL_PARTNER_TYPES, blank, neutral_sort
from evaluation.analysis._common import names as initiative_names
from evaluation.catalogue import fold, load_catalogue
from evaluation.disclosure import Disclosed, sum_published
from evaluation.formatting import format_count, format_date, format_period
from evaluation.i18n import strings, t
from evaluation.model import PHASE_ORDER

QUOTES_PER_PHASE = 3
QUOTE_CHARS = 220
# outputs whose sum over initiatives or periods can hold the same person more than once
MAY_DOUBLE_COUNT = frozenset(
    {"newcomers_participating", "residents_participating", "people_hosted_or_housed"}
)


@dataclass(frozen=True)
class Quote:
    text: str
    voice: str
    initiative: str
    date: str
    period: str


@dataclass(frozen=True)
class Handovers:
    """People handed on, by direction, seen from one phase: (value, withheld) pairs."""

    came_in: tuple[float | None, bool]
    within: tuple[float | None, bool]
    onward: tuple[float | None, bool]


@dataclass
class PhaseStory:
    phase: str
    label: str
    sentences: list[str]
    quotes: list[Quote]
    handovers: Handovers
    facts: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def _join(names: list[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + t("story.list_and", lang) + names[-1]


def _phase_label(code: str, lang: str) -> str:
    return load_catalogue().choices("phases").label(code, lang)


def window_label(periods: list[str], lang: str) -> str:
    """``Q3 2025``, or ``Q1 2025 to Q3 2025`` for a range of periods."""
    if not periods:
        return "–"
    first, last = format_period(periods[0], lang), format_period(periods[-1], lang)
    return first if first == last else t("story.period_range", lang, first=first, last=last)


def reported(disclosed: Disclosed) -> tuple[int, int]:
    """How many initiatives sent any row for the window, of how many in scope."""
    ds = disclosed.dataset
    ids = {
        str(i)
        for name, frame in ds.frames().items()
        if name != "initiatives"
        for i in frame["initiative_id"].dropna().unique()
    }
    return len(ids), len(ds.initiatives)


def reported_line(disclosed: Disclosed, lang: str) -> str:
    """ "7 of 10 initiatives reported for Q3 2025."""
    n, total = reported(disclosed)
    # the same words as the count under the period slider
    return t(
        "ui.app.reported", lang, n=n, total=total, period=window_label(disclosed.periods, lang)
    )


def _flow_sum(flows: pd.DataFrame, pairs: list[tuple[str, str]]) -> tuple[float | None, bool]:
    """People handed on over the given (from, to) phase pairs: published only when every
    part is; (None, False) when none was reported."""
    if flows is None or not len(flows):
        return None, False
    keep = [(a, b) in pairs for a, b in zip(flows["from_phase"], flows["to_phase"], strict=True)]
    part = flows[pd.Series(keep, index=flows.index, dtype=bool)]
    if not len(part):
        return None, False
    return sum_published(part["people"], part["people_suppressed"])


def handovers(disclosed: Disclosed, phase: str) -> Handovers:
    k = PHASE_ORDER.index(phase)
    earlier, later = PHASE_ORDER[:k], PHASE_ORDER[k + 1 : k + 2]
    flows = disclosed.phase_flows
    return Handovers(
        came_in=_flow_sum(flows, [(e, phase) for e in earlier]),
        within=_flow_sum(flows, [(phase, phase)]),
        onward=_flow_sum(flows, [(phase, n) for n in later]),
    )


def _count_sentence(key: str, pair: tuple[float | None, bool], lang: str, **kw) -> str | None:
    value, hidden = pair
    if hidden:
        return t(f"{key}_withheld", lang, **kw)
    if value:
        return t(key, lang, n=format_count(value, False, lang), **kw)
    none = f"{key}_none"
    return t(none, lang, **kw) if none in strings() else None


def _lasting(disclosed: Disclosed, phase: str) -> tuple[tuple[float | None, bool], int]:
    obs = disclosed.dataset.observations
    rows = obs[(obs["indicator"] == "relationships_lasting_6m") & (obs["phase"] == phase)]
    if not len(rows):
        return (None, False), 0
    return (
        sum_published(rows["value"], rows["value_suppressed"]),
        int(rows["initiative_id"].nunique()),
    )


def _bridges(disclosed: Disclosed, ids: set[str]) -> dict[str, int]:
    """Per formal partner type: how many of ``ids`` have a tie of that type (initiatives,
    not people: nothing to protect)."""
    net = disclosed.dataset.network
    net = net[net["initiative_id"].astype(str).isin(ids)]
    net = net[net["partner_type"].isin(FORMAL_PARTNER_TYPES)]
    pairs = net.drop_duplicates(["partner_type", "initiative_id"])
    counts = pairs["partner_type"].value_counts()
    return {k: int(counts.get(k, 0)) for k in FORMAL_PARTNER_TYPES}


def quotes(
    disclosed: Disclosed,
    phase: str,
    lang: str,
    limit: int = QUOTES_PER_PHASE,
    earlier: Disclosed | None = None,
):
    """Up to ``limit`` quotes from the window's stories of this phase that the audience may
    read (``Disclosed`` holds only those: consent recorded, audience allowing), newest first
    then by initiative name; a story told by several initiatives is quoted once. When the
    window holds fewer than two, stories of ``earlier`` (the whole disclosed data) from
    before the window's end fill up, each quote with its own date."""
    st = disclosed.dataset.stories
    st = st[st["phase"] == phase]
    if earlier is not None and st["text"].map(fold).nunique() < 2 and disclosed.periods:
        end = max(pd.to_datetime(disclosed.dataset.stories["period_end"]), default=None)
        more = earlier.dataset.stories
        more = more[more["phase"] == phase]
        if end is not None:
            more = more[pd.to_datetime(more["period_end"]) <= end]
        st = pd.concat([st, more], ignore_index=True)
    if not len(st):
        return []
    names = initiative_names(disclosed.dataset)
    st = st.assign(initiative=st["initiative_id"].map(lambda i: names.get(i, i)))
    st = neutral_sort(st, text=["initiative", "title"], order=["initiative", "title"])
    st = st.sort_values("date", ascending=False, kind="stable")
    voices = load_catalogue().choices("voices")
    out: list[Quote] = []
    seen: set[str] = set()
    for r in st.itertuples():
        text = " ".join(str(r.text).split())
        if blank(r.text) or fold(text) in seen:
            continue
        seen.add(fold(text))
        if len(text) > QUOTE_CHARS:
            text = text[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
        out.append(
            Quote(
                text=text,
                voice=voices.label(str(r.voice), lang) if not blank(r.voice) else "",
                initiative=str(r.initiative),
                date=format_date(r.date, lang),
                period=str(r.period),
            )
        )
        if len(out) == limit:
            break
    return out


def phase_story(
    disclosed: Disclosed, phase: str, lang: str, earlier: Disclosed | None = None
) -> PhaseStory:
    """The text of one phase for the window ``disclosed`` was cut to; ``earlier`` (the
    whole disclosed data) may lend quotes from before the window (``quotes``)."""
    from evaluation.analysis.phases import phase_puzzle

    ds = disclosed.dataset
    puzzle = phase_puzzle(ds, viewer=disclosed.principal)
    here = puzzle[puzzle["phase"] == phase]
    primary = here[here["role"] == "primary"]["name"].tolist()
    active = here[(here["role"] != "primary") & (here["n_activity_rows"] > 0)]["name"].tolist()
    sentences: list[str] = []
    if len(primary) > 1:
        sentences.append(t("story.phase.accent", lang, n=len(primary), names=_join(primary, lang)))
    elif primary:
        sentences.append(t("story.phase.accent_one", lang, names=primary[0]))
    else:
        sentences.append(t("story.phase.accent_none", lang))
    if active:
        sentences.append(t("story.phase.also_active", lang, names=_join(active, lang)))
    if not int((here["n_activity_rows"] > 0).sum()):
        sentences.append(t("story.phase.no_activity", lang))
    moves = handovers(disclosed, phase)
    k = PHASE_ORDER.index(phase)
    if k > 0:
        s = _count_sentence("story.phase.handed_in", moves.came_in, lang)
        sentences += [s] if s else []
    s = _count_sentence("story.phase.handed_within", moves.within, lang)
    sentences += [s] if s else []
    if k + 1 < len(PHASE_ORDER):
        nxt = _phase_label(PHASE_ORDER[k + 1], lang)
        s = _count_sentence("story.phase.handed_next", moves.onward, lang, next=nxt)
        sentences += [s] if s else []
    lasting, k_ini = _lasting(disclosed, phase)
    if lasting[1]:
        sentences.append(t("story.phase.lasting_withheld", lang))
    elif lasting[0]:
        n = format_count(lasting[0], False, lang)
        sentences.append(t("story.phase.lasting", lang, n=n, k=k_ini))
    else:
        sentences.append(t("story.phase.lasting_none", lang))
    ids = set(here[(here["role"] != "none")]["initiative_id"].astype(str))
    bridges = _bridges(disclosed, ids)
    kinds = load_catalogue().choices("partner_types")
    tied = [
        t("story.phase.bridge_kind", lang, kind=kinds.label(k_, lang), n=n)
        for k_, n in bridges.items()
        if n
    ]
    if tied:
        sentences.append(t("story.phase.bridges", lang, kinds=", ".join(tied)))
        missing = [kinds.label(k_, lang) for k_, n in bridges.items() if not n]
        if missing:
            sentences.append(t("story.phase.bridges_missing", lang, kinds=", ".join(missing)))
    else:
        sentences.append(t("story.phase.bridges_none", lang))
    said = quotes(disclosed, phase, lang, earlier=earlier)
    if not (disclosed.dataset.stories["phase"] == phase).any():
        sentences.append(t("story.phase.no_stories", lang))
    return PhaseStory(
        phase=phase,
        label=_phase_label(phase, lang),
        sentences=sentences,
        quotes=said,
        handovers=moves,
        facts={"primary": primary, "active": active, "bridges": bridges},
    )


def phase_stories(
    disclosed: Disclosed, lang: str, earlier: Disclosed | None = None
) -> list[PhaseStory]:
    """The three phases' texts, in the path's order."""
    return [phase_story(disclosed, p, lang, earlier) for p in PHASE_ORDER]


def shown(pair: tuple[float | None, bool], lang: str) -> str:
    """A (value, withheld) pair as written in a sentence: the number, the neutral mark, or 0."""
    value, hidden = pair
    return format_count(value or 0, hidden, lang)


# --- one plain sentence per chart, computed from the data the chart draws -------------------


def puzzle_takeaway(puzzle: pd.DataFrame, lang: str) -> str:
    primary = puzzle[puzzle["role"] == "primary"].groupby("phase").size()
    touching = puzzle[puzzle["role"] != "none"].groupby("initiative_id").size()
    return t(
        "story.takeaway.puzzle",
        lang,
        **{p: int(primary.get(p, 0)) for p in PHASE_ORDER},
        touching=int((touching > 1).sum()),
    )


def flows_takeaway(disclosed: Disclosed, lang: str) -> str:
    """How the window's flows between phases run (counted as flows, not people)."""
    flows = disclosed.phase_flows
    if not len(flows):
        pairs: dict[tuple[str, str], bool] = {}
    else:
        pairs = {}
        for a, b, h in zip(
            flows["from_phase"], flows["to_phase"], flows["people_suppressed"], strict=True
        ):
            pairs[(a, b)] = pairs.get((a, b), False) or bool(h)

    def step(pair: tuple[str, str]) -> int:
        return PHASE_ORDER.index(pair[1]) - PHASE_ORDER.index(pair[0])

    return t(
        "story.takeaway.phase_flows",
        lang,
        total=len(pairs),
        forward=sum(1 for p in pairs if step(p) > 0),
        within=sum(1 for p in pairs if step(p) == 0),
        back=sum(1 for p in pairs if step(p) < 0),
        withheld=sum(1 for h in pairs.values() if h),
    )


def phase_bars_takeaway(moves: Handovers, phase: str, lang: str) -> str:
    """The sentence under a phase's hand-over chart: the bars it draws, in its order."""
    k = PHASE_ORDER.index(phase)
    parts = [("from_earlier", moves.came_in)] if k > 0 else []
    parts.append(("within", moves.within))
    if k + 1 < len(PHASE_ORDER):
        parts.append(("to_next", moves.onward))
    written = [
        t(
            "story.takeaway.phase_bar_part",
            lang,
            label=t(f"story.labels.{key}", lang).lower(),
            n=shown(pair, lang),
        )
        for key, pair in parts
    ]
    return t("story.takeaway.phase_bars", lang, parts="; ".join(written))


def network_takeaway(nodes: pd.DataFrame, edges: pd.DataFrame, lang: str) -> str:
    kinds = nodes["kind"] if len(nodes) else pd.Series(dtype=object)
    ties = {frozenset((s, d)) for s, d in zip(edges["source"], edges["target"], strict=True)}
    return t(
        "story.takeaway.network",
        lang,
        initiatives=int((kinds == "initiative").sum()),
        partners=int((kinds != "initiative").sum()),
        ties=len(ties),
        formal=int(kinds.isin(FORMAL_PARTNER_TYPES).sum()),
    )


def formal_takeaway(disclosed: Disclosed, lang: str) -> str:
    net = disclosed.dataset.network
    with_formal = net[net["partner_type"].isin(FORMAL_PARTNER_TYPES)]["initiative_id"].nunique()
    return t(
        "story.takeaway.formal",
        lang,
        with_formal=int(with_formal),
        total=len(disclosed.dataset.initiatives),
    )


def totals_takeaway(lang: str) -> str:
    return t("story.takeaway.totals", lang)


def double_count_label(indicator: str, label: str, lang: str) -> str:
    """An output's label, with "may count twice" where its sum can hold a person twice."""
    if indicator in MAY_DOUBLE_COUNT:
        return f"{label} {t('story.labels.may_double_count', lang)}"
    return label


def report_rows(disclosed: Disclosed, lang: str) -> list[tuple[str, str]]:
    """For the Excel report: (phase, text) per phase of the window, the count line first.
    ``disclosed`` is what the report's audience may see, cut to its window (``select``)."""
    return [("", reported_line(disclosed, lang))] + [
        (p.label, p.text) for p in phase_stories(disclosed, lang)
    ]
