"""The cells of the small-number protection problem, built from a dataset (for
``evaluation.disclosure``, which decides with them what each audience sees).

Every count of people some output shows is a cell of one problem per measure, with the
equations that tie the cells together (a total is the sum of its parts); ``CellProblem``
collects them table by table and, with ``evaluation.protection``, chooses the cells to
withhold so that no initiative, knowing its own cells, can narrow a withheld one of another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import (
    blank,
    is_person_count,
    neutral_sort,
)
from evaluation.analysis.continuity import FLOW_COLUMNS, PHASE_FLOW_COLUMNS, flow_rows
from evaluation.analysis.network import REFERRALS, partner_node
from evaluation.model import Dataset
from evaluation.protection import protect_shared

# --- the cells of the protection problem ---------------------------------------------------


class CellProblem:
    """Cells and equations of one measure, built up table by table.

    Each cell records who knows it exactly anyway (``owners``: the initiative whose count it
    is; both initiatives of a referral between them). One pattern of withheld cells is found
    for everyone (``solve``): protected against a reader who knows nothing, and against each
    owner who knows its own cells, so that what an initiative sees of its own, combined with
    what any other audience sees, still gives nothing away. A viewer then gets that pattern
    with its own cells shown.
    """

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.value: list[float] = []
        self.primary: list[bool] = []
        self.owners: list[frozenset[str]] = []
        self.level: list[int] = []
        self.equations: list[tuple[np.ndarray, np.ndarray]] = []

    def cell(self, value: float, level: int, owners: frozenset[str], person: bool = True) -> int:
        self.value.append(float(value))
        self.primary.append(person and 0 < value < self.threshold)
        self.owners.append(owners)
        self.level.append(level)
        return len(self.value) - 1

    def total(self, parts: list[int], level: int, owners: frozenset[str] = frozenset()) -> int:
        """A cell that adds up ``parts``; the part itself when there is only one."""
        if len(parts) == 1:
            return parts[0]
        k = self.cell(sum(self.value[p] for p in parts), level, owners)
        self.equations.append(
            (np.array([*parts, k], dtype=np.int64), np.array([1.0] * len(parts) + [-1.0]))
        )
        return k

    def total_always(self, parts: list[int]) -> int:
        """A portfolio total: a cell of its own even with one part, known to no one."""
        k = self.cell(sum(self.value[p] for p in parts), 2, frozenset())
        self.equations.append(
            (np.array([*parts, k], dtype=np.int64), np.array([1.0] * len(parts) + [-1.0]))
        )
        return k

    def known_to(self, who: str) -> np.ndarray:
        return np.array([who in o for o in self.owners], dtype=bool)

    def solve(self, viewer: Principal) -> np.ndarray:
        """The cells withheld from ``viewer``: the shared pattern, less the viewer's own."""
        n = len(self.value)
        if not n:
            return np.zeros(0, dtype=bool)
        hidden = protect_shared(
            np.array(self.value),
            np.array(self.primary, dtype=bool),
            np.array(self.level),
            self.equations,
            self.owners,
            self.threshold,
        )
        self.hidden = hidden
        if viewer.role == "initiative" and viewer.initiative_id:
            return hidden & ~self.known_to(viewer.initiative_id)
        return hidden


@dataclass
class Withheld:
    """Per measure: how many cells an audience gets and how many (and how much) is withheld."""

    rows: list[dict] = field(default_factory=list)

    def add(self, table: str, problem: CellProblem, hidden: np.ndarray, cells: list[int]) -> None:
        idx = np.array(sorted(set(cells)), dtype=np.int64)
        values = np.array(problem.value)[idx] if len(idx) else np.zeros(0)
        hid = hidden[idx] if len(idx) else np.zeros(0, dtype=bool)
        self.rows.append(
            {
                "table": table,
                "cells": len(idx),
                "withheld": int(hid.sum()),
                "total": float(values.sum()),
                "withheld_total": float(values[hid].sum()),
            }
        )

    def frame(self) -> pd.DataFrame:
        cols = ["table", "cells", "withheld", "total", "withheld_total"]
        return pd.DataFrame(self.rows, columns=cols)


def indicator_cells(
    ds: Dataset, viewer: Principal, measure: str, threshold: int, withheld: Withheld
) -> tuple[np.ndarray, dict, dict]:
    """Protect one measure of the observations (``value`` of counts of people, or the
    ``numerator`` / ``denominator`` of shares) at the three levels together.

    Returns the observation rows' flags (by position), and the flags of each initiative's
    value and of each portfolio total, keyed (initiative, indicator, period) and (indicator,
    period).
    """
    obs = ds.observations
    units = obs["unit"].tolist()
    codes = obs["indicator"].tolist()
    raw = pd.to_numeric(obs[measure], errors="coerce").to_numpy(dtype=float)
    if measure == "value":
        use = np.array([is_person_count(c, u) for c, u in zip(codes, units, strict=True)], bool)
    else:
        use = np.array([u == "share" for u in units], dtype=bool)
    use &= ~np.isnan(raw)
    prob = CellProblem(threshold)
    row_cell = np.full(len(obs), -1, dtype=np.int64)
    groups: dict[tuple[str, str, str], list[int]] = {}
    own = obs["own"].fillna(False).astype(bool).to_numpy()
    iids = obs["initiative_id"].astype(str).tolist()
    periods = obs["period"].astype(str).tolist()
    for pos in np.flatnonzero(use).tolist():
        iid = iids[pos]
        row_cell[pos] = prob.cell(raw[pos], 0, frozenset({iid}))
        groups.setdefault((iid, codes[pos], periods[pos]), []).append(pos)
    ini_cell: dict[tuple[str, str, str], int] = {}
    by_total: dict[tuple[str, str], list[int]] = {}
    own_key: set[tuple[str, str, str]] = set()
    for key, rows in groups.items():
        ini_cell[key] = prob.total([int(row_cell[p]) for p in rows], 1, frozenset({key[0]}))
        if own[rows[0]]:
            own_key.add(key)
        else:
            by_total.setdefault((key[1], key[2]), []).append(ini_cell[key])
    tot_cell = {key: prob.total_always(parts) for key, parts in by_total.items()}
    hidden = prob.solve(viewer)
    label = "observations" if measure == "value" else f"observations.{measure}"
    withheld.add(label, prob, hidden, [int(c) for c in row_cell if c >= 0])
    withheld.add(f"values.{measure}", prob, hidden, list(ini_cell.values()))
    withheld.add(f"totals.{measure}", prob, hidden, list(tot_cell.values()))
    rows_hidden = np.zeros(len(obs), dtype=bool)
    rows_hidden[row_cell >= 0] = hidden[row_cell[row_cell >= 0]]
    return (
        rows_hidden,
        {k: bool(hidden[c]) for k, c in ini_cell.items()},
        {k: bool(hidden[c]) for k, c in tot_cell.items()},
    )


def network_cells(
    ds: Dataset, viewer: Principal, threshold: int, withheld: Withheld
) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """Protect the people referred: network rows, edges, hand-overs and phase flows together.

    Returns the network rows' flags (by position), the flows between initiatives and
    partners, and the flows between phases, each with ``people_suppressed``.
    """
    net = ds.network
    rel = net["relation"].tolist()
    counts = pd.to_numeric(net["count"], errors="coerce").to_numpy(dtype=float)
    prob = CellProblem(threshold)
    row_cell = np.full(len(net), -1, dtype=np.int64)
    iids = net["initiative_id"].astype(str).tolist()
    pids = net["partner_initiative_id"].tolist()
    edges: dict[tuple, list[int]] = {}
    for pos, r in enumerate(rel):
        if r not in REFERRALS or np.isnan(counts[pos]):
            continue
        pid = None if blank(pids[pos]) else str(pids[pos])
        owners = frozenset({iids[pos]} | ({pid} if pid is not None else set()))
        row_cell[pos] = prob.cell(counts[pos], 0, owners)
        node = partner_node(net.iloc[pos])
        edges.setdefault((net["period"].iloc[pos], iids[pos], node, r), []).append(pos)
    edge_cells = [
        prob.total([int(row_cell[p]) for p in rows], 1, prob.owners[row_cell[rows[0]]])
        for rows in edges.values()
    ]
    flows = flow_rows(ds)
    flow_keys = [c for c in FLOW_COLUMNS if c != "people"]
    flow_cells: dict[tuple, int] = {}
    flow_parts: dict[tuple, list[int]] = {}
    positions = np.flatnonzero(np.isin(np.array(rel, dtype=object), REFERRALS))
    for k, r in enumerate(flows.itertuples(index=False)):
        if not r.counted:
            continue
        pos = int(positions[k])
        if row_cell[pos] < 0:
            continue
        key = tuple(getattr(r, c) for c in flow_keys)
        flow_parts.setdefault(key, []).append(int(row_cell[pos]))
    flow_records = []
    for key, parts in flow_parts.items():
        rec = dict(zip(flow_keys, key, strict=True))
        owners = frozenset(str(rec[s]) for s in ("from_id", "to_id") if not blank(rec[s]))
        flow_cells[key] = prob.total(parts, 1, owners)
        flow_records.append(rec)
    phase_parts: dict[tuple, list[int]] = {}
    for rec in flow_records:
        if blank(rec["from_phase"]) or blank(rec["to_phase"]):
            continue
        key = (rec["period"], rec["from_phase"], rec["to_phase"])
        phase_parts.setdefault(key, []).append(flow_cells[tuple(rec[c] for c in flow_keys)])
    phase_cells = {key: prob.total_always(parts) for key, parts in phase_parts.items()}
    hidden = prob.solve(viewer)
    withheld.add("network", prob, hidden, [int(c) for c in row_cell if c >= 0])
    withheld.add("network.edges", prob, hidden, edge_cells)
    withheld.add("flows", prob, hidden, list(flow_cells.values()))
    withheld.add("phase_flows", prob, hidden, list(phase_cells.values()))
    rows_hidden = np.zeros(len(net), dtype=bool)
    rows_hidden[row_cell >= 0] = hidden[row_cell[row_cell >= 0]]
    flow_frame = pd.DataFrame(
        [
            {
                **rec,
                "people": prob.value[c],
                "people_suppressed": bool(hidden[c]),
            }
            for rec, c in zip(flow_records, flow_cells.values(), strict=True)
        ],
        columns=[*FLOW_COLUMNS, "people_suppressed"],
    )
    phase_frame = pd.DataFrame(
        [
            {
                "period": k[0],
                "from_phase": k[1],
                "to_phase": k[2],
                "people": prob.value[c],
                "people_suppressed": bool(hidden[c]),
            }
            for k, c in phase_cells.items()
        ],
        columns=[*PHASE_FLOW_COLUMNS, "people_suppressed"],
    )
    # in the order found: the disclosure sorts the flows of every period together
    return rows_hidden, flow_frame, phase_frame


def sorted_flows(frame: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Flows (people withheld where flagged) in neutral order: sender, receiver, period."""
    return neutral_sort(
        withhold(frame, "people"),
        text=["from_label", "to_label"],
        period=["period"],
        periods=periods,
        order=["from_label", "to_label", "period"],
    )


def sorted_phase_flows(frame: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Flows between phases (withheld where flagged) in order of phase, then period."""
    return neutral_sort(
        withhold(frame, "people"),
        phase=["from_phase", "to_phase"],
        period=["period"],
        periods=periods,
        order=["from_phase", "to_phase", "period"],
    )


def withhold(frame: pd.DataFrame, col: str, flag: str | None = None) -> pd.DataFrame:
    """``col`` as objects, None where its flag is set."""
    flag = flag or f"{col}_suppressed"
    out = frame.copy()
    hidden = out[flag].astype(bool).to_numpy()
    out[col] = out[col].astype(object).where(~hidden, None)
    return out
