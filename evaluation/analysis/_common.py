"""Shared helpers of the analyses: neutral ordering, period order, story filtering.

Every list the analyses return is in a *neutral* order: by name (case-folded), then phase in
the path's order (arrival, landing, future), then period in time, never by a value. These
helpers are the one place that order is defined, so no analysis can drift into a ranking.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from evaluation.access import Principal
from evaluation.catalogue import fold, load_catalogue
from evaluation.model import PHASE_ORDER, Dataset

# partner types that are formal organisations: the bridge the initiatives build (DESIGN.md s3)
FORMAL_PARTNER_TYPES = ("municipality", "coa", "employer", "school", "housing_corporation")

# indicators whose unit is "count" but that count things rather than people; every other count
# (catalogue and own indicators alike) is treated as a count of people and protected
NON_PERSON_COUNTS = frozenset(
    {
        "activities_held",
        "newcomer_initiated_activities",
        "changes_from_participant_input",
        "reflection_moments",
        "system_change_contributions",
        "collaborations_with_initiatives",
        "organisations_adapted",
    }
)


def is_person_count(indicator: str, unit: str | None) -> bool:
    """Whether a value of this indicator counts people (and so may point to a person)."""
    return unit == "count" and indicator not in NON_PERSON_COUNTS


def exact_sum(values: Iterable[object]) -> float:
    """The sum of the numbers among ``values``, correctly rounded: the same in any row order
    (a store returns rows in its own order; the figures must not wobble with it)."""
    nums = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").dropna()
    return math.fsum(nums)


def grouped_exact_sum(grouped) -> pd.Series:
    """``grouped.agg(exact_sum)`` for a float column, without a Python call per group.

    When every value is a whole number and the absolute total stays below 2**53, any
    summation order is exact, so pandas' own sum gives the correctly rounded sum (NaN skipped,
    an empty group 0.0, as ``exact_sum``); otherwise each group is summed with ``fsum``.
    """
    vals = grouped.obj
    if isinstance(vals, pd.Series) and vals.dtype == np.float64:
        arr = vals.to_numpy()
        fin = arr[~np.isnan(arr)]
        if np.isfinite(fin).all() and np.abs(fin).sum() < 2**53 and (fin == np.floor(fin)).all():
            return grouped.sum()
    return grouped.agg(exact_sum)


def blank(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def phase_rank(phase: object) -> int:
    return PHASE_ORDER.index(phase) if phase in PHASE_ORDER else len(PHASE_ORDER)


def period_starts(ds: Dataset) -> dict[str, object]:
    """Period label -> its earliest start date, over every frame of the dataset.

    Only the distinct (label, start) pairs are walked, in order of first appearance: a
    repeated pair changes nothing, so the answer is that of a walk over every row.
    """
    out: dict[str, object] = {}
    for name, frame in ds.frames().items():
        if name == "initiatives" or not len(frame):
            continue
        # a small frame is walked as it is (quicker than finding its distinct pairs)
        pairs = frame if len(frame) < 2000 else frame[["period", "period_start"]].drop_duplicates()
        for label, start in zip(pairs["period"], pairs["period_start"], strict=True):
            if blank(label):
                continue
            if label not in out or (not blank(start) and start < out[label]):
                out[label] = start
    return out


def sorted_periods(ds: Dataset) -> list[str]:
    starts = period_starts(ds)
    return sorted(starts, key=lambda p: (str(starts[p]), p))


def names(ds: Dataset) -> dict[str, str]:
    """Initiative id -> name (the id itself when the profile is missing)."""
    ini = ds.initiatives
    return {str(i): str(n) for i, n in zip(ini["initiative_id"], ini["name"], strict=True)}


def initiative_ids(ds: Dataset) -> list[str]:
    """Every initiative in the dataset, in neutral order (by name, then id)."""
    nm = names(ds)
    ids = set(nm)
    for frame in (ds.observations, ds.stories, ds.network, ds.reflections):
        ids |= {str(i) for i in frame["initiative_id"].dropna().unique()}
    return sorted(ids, key=lambda i: (fold(nm.get(i, i)), i))


def neutral_sort(
    frame: pd.DataFrame,
    *,
    text: Iterable[str] = (),
    phase: Iterable[str] = (),
    period: Iterable[str] = (),
    choice: dict[str, tuple[str, ...]] | None = None,
    periods: list[str] | None = None,
    order: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Sort by keys that carry no value judgement: names, phase order, time, choice-list order.

    ``order`` gives the sequence of the key columns; each must be named in ``text`` (sorted
    case-folded), ``phase``, ``period`` (sorted in time using ``periods``) or ``choice``
    (sorted in the order of that choice list).
    """
    text, phase, period = list(text), list(phase), list(period)
    choice = choice or {}
    keys = list(order) if order is not None else text + phase + period + list(choice)
    if not len(frame) or not keys:
        return frame.reset_index(drop=True)
    period_pos: dict[object, int] = {p: i for i, p in enumerate(periods or [])}
    helper = pd.DataFrame(index=frame.index)
    for k in keys:
        col = frame[k]
        if k in text:
            helper[k] = _map_distinct(col, _fold_key)
        elif k in phase:
            helper[k] = _map_distinct(col, phase_rank)
        elif k in period:
            helper[k] = _map_distinct(col, lambda v: period_pos.get(v, len(period_pos)))
        elif k in choice:
            helper[k] = _map_distinct(col, _choice_rank(choice[k]))
        else:
            raise ValueError(f"sort key {k!r} has no neutral kind")
    pos = helper.sort_values(keys, kind="stable").index
    return frame.loc[pos].reset_index(drop=True)


def _map_distinct(col: pd.Series, fn: Callable[[object], object]) -> list:
    """``col.map(fn)`` as a list, calling ``fn`` once per distinct value (a blank as None)."""
    codes, uniq = pd.factorize(col, use_na_sentinel=True)
    mapped = [fn(u) for u in uniq]
    na = fn(None)
    return [na if c < 0 else mapped[c] for c in codes]


def choice_codes(name: str) -> tuple[str, ...]:
    return load_catalogue().choices(name).codes


# without a viewer, an analysis shows what the public may see: public stories only, and every
# small count of people withheld (the safe default for a caller that forgot to say who looks)
PUBLIC = Principal("public")


def viewer_or_public(viewer: Principal | None) -> Principal:
    return PUBLIC if viewer is None else viewer


def visible_stories(ds: Dataset, viewer: Principal | None) -> pd.DataFrame:
    """The stories ``viewer`` may read: consent recorded and shared with them."""
    viewer = viewer_or_public(viewer)
    st = ds.stories
    if not len(st):
        return st
    seen: dict[tuple[str, str, bool], bool] = {}
    keep = []
    for i, v, c in zip(st["initiative_id"], st["visibility"], st["consent_recorded"], strict=True):
        key = (str(i), str(v), bool(c) if not blank(c) else False)
        if key not in seen:
            seen[key] = viewer.can_see_story(*key)
        keep.append(seen[key])
    return st[pd.Series(keep, index=st.index, dtype=bool)]


def in_period(frame: pd.DataFrame, period: str | None) -> pd.DataFrame:
    return frame if period is None else frame[frame["period"] == period]


def _fold_key(value: object) -> str:
    """The sort key of a text: folded, with a blank first."""
    return "" if blank(value) else fold(value)


def _choice_rank(codes: tuple[str, ...]) -> Callable[[object], int]:
    """The sort key of a choice: its place in the catalogue's list, an unknown value last."""

    def rank(value: object) -> int:
        return codes.index(value) if isinstance(value, str) and value in codes else len(codes)

    return rank
