"""What an audience may see, decided once: ``disclose(dataset, principal)``.

Every output (the dashboard's pages, the tidy export, the Excel report, and any later brief
or API) renders a ``Disclosed`` and nothing else; none protects a number on its own. That is
what makes the outputs agree with each other: a number withheld in one is withheld in all, and
no number one output shows can be combined with another's to work a withheld one back.

What is decided here:

- **Texts.** Stories and reflection answers carry an audience (initiative only, funders,
  public). An initiative reads all of its own material; funders, evaluators and
  administrators read what is shared with funders or the public; other initiatives and the
  public read only what is public. Stories need recorded consent. The answer about funders'
  demands (``funder_tension``) never reaches anyone else with a name: what initiatives share of
  it is gathered across at least ``GATHER_AT_LEAST`` initiatives, unnamed and in the order of
  the text (the report's Kader 2: a safe channel).
- **Numbers.** Every count of people that some output shows is a cell of one protection
  problem per measure (observations, each initiative's value, the portfolio totals; network
  rows, network edges, hand-overs between initiatives, hand-overs between phases), with the
  equations that tie them (``evaluation.protection``). Small counts (above zero, under the
  threshold) are withheld from everyone but the initiative whose counts they are, with
  complements chosen and audited so that no withheld cell can be narrowed to a range of the
  threshold or less, whatever the reader combines. Each withheld cell shows one neutral mark.
- **Sums over several cells** (a range of periods, an edge over all periods) are published
  only when every part is: ``sum_published``. Such a sum adds nothing a reader could not add
  up, so windows and filters cannot be played against each other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import (
    blank,
    sorted_periods,
    visible_stories,
)
from evaluation.disclosure_parts import numbers
from evaluation.i18n import t
from evaluation.model import Dataset

DEFAULT_THRESHOLD = 5
THRESHOLD_ENV = "EVALUATION_SMALL_NUMBER_THRESHOLD"

GATHER_AT_LEAST = 3
GATHERED_QUESTION = "funder_tension"
# an answer whose audience was not chosen: the candid question stays with the initiative
DEFAULT_REFLECTION_AUDIENCE = {GATHERED_QUESTION: "initiative"}
FALLBACK_REFLECTION_AUDIENCE = "funders"


def small_number_threshold(threshold: int | None = None) -> int:
    """The threshold in force: the argument, else the environment setting, else 5."""
    if threshold is not None:
        return int(threshold)
    raw = os.environ.get(THRESHOLD_ENV, "").strip()
    if not raw:
        return DEFAULT_THRESHOLD
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{THRESHOLD_ENV} must be a whole number, not {raw!r}") from exc
    if value < 0:
        raise ValueError(f"{THRESHOLD_ENV} must not be negative, not {raw!r}")
    return value


def shown_value(value: object, suppressed: bool, lang: str = "nl", threshold: int | None = None):
    """What an output writes for a possibly withheld number: the value, or the one neutral
    mark ("afgeschermd" / "withheld"), never "<5" (a withheld complement need not be small)."""
    if suppressed:
        return t("analysis.suppressed", lang, threshold=small_number_threshold(threshold))
    return value


def reflection_audience(question: object, visibility: object) -> str:
    """The audience of a reflection answer: as chosen, else the question's default."""
    if not blank(visibility):
        return str(visibility)
    return DEFAULT_REFLECTION_AUDIENCE.get(str(question), FALLBACK_REFLECTION_AUDIENCE)


def visible_reflections(ds: Dataset, viewer: Principal) -> pd.DataFrame:
    """The reflection answers ``viewer`` may read with the initiative's name beside them."""
    refl = ds.reflections
    if not len(refl):
        return refl
    audience = [
        reflection_audience(q, v)
        for q, v in zip(refl["question"], refl.get("visibility", [None] * len(refl)), strict=True)
    ]
    keep = [
        viewer.is_initiative(str(i)) or (q != GATHERED_QUESTION and viewer.can_see_story(str(i), a))
        for i, q, a in zip(refl["initiative_id"], refl["question"], audience, strict=True)
    ]
    out = refl[pd.Series(keep, index=refl.index, dtype=bool)].copy()
    out["visibility"] = [a for a, k in zip(audience, keep, strict=True) if k]
    return out


def gathered_answers(ds: Dataset, viewer: Principal) -> tuple[list[str], int]:
    """The shared answers to the funder question, unnamed, when at least
    ``GATHER_AT_LEAST`` initiatives shared one with ``viewer``'s audience; and how many did."""
    refl = ds.reflections
    if not len(refl):
        return [], 0
    refl = refl[(refl["question"] == GATHERED_QUESTION) & refl["answer"].notna()]
    shared = [
        viewer.can_see_story("", reflection_audience(q, v)) and not blank(a)
        for q, v, a in zip(
            refl["question"],
            refl.get("visibility", [None] * len(refl)),
            refl["answer"],
            strict=True,
        )
    ]
    refl = refl[pd.Series(shared, index=refl.index, dtype=bool)]
    n = int(refl["initiative_id"].nunique())
    if n < GATHER_AT_LEAST:
        return [], n
    answers = sorted({str(a).strip() for a in refl["answer"]}, key=str.casefold)
    return answers, n


# --- the result ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Disclosed:
    """What one audience may see of one dataset; every output renders this and only this.

    Tables keep the tidy columns; a withheld number is None with ``<column>_suppressed``
    True beside it. ``values``: per initiative, indicator and period (a trajectory's
    figures); ``totals``: per catalogue indicator and period across the initiatives;
    ``flows`` and ``phase_flows``: people handed on; ``gathered``: the unnamed answers to the
    funder question with ``n_gathered`` initiatives behind them; ``withheld``: per table, the
    cells and how many (and how much of their total) are withheld.
    """

    principal: Principal
    threshold: int
    dataset: Dataset
    values: pd.DataFrame
    totals: pd.DataFrame
    flows: pd.DataFrame
    phase_flows: pd.DataFrame
    gathered: list[str]
    n_gathered: int
    withheld: pd.DataFrame

    @property
    def periods(self) -> list[str]:
        return sorted_periods(self.dataset)

    def values_of(self, initiative_id: str) -> pd.DataFrame:
        return self.values[self.values["initiative_id"] == initiative_id].reset_index(drop=True)


def disclose(ds: Dataset, principal: Principal, threshold: int | None = None) -> Disclosed:
    """What ``principal`` may see of ``ds`` (the current dataset of the principal's scope),
    protected at every level together."""
    limit = small_number_threshold(threshold)
    ds = Dataset(**{n: f.reset_index(drop=True) for n, f in ds.frames().items()})
    stories = visible_stories(ds, principal)
    reflections = visible_reflections(ds, principal)
    texts = Dataset(**{**ds.frames(), "stories": stories, "reflections": reflections})

    got = numbers(ds, texts, principal, limit, sorted_periods(ds))
    gathered, n_gathered = gathered_answers(ds, principal)
    shown = Dataset(
        initiatives=ds.initiatives,
        observations=got.observations,
        own_indicators=ds.own_indicators,
        stories=stories.reset_index(drop=True),
        network=got.network,
        reflections=reflections.reset_index(drop=True),
    )
    return Disclosed(
        principal=principal,
        threshold=limit,
        dataset=shown,
        values=got.values,
        totals=got.totals,
        flows=got.flows,
        phase_flows=got.phase_flows,
        gathered=gathered,
        n_gathered=n_gathered,
        withheld=got.withheld,
    )


def sum_published(values: pd.Series, flags: pd.Series) -> tuple[float | None, bool]:
    """A sum of published cells (over periods, say): the sum, or withheld (None, True) when
    any part is withheld. Blank parts count as nothing."""
    if bool(pd.Series(flags, dtype=bool).any()):
        return None, True
    nums = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").dropna()
    return (float(nums.sum()) if len(nums) else None), False


def select(
    disclosed: Disclosed,
    initiative_ids: tuple[str, ...] | list[str] | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
) -> Disclosed:
    """``disclosed`` cut to some initiatives and a range of periods (ISO start dates or period
    labels), without protecting anything anew: every table only loses rows. Portfolio totals
    and flows between phases stay those of the whole scope (cut to the periods only)."""
    from evaluation.periods import period_bounds

    lo = period_bounds(period_from)[0] if period_from else None
    hi = period_bounds(period_to)[1] if period_to else None
    ids = set(initiative_ids) if initiative_ids else None
    frames = {}
    labels: set[str] = set()
    for name, frame in disclosed.dataset.frames().items():
        keep = pd.Series(True, index=frame.index)
        if ids is not None:
            keep &= frame["initiative_id"].astype(str).isin(ids)
        if name != "initiatives" and len(frame):
            if lo:
                keep &= pd.to_datetime(frame["period_end"]).dt.date >= lo
            if hi:
                keep &= pd.to_datetime(frame["period_start"]).dt.date <= hi
            labels |= set(frame.loc[keep, "period"].astype(str))
        frames[name] = frame[keep].reset_index(drop=True)
    if ids is None and not (lo or hi):
        return disclosed
    everything = not (lo or hi)

    def cut(frame: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
        keep = pd.Series(True, index=frame.index)
        if not everything:
            keep &= frame["period"].astype(str).isin(labels)
        if ids is not None and by:
            mine = pd.Series(False, index=frame.index)
            for c in by:
                mine |= frame[c].astype(str).isin(ids)
            keep &= mine
        return frame[keep].reset_index(drop=True)

    return Disclosed(
        principal=disclosed.principal,
        threshold=disclosed.threshold,
        dataset=Dataset(**frames),
        values=cut(disclosed.values, ("initiative_id",)),
        totals=cut(disclosed.totals),
        flows=cut(disclosed.flows, ("from_id", "to_id")),
        phase_flows=cut(disclosed.phase_flows),
        gathered=disclosed.gathered,
        n_gathered=disclosed.n_gathered,
        withheld=disclosed.withheld,
    )
