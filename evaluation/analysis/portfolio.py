"""The portfolio's conventional outputs, never on their own.

Funders are used to counting outputs. The report asks them to read those counts beside the
relational and process side of the work and beside the phase puzzle. So the only way to get
output totals here is a ``PortfolioContext`` that carries all three; a view that shows the
outputs has the context in hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import (
    grouped_exact_sum,
    neutral_sort,
    sorted_periods,
    viewer_or_public,
)
from evaluation.analysis.phases import phase_coverage
from evaluation.catalogue import load_catalogue
from evaluation.model import Dataset

TOTAL_COLUMNS = [
    "dimension",
    "indicator",
    "unit",
    "period",
    "total",
    "numerator",
    "denominator",
    "n_initiatives_reporting",
]


@dataclass(frozen=True)
class PortfolioContext:
    """Output totals together with the relational and process totals and the phase coverage."""

    outputs: pd.DataFrame
    relational: pd.DataFrame
    process: pd.DataFrame
    phase_coverage: pd.DataFrame


PART_COLUMNS = ["initiative_id", "indicator", "unit", "period", "total", "numerator", "denominator"]


def initiative_parts(obs: pd.DataFrame) -> pd.DataFrame:
    """Per initiative, indicator and period: the figures a trajectory shows (summed the same
    way), the parts each portfolio total is made of.

    Vectorised, with the rows of each group put in value order before summing, so that the
    floating-point sums do not depend on the order the store returned the rows in.
    """
    if not len(obs):
        return pd.DataFrame(columns=PART_COLUMNS)
    keys = ["initiative_id", "indicator", "period"]
    pairs = (("value", "total"), ("numerator", "numerator"), ("denominator", "denominator"))
    o = obs[[*keys, "unit"]].copy()
    for src, dst in pairs:
        o[dst] = pd.to_numeric(obs[src], errors="coerce").astype(float)
    grouped = o.groupby(keys)  # grouped once on the stored (string) keys
    dsts = [dst for _, dst in pairs]
    if all(_whole(o[d]) for d in dsts):
        # whole numbers add up exactly in any order: one grouped sum for all three
        out = grouped[dsts].sum(min_count=1)
    else:
        out = None
        for dst in dsts:
            ordered = o if _whole(o[dst]) else o.sort_values([*keys, dst])
            summed = ordered.groupby(keys)[dst].sum(min_count=1)
            out = summed.to_frame() if out is None else out.join(summed)
    out = out.join(grouped["unit"].first()).reset_index()
    out = out.astype({c: object for c in [*keys, "unit"]})
    out["total"] = out["total"].where(out["unit"].isin(["count", "hours"]))
    for col in ("numerator", "denominator"):
        out[col] = out[col].where(out["unit"] == "share")
    return out[PART_COLUMNS]


def _whole(values: pd.Series) -> bool:
    """Every number whole and the absolute total below 2**53 (so every sum is exact)."""
    arr = values.to_numpy(dtype=float)
    fin = arr[~np.isnan(arr)]
    return bool(
        np.isfinite(fin).all() and np.abs(fin).sum() < 2**53 and (fin == np.floor(fin)).all()
    )


def _dimension_totals(ds: Dataset, dimension: str) -> pd.DataFrame:
    """Totals per catalogue indicator and period across initiatives (exact figures).

    Counts and hours are summed; shares sum numerators and denominators; rubric steps and
    texts are not summed (only how many initiatives reported them). Own indicators are the
    initiative's own and are not added up across initiatives.

    A total is the sum of the figures each initiative's trajectory shows. What an audience
    may see of it is decided with those figures together, by ``evaluation.disclosure``.
    """
    obs = ds.observations
    obs = obs[(obs["dimension"] == dimension) & ~obs["own"].astype(bool)]
    parts = initiative_parts(obs)
    grouped = parts.groupby(["indicator", "period"], sort=False)
    rows = []
    if grouped.ngroups:
        codes = grouped.ngroup().to_numpy()
        _, first_pos = np.unique(codes, return_index=True)
        units = parts["unit"].iloc[first_pos].tolist()
        total = grouped_exact_sum(grouped["total"]).tolist()
        num = grouped_exact_sum(grouped["numerator"]).tolist()
        den = grouped_exact_sum(grouped["denominator"]).tolist()
        has_num = (grouped["numerator"].count() > 0).tolist()
        has_den = (grouped["denominator"].count() > 0).tolist()
        n_ini = grouped["initiative_id"].nunique().tolist()
        for k, (code, period) in enumerate(grouped.size().index):
            unit = units[k]
            rows.append(
                {
                    "dimension": dimension,
                    "indicator": code,
                    "unit": unit,
                    "period": period,
                    "total": float(total[k]) if unit in ("count", "hours") else None,
                    "numerator": float(num[k]) if has_num[k] else None,
                    "denominator": float(den[k]) if has_den[k] else None,
                    "n_initiatives_reporting": int(n_ini[k]),
                }
            )
    frame = pd.DataFrame(rows, columns=TOTAL_COLUMNS)
    frame = neutral_sort(
        frame,
        period=["period"],
        choice={"indicator": load_catalogue().indicator_codes},
        periods=sorted_periods(ds),
        order=["indicator", "period"],
    )
    for col in ("total", "numerator", "denominator"):
        frame[col] = frame[col].astype(object)
    return frame


def output_totals(ds: Dataset, viewer: Principal | None = None) -> PortfolioContext:
    """The conventional output totals per period, returned with their relational context.

    The totals are exact; ``viewer`` decides only which stories the phase coverage counts.
    """
    viewer = viewer_or_public(viewer)
    return PortfolioContext(
        outputs=_dimension_totals(ds, "output"),
        relational=_dimension_totals(ds, "relational"),
        process=_dimension_totals(ds, "process"),
        phase_coverage=phase_coverage(ds, viewer),
    )
