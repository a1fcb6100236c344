"""Shared helpers of the analyses: neutral ordering, period order, story filtering.

Every list the analyses return is in a *neutral* order: by name (case-folded), then phase in
the path's order (arrival, landing, future), then period in time, never by a value. These
helpers are the one place that order is defined, so no analysis can drift into a ranking.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

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
    """Period label -> its earliest start date, over every frame of the dataset."""
    out: dict[str, object] = {}
    for name, frame in ds.frames().items():
        if name == "initiatives" or not len(frame):
            continue
        for label, start in zip(frame["period"], frame["period_start"], strict=True):
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
        ids |= {str(i) for i in frame["initiative_id"].dropna()}
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
    period_pos = {p: i for i, p in enumerate(periods or [])}
    helper = pd.DataFrame(index=frame.index)
    for k in keys:
        col = frame[k]
        if k in text:
            helper[k] = col.map(lambda v: "" if blank(v) else fold(v))
        elif k in phase:
            helper[k] = col.map(phase_rank)
        elif k in period:
            helper[k] = col.map(lambda v: period_pos.get(v, len(period_pos)))
        elif k in choice:
            codes = choice[k]
            helper[k] = col.map(lambda v, c=codes: c.index(v) if v in c else len(c))
        else:
            raise ValueError(f"sort key {k!r} has no neutral kind")
    pos = helper.sort_values(keys, kind="stable").index
    return frame.loc[pos].reset_index(drop=True)


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
    keep = [
        viewer.can_see_story(str(i), str(v), bool(c) if not blank(c) else False)
        for i, v, c in zip(
            st["initiative_id"], st["visibility"], st["consent_recorded"], strict=True
        )
    ]
    return st[pd.Series(keep, index=st.index, dtype=bool)]


def in_period(frame: pd.DataFrame, period: str | None) -> pd.DataFrame:
    return frame if period is None else frame[frame["period"] == period]
