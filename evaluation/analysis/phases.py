"""The phase puzzle: where each initiative says it works, and where its work actually falls.

The report sees a newcomer's path in three phases (arrival, landing, building a future); each
initiative has its accent in one or two and links to all. Laying the declared roles beside the
activities, indicator values and stories that carry each phase shows the puzzle and its gaps.
Coverage is a category (gap / thin / covered), never a score.
"""

from __future__ import annotations

import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import blank, initiative_ids, names, neutral_sort, visible_stories
from evaluation.model import PHASE_ORDER, Dataset

PUZZLE_COLUMNS = [
    "initiative_id",
    "name",
    "phase",
    "role",
    "n_activity_rows",
    "n_indicator_values",
    "n_stories",
]
COVERAGE_COLUMNS = [
    "phase",
    "n_primary",
    "n_secondary",
    "n_with_activity",
    "n_with_stories",
    "n_initiatives",
    "initiatives",
    "coverage",
]
COVERAGE_CATEGORIES = ("gap", "thin", "covered")


def _roles(ds: Dataset) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for r in ds.initiatives.to_dict("records"):
        secondary = (
            set() if blank(r["secondary_phases"]) else set(str(r["secondary_phases"]).split(";"))
        )
        out[str(r["initiative_id"])] = {
            p: "primary" if r["primary_phase"] == p else "secondary" if p in secondary else "none"
            for p in PHASE_ORDER
        }
    return out


def phase_puzzle(ds: Dataset, viewer: Principal | None = None) -> pd.DataFrame:
    """One row per initiative and phase: the declared role and the work that falls there.

    ``n_activity_rows`` counts rows of the Activities sheet (activity type and period) in the
    phase; ``n_indicator_values`` counts filled values of the Indicators sheet in the phase;
    ``n_stories`` counts the stories in the phase that ``viewer`` may read (consent recorded).
    """
    roles = _roles(ds)
    nm = names(ds)
    obs = ds.observations
    acts = obs[obs["activity_type"].notna()]
    act_rows = acts.drop_duplicates(
        ["initiative_id", "period", "submission_id", "activity_type", "phase"]
    )
    act_n = act_rows.groupby(["initiative_id", "phase"]).size()
    ind = obs[obs["activity_type"].isna() & (obs["value"].notna() | obs["text_value"].notna())]
    ind_n = ind.groupby(["initiative_id", "phase"]).size()
    st = visible_stories(ds, viewer)
    st_n = st.groupby(["initiative_id", "phase"]).size() if len(st) else pd.Series(dtype=int)
    # plain dicts: a lookup per initiative and phase, without pandas' index machinery
    act_n, ind_n, st_n = act_n.to_dict(), ind_n.to_dict(), st_n.to_dict()
    rows = []
    for i in initiative_ids(ds):
        for p in PHASE_ORDER:
            rows.append(
                {
                    "initiative_id": i,
                    "name": nm.get(i, i),
                    "phase": p,
                    "role": roles.get(i, {}).get(p, "none"),
                    "n_activity_rows": int(act_n.get((i, p), 0)),
                    "n_indicator_values": int(ind_n.get((i, p), 0)),
                    "n_stories": int(st_n.get((i, p), 0)),
                }
            )
    frame = pd.DataFrame(rows, columns=PUZZLE_COLUMNS)
    return neutral_sort(
        frame,
        text=["name", "initiative_id"],
        phase=["phase"],
        order=["name", "initiative_id", "phase"],
    )


def phase_coverage(
    ds: Dataset, viewer: Principal | None = None, thin_at_most: int = 1
) -> pd.DataFrame:
    """Per phase: how many initiatives hold it (primary, secondary, activity, stories).

    ``coverage`` is "gap" when no initiative declares the phase or has activity in it, "thin"
    when at most ``thin_at_most`` initiatives do, else "covered". ``initiatives`` lists those
    initiatives by name (";"-joined, in name order).
    """
    puzzle = phase_puzzle(ds, viewer)
    rows = []
    for p in PHASE_ORDER:
        sub = puzzle[puzzle["phase"] == p]
        holding = sub[(sub["role"] != "none") | (sub["n_activity_rows"] > 0)]
        n = len(holding)
        rows.append(
            {
                "phase": p,
                "n_primary": int((sub["role"] == "primary").sum()),
                "n_secondary": int((sub["role"] == "secondary").sum()),
                "n_with_activity": int((sub["n_activity_rows"] > 0).sum()),
                "n_with_stories": int((sub["n_stories"] > 0).sum()),
                "n_initiatives": n,
                "initiatives": ";".join(holding["name"]),
                "coverage": "gap" if n == 0 else "thin" if n <= thin_at_most else "covered",
            }
        )
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
