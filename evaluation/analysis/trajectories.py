"""One initiative's trajectories: its indicators over time, on its own scale, with its words.

Inclusion is a becoming, not an end state: a trajectory shows how an initiative's numbers move
over periods, and every number travels with its context (the notes, the stories and the
reflections of the same period). Catalogue and own indicators are treated alike. Values are
the initiative's own scale; nothing is compared with another initiative or with a target.

Durability follows the report's "contacts versus relationships": relationships still lasting
after six months (in period t) set against the new contacts made two quarters earlier (t-2).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import (
    blank,
    grouped_exact_sum,
    initiative_ids,
    names,
    neutral_sort,
    period_starts,
    sorted_periods,
    viewer_or_public,
    visible_stories,
)
from evaluation.catalogue import load_catalogue
from evaluation.model import Dataset

TRAJECTORY_COLUMNS = [
    "initiative_id",
    "indicator",
    "label_nl",
    "label_en",
    "dimension",
    "unit",
    "own",
    "period",
    "value",
    "numerator",
    "denominator",
    "text_value",
    "notes",
    "stories",
    "reflections",
]
DURABILITY_COLUMNS = [
    "initiative_id",
    "name",
    "period",
    "earlier_period",
    "relationships_lasting_6m",
    "new_contacts_earlier",
    "ratio",
]


def _labels(ds: Dataset, initiative_id: str) -> dict[str, tuple[str, str]]:
    cat = load_catalogue()
    out = {i.code: (i.label("nl"), i.label("en")) for i in cat.indicators}
    own = ds.own_indicators[ds.own_indicators["initiative_id"] == initiative_id]
    for code, label in zip(own["indicator"], own["label"], strict=True):
        out[code] = (str(label), str(label))
    return out


def _of_initiative(frame: pd.DataFrame, initiative_id: str) -> pd.DataFrame:
    return frame[frame["initiative_id"] == initiative_id]


def _texts(values: pd.Series, codes: np.ndarray, n: int) -> list[str | None]:
    """Each group's filled texts (rows in order, each once) on lines, or None; walks only the
    filled ones."""
    out: list[list[str]] = [[] for _ in range(n)]
    for k, v in zip(codes.tolist(), values.tolist(), strict=True):
        if k >= 0 and not blank(v):
            item = str(v).strip()
            if item:
                out[k].append(item)
    return ["\n".join(dict.fromkeys(items)) or None for items in out]


def _sums(values: np.ndarray, codes: np.ndarray, n: int) -> tuple[list, list]:
    """Per group: the exact sum of the numbers (None without any), and the last number (in row
    order)."""
    parts: list[list[float]] = [[] for _ in range(n)]
    for k, v in zip(codes.tolist(), values.tolist(), strict=True):
        if k >= 0 and v == v:  # not NaN
            parts[k].append(v)
    return (
        [math.fsum(p) if p else None for p in parts],
        [p[-1] if p else None for p in parts],
    )


def _numbers(col: pd.Series) -> np.ndarray:
    return pd.to_numeric(col, errors="coerce").astype(float).to_numpy()


def _measures(obs: pd.DataFrame, by: list[str]) -> tuple[list, ...]:
    """Per group of ``by`` (in order of first appearance): its key, the unit, dimension and
    own flag of its first row (blanks included), the sums and last of its values, the sums
    of numerators and denominators, and its texts and notes."""
    grouped = obs.groupby(by, sort=False)
    ng = grouped.ngroups
    codes = grouped.ngroup().fillna(-1).astype(np.int64).to_numpy() if len(obs) else np.zeros(0)
    _, first_pos = np.unique(codes, return_index=True)
    first = obs[["unit", "dimension", "own"]].iloc[first_pos[-ng:] if ng else []]
    keys = list(grouped.size().index) if ng else []
    value_sum, value_last = _sums(_numbers(obs["value"]), codes, ng)
    num_sum, _ = _sums(_numbers(obs["numerator"]), codes, ng)
    den_sum, _ = _sums(_numbers(obs["denominator"]), codes, ng)
    return (
        keys,
        first["unit"].tolist(),
        first["dimension"].tolist(),
        first["own"].tolist(),
        value_sum,
        value_last,
        num_sum,
        den_sum,
        _texts(obs["text_value"], codes, ng),
        _texts(obs["note"], codes, ng),
    )


def trajectories(ds: Dataset, initiative_id: str, viewer: Principal | None = None) -> pd.DataFrame:
    """Per indicator and period: the value on the initiative's own scale, with its context.

    Activities are summed across activity types (and phases) per period. Shares sum their
    numerators and denominators. ``stories`` lists the titles of the period's stories that
    ``viewer`` may read; ``reflections`` the period's reflection answers (question: answer).
    The figures are exact: what an audience may see of them is ``evaluation.disclosure``'s.
    Order: indicator in catalogue order (own indicators after, by code), then period.

    Every frame is first cut down to the initiative; only the period order is taken from the
    whole dataset. Sums are per group in row order (``fsum``, so exact in any order).
    """
    viewer = viewer_or_public(viewer)
    obs = _of_initiative(ds.observations, initiative_id)
    labels = _labels(ds, initiative_id)
    periods = sorted_periods(ds)
    mine = Dataset(
        **{
            n: f if n == "initiatives" else _of_initiative(f, initiative_id)
            for n, f in ds.frames().items()
        }
    )
    st = visible_stories(mine, viewer)
    refl = mine.reflections
    (keys, units, dims, owns, value_sum, value_last, num_sum, den_sum, text_values, notes) = (
        _measures(obs, ["indicator", "period"])
    )
    period_stories: dict[object, list] = {}
    period_refl: dict[object, list] = {}
    rows = []
    for k, (code, period) in enumerate(keys):
        unit = units[k]
        value = None if unit == "text" else value_sum[k]
        num, den = num_sum[k], den_sum[k]
        if unit == "share" and num is not None and den:
            value = num / den
        if unit == "rubric" and value is not None:
            value = float(value_last[k])
        if period not in period_stories:
            ps = st[st["period"] == period]
            pr = refl[(refl["period"] == period) & refl["answer"].notna()]
            period_stories[period] = list(ps.sort_values("story_no")["title"])
            period_refl[period] = [
                f"{q}: {a}" for q, a in zip(pr["question"], pr["answer"], strict=True)
            ]
        rows.append(
            {
                "initiative_id": initiative_id,
                "indicator": code,
                "label_nl": labels.get(code, (code, code))[0],
                "label_en": labels.get(code, (code, code))[1],
                "dimension": dims[k],
                "unit": unit,
                "own": bool(owns[k]),
                "period": period,
                "value": value,
                "numerator": num,
                "denominator": den,
                "text_value": text_values[k],
                "notes": notes[k],
                "stories": list(period_stories[period]),
                "reflections": list(period_refl[period]),
            }
        )
    frame = pd.DataFrame(rows, columns=TRAJECTORY_COLUMNS)
    order = list(load_catalogue().indicator_codes)
    own_codes = sorted(set(frame["indicator"]) - set(order))
    frame = neutral_sort(
        frame,
        period=["period"],
        choice={"indicator": tuple(order + own_codes)},
        periods=periods,
        order=["indicator", "period"],
    )
    return frame


def _two_quarters_before(start: dt.date) -> dt.date:
    month = start.month - 6
    year = start.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, start.day)


def _indicator_totals(
    ds: Dataset, code: str, initiative_id: str | None = None
) -> dict[tuple[str, str], float]:
    obs = ds.observations
    if initiative_id is not None:
        obs = obs[obs["initiative_id"] == initiative_id]
    obs = obs[obs["indicator"] == code]
    vals = obs.assign(v=pd.to_numeric(obs["value"], errors="coerce")).dropna(subset=["v"])
    sums = grouped_exact_sum(vals.groupby(["initiative_id", "period"])["v"])
    return {(str(i), p): float(v) for (i, p), v in sums.items()}


def durability(ds: Dataset, initiative_id: str | None = None) -> pd.DataFrame:
    """Relationships lasting six months (period t) against new contacts of period t-2.

    The earlier period is the one starting six months before t (two quarters). ``ratio`` is
    None when that period is missing or has no new contacts recorded. Numerator and
    denominator are kept beside the ratio (exact figures: a view shows a ratio only where the
    disclosure layer shows both). Order: initiative name, then period.
    """
    lasting = _indicator_totals(ds, "relationships_lasting_6m", initiative_id)
    contacts = _indicator_totals(ds, "new_contacts", initiative_id)
    starts = period_starts(ds)
    by_start = {(str(s)): p for p, s in starts.items() if not blank(s)}
    nm = names(ds)
    ids = {initiative_id} if initiative_id is not None else set(initiative_ids(ds))
    rows = []
    for (i, period), num in lasting.items():
        if i not in ids:
            continue
        start = starts.get(period)
        earlier = (
            by_start.get(str(_two_quarters_before(start))) if isinstance(start, dt.date) else None
        )
        den = contacts.get((i, earlier)) if earlier is not None else None
        rows.append(
            {
                "initiative_id": i,
                "name": nm.get(i, i),
                "period": period,
                "earlier_period": earlier,
                "relationships_lasting_6m": num,
                "new_contacts_earlier": den,
                "ratio": None,
            }
        )
    frame = pd.DataFrame(rows, columns=DURABILITY_COLUMNS)
    frame["earlier_period"] = pd.Series([r["earlier_period"] for r in rows], dtype=object)
    frame = neutral_sort(
        frame,
        text=["name", "initiative_id"],
        period=["period"],
        periods=sorted_periods(ds),
        order=["name", "initiative_id", "period"],
    )
    ratios = []
    for num, den in zip(
        frame["relationships_lasting_6m"].tolist(),
        frame["new_contacts_earlier"].tolist(),
        strict=True,
    ):
        ratios.append(num / den if not blank(num) and not blank(den) and den else None)
    frame["ratio"] = pd.Series(ratios, index=frame.index, dtype=object)
    return frame


def trajectories_of_all(ds: Dataset) -> pd.DataFrame:
    """What ``trajectories(part, i, Principal("initiative", i))`` gives for every initiative
    ``i`` with observations (``part``: the dataset cut to ``i``), in one pass over the rows.

    One grouping by initiative, indicator and period instead of one call per initiative: the
    disclosure of a national network computes every trajectory, and a call's fixed cost
    (about 0.15 s of small pandas steps) made that the larger part of a report's build.
    Order: initiative (as first met in the observations), then as ``trajectories``.
    """
    obs = ds.observations
    if not len(obs):
        return pd.DataFrame(columns=TRAJECTORY_COLUMNS)
    cat = load_catalogue()
    catalogue_labels = {i.code: (i.label("nl"), i.label("en")) for i in cat.indicators}
    own = ds.own_indicators
    own_labels: dict[str, dict[str, tuple[str, str]]] = {}
    for i, code, label in zip(own["initiative_id"], own["indicator"], own["label"], strict=True):
        own_labels.setdefault(str(i), {})[code] = (str(label), str(label))
    (keys, units, dims, owns, value_sum, value_last, num_sum, den_sum, text_values, notes) = (
        _measures(obs, ["initiative_id", "indicator", "period"])
    )
    # the stories each initiative may read of itself, by period, in story order
    st = ds.stories
    seen: dict[tuple[str, str, bool], bool] = {}
    keep = []
    for i, v, c in zip(st["initiative_id"], st["visibility"], st["consent_recorded"], strict=True):
        key = (str(i), str(v), bool(c) if not blank(c) else False)
        if key not in seen:
            seen[key] = Principal("initiative", key[0]).can_see_story(*key)
        keep.append(seen[key])
    st = st[pd.Series(keep, index=st.index, dtype=bool)].sort_values("story_no", kind="stable")
    stories: dict[tuple[str, object], list] = {}
    for i, p, title in zip(st["initiative_id"], st["period"], st["title"], strict=True):
        stories.setdefault((str(i), p), []).append(title)
    refl = ds.reflections[ds.reflections["answer"].notna()]
    reflections: dict[tuple[str, object], list] = {}
    for i, p, q, a in zip(
        refl["initiative_id"], refl["period"], refl["question"], refl["answer"], strict=True
    ):
        reflections.setdefault((str(i), p), []).append(f"{q}: {a}")
    rows = []
    for k, (iid, code, period) in enumerate(keys):
        iid = str(iid)
        unit = units[k]
        value = None if unit == "text" else value_sum[k]
        num, den = num_sum[k], den_sum[k]
        if unit == "share" and num is not None and den:
            value = num / den
        if unit == "rubric" and value is not None:
            value = float(value_last[k])
        label = own_labels.get(iid, {}).get(code) or catalogue_labels.get(code, (code, code))
        rows.append(
            {
                "initiative_id": iid,
                "indicator": code,
                "label_nl": label[0],
                "label_en": label[1],
                "dimension": dims[k],
                "unit": unit,
                "own": bool(owns[k]),
                "period": period,
                "value": value,
                "numerator": num,
                "denominator": den,
                "text_value": text_values[k],
                "notes": notes[k],
                "stories": list(stories.get((iid, period), [])),
                "reflections": list(reflections.get((iid, period), [])),
            }
        )
    frame = pd.DataFrame(rows, columns=TRAJECTORY_COLUMNS)
    order = list(cat.indicator_codes)
    own_codes = sorted(set(frame["indicator"]) - set(order))
    met = {i: n for n, i in enumerate(dict.fromkeys(frame["initiative_id"]))}
    frame = neutral_sort(
        frame,
        period=["period"],
        choice={"indicator": tuple(order + own_codes)},
        periods=sorted_periods(ds),
        order=["indicator", "period"],
    )
    rank = frame["initiative_id"].map(met)
    return frame.iloc[np.argsort(rank.to_numpy(), kind="stable")].reset_index(drop=True)
