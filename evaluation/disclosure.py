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
    neutral_sort,
    sorted_periods,
    visible_stories,
)
from evaluation.analysis.portfolio import TOTAL_COLUMNS
from evaluation.analysis.trajectories import trajectories, trajectories_of_all
from evaluation.catalogue import load_catalogue
from evaluation.i18n import t
from evaluation.model import Dataset
from evaluation.withholding import Withheld, indicator_cells, network_cells, withhold

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


def _values(
    ds: Dataset, texts: Dataset, flags: dict[str, dict[tuple[str, str, str], bool]]
) -> pd.DataFrame:
    """Every initiative's trajectory figures (exact), then withheld where flagged."""
    # every initiative's trajectory in one pass (as one ``trajectories`` call each would give)
    traj = trajectories_of_all(
        Dataset(**{**ds.frames(), "stories": texts.stories, "reflections": texts.reflections})
    )
    if not len(traj):
        traj = trajectories(Dataset.empty(), "-", Principal("initiative", "-"))
    frames = [traj.drop(columns=[c for c in traj.columns if c.endswith("_suppressed")])]
    out = pd.concat(frames, ignore_index=True)
    keys = list(zip(out["initiative_id"], out["indicator"], out["period"], strict=True))
    for measure in ("value", "numerator", "denominator"):
        out[f"{measure}_suppressed"] = [flags[measure].get(k, False) for k in keys]
    share_hidden = out["numerator_suppressed"] | out["denominator_suppressed"]
    out["value_suppressed"] = out["value_suppressed"] | (share_hidden & (out["unit"] == "share"))
    for measure in ("value", "numerator", "denominator"):
        out = withhold(out, measure)
    periods = sorted_periods(ds)
    order = list(load_catalogue().indicator_codes)
    own = sorted(set(out["indicator"]) - set(order))
    return neutral_sort(
        out,
        text=["initiative_id"],
        period=["period"],
        choice={"indicator": tuple(order + own)},
        periods=periods,
        order=["initiative_id", "indicator", "period"],
    )


def _totals(ds: Dataset, flags: dict[str, dict[tuple[str, str], bool]]) -> pd.DataFrame:
    """Per catalogue indicator and period: the sum across initiatives, withheld where flagged
    (counts and hours summed; shares as summed numerators and denominators)."""
    from evaluation.analysis.portfolio import initiative_parts

    obs = ds.observations
    obs = obs[~obs["own"].fillna(False).astype(bool)]
    parts = initiative_parts(obs)
    rows = []
    dims = {i.code: i.dimension for i in load_catalogue().indicators}
    for (code, period), sub in parts.groupby(["indicator", "period"], sort=False):
        unit = sub["unit"].iloc[0]
        num = pd.to_numeric(sub["numerator"], errors="coerce").dropna()
        den = pd.to_numeric(sub["denominator"], errors="coerce").dropna()
        tot = pd.to_numeric(sub["total"], errors="coerce").dropna()
        rows.append(
            {
                "dimension": dims.get(code),
                "indicator": code,
                "unit": unit,
                "period": period,
                "total": float(tot.sum()) if unit in ("count", "hours") else None,
                "numerator": float(num.sum()) if len(num) else None,
                "denominator": float(den.sum()) if len(den) else None,
                "n_initiatives_reporting": int(sub["initiative_id"].nunique()),
            }
        )
    out = pd.DataFrame(rows, columns=TOTAL_COLUMNS)
    keys = list(zip(out["indicator"], out["period"], strict=True))
    out["total_suppressed"] = [flags["value"].get(k, False) for k in keys]
    out["numerator_suppressed"] = [flags["numerator"].get(k, False) for k in keys]
    out["denominator_suppressed"] = [flags["denominator"].get(k, False) for k in keys]
    for col in ("total", "numerator", "denominator"):
        out = withhold(out, col)
    return neutral_sort(
        out,
        period=["period"],
        choice={"indicator": load_catalogue().indicator_codes},
        periods=sorted_periods(ds),
        order=["indicator", "period"],
    )


def disclose(ds: Dataset, principal: Principal, threshold: int | None = None) -> Disclosed:
    """What ``principal`` may see of ``ds`` (the current dataset of the principal's scope),
    protected at every level together."""
    limit = small_number_threshold(threshold)
    ds = Dataset(**{n: f.reset_index(drop=True) for n, f in ds.frames().items()})
    withheld = Withheld()
    stories = visible_stories(ds, principal)
    reflections = visible_reflections(ds, principal)
    texts = Dataset(**{**ds.frames(), "stories": stories, "reflections": reflections})

    obs = ds.observations.copy()
    value_flags: dict[str, dict] = {}
    total_flags: dict[str, dict] = {}
    for measure in ("value", "numerator", "denominator"):
        rows_hidden, ini, tot = indicator_cells(ds, principal, measure, limit, withheld)
        obs[f"{measure}_suppressed"] = rows_hidden
        value_flags[measure], total_flags[measure] = ini, tot
    share_hidden = obs["numerator_suppressed"] | obs["denominator_suppressed"]
    obs["value_suppressed"] = obs["value_suppressed"] | (share_hidden & (obs["unit"] == "share"))
    for measure in ("value", "numerator", "denominator"):
        obs = withhold(obs, measure)

    net = ds.network.copy()
    net_hidden, flows, phase_flows = network_cells(ds, principal, limit, withheld)
    net["count_suppressed"] = net_hidden
    net = withhold(net, "count")

    gathered, n_gathered = gathered_answers(ds, principal)
    shown = Dataset(
        initiatives=ds.initiatives,
        observations=obs,
        own_indicators=ds.own_indicators,
        stories=stories.reset_index(drop=True),
        network=net,
        reflections=reflections.reset_index(drop=True),
    )
    return Disclosed(
        principal=principal,
        threshold=limit,
        dataset=shown,
        values=_values(ds, texts, value_flags),
        totals=_totals(ds, total_flags),
        flows=flows,
        phase_flows=phase_flows,
        gathered=gathered,
        n_gathered=n_gathered,
        withheld=withheld.frame(),
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
