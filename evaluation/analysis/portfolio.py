"""The portfolio's conventional outputs, never on their own.

Funders are used to counting outputs. The report asks them to read those counts beside the
relational and process side of the work and beside the phase puzzle. So the only way to get
output totals here is a ``PortfolioContext`` that carries all three; a view that shows the
outputs has the context in hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import (
    exact_sum,
    is_person_count,
    neutral_sort,
    sorted_periods,
    viewer_or_public,
)
from evaluation.analysis.phases import phase_coverage
from evaluation.analysis.suppression import suppress
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


def _dimension_totals(ds: Dataset, dimension: str, viewer: Principal) -> pd.DataFrame:
    """Totals per catalogue indicator and period across initiatives, small counts protected.

    Counts and hours are summed; shares sum numerators and denominators; rubric steps and
    texts are not summed (only how many initiatives reported them). Own indicators are the
    initiative's own and are not added up across initiatives.
    """
    obs = ds.observations
    obs = obs[(obs["dimension"] == dimension) & ~obs["own"].astype(bool)]
    rows = []
    for (code, period), sub in obs.groupby(["indicator", "period"], sort=False):
        unit = sub["unit"].iloc[0]
        summed = unit in ("count", "hours")
        num = pd.to_numeric(sub["numerator"], errors="coerce")
        den = pd.to_numeric(sub["denominator"], errors="coerce")
        rows.append(
            {
                "dimension": dimension,
                "indicator": code,
                "unit": unit,
                "period": period,
                "total": exact_sum(sub["value"]) if summed else None,
                "numerator": exact_sum(num) if unit == "share" and num.notna().any() else None,
                "denominator": exact_sum(den) if unit == "share" and den.notna().any() else None,
                "n_initiatives_reporting": int(sub["initiative_id"].nunique()),
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
    person = [is_person_count(i, u) for i, u in zip(frame["indicator"], frame["unit"], strict=True)]
    frame["_person_total"] = frame["total"].where(pd.Series(person, index=frame.index, dtype=bool))
    prot = suppress(
        frame,
        viewer,
        ["_person_total", "numerator", "denominator"],
        group_columns=[["indicator", "period"]],
        owner_columns=(),
    )
    hidden = prot["_person_total_suppressed"].to_numpy()
    out = prot.drop(columns=["_person_total", "_person_total_suppressed"])
    out["total"] = frame["total"].astype(object).where(~hidden, None)
    out["total_suppressed"] = hidden
    return out


def output_totals(ds: Dataset, viewer: Principal | None = None) -> PortfolioContext:
    """The conventional output totals per period, returned with their relational context.

    Totals of people under the threshold are withheld from every viewer, initiatives included
    (a total mixes several initiatives' counts).
    """
    viewer = viewer_or_public(viewer)
    return PortfolioContext(
        outputs=_dimension_totals(ds, "output", viewer),
        relational=_dimension_totals(ds, "relational", viewer),
        process=_dimension_totals(ds, "process", viewer),
        phase_coverage=phase_coverage(ds, viewer),
    )
