"""Continuity: how people are handed on between initiatives, phases and formal organisations.

The report's continuity is the network holding the pieces of a newcomer's path together.
Flows come from the Network sheet's ``referral_in`` / ``referral_out`` ties.

Decisions:

- A flow's direction: ``referral_out`` runs from the reporting initiative to the partner,
  ``referral_in`` from the partner to the reporting initiative.
- **No double counting.** When both initiatives of the programme report the same hand-over
  (A's ``referral_out`` to B and B's ``referral_in`` from A, in the same period), each side's
  rows are summed and the flow takes the *larger* of the two sides: both describe the same
  people, and the larger count is the one a side cannot have missed.
- Phases: a programme initiative's side of a flow is its primary phase. A formal
  organisation's (or other outside partner's) side is the phase written on the network row,
  or, when blank, the reporting initiative's primary phase (a hand-over within its phase).
"""

from __future__ import annotations

import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import (
    FORMAL_PARTNER_TYPES,
    blank,
    choice_codes,
    grouped_exact_sum,
    in_period,
    initiative_ids,
    names,
    neutral_sort,
    sorted_periods,
    viewer_or_public,
)
from evaluation.analysis.suppression import suppress
from evaluation.model import Dataset

FLOW_COLUMNS = [
    "period",
    "from_id",
    "from_label",
    "from_kind",
    "from_phase",
    "to_id",
    "to_label",
    "to_kind",
    "to_phase",
    "people",
]
PHASE_FLOW_COLUMNS = ["period", "from_phase", "to_phase", "people"]
FORMAL_LINK_COLUMNS = ["initiative_id", "name", "partner_type", "n_partners", "n_ties", "relations"]


def _primary(ds: Dataset) -> dict[str, str | None]:
    ini = ds.initiatives
    return {
        str(i): (None if blank(p) else str(p))
        for i, p in zip(ini["initiative_id"], ini["primary_phase"], strict=True)
    }


def _raw_flows(ds: Dataset) -> pd.DataFrame:
    """One row per referral network row, oriented from sender to receiver.

    Built column-wise: the reporting side is the initiative itself (its name and primary
    phase); the other side is a programme initiative (its name, else the partner as written;
    its primary phase, else the row's phase) or an outside partner (the partner as written,
    its type, the row's phase or else the reporter's primary phase).
    """
    net = ds.network[ds.network["relation"].isin(["referral_in", "referral_out"])]
    cols = ["reporter", *FLOW_COLUMNS]
    if not len(net):
        return pd.DataFrame([], columns=cols)
    nm = names(ds)
    primary = _primary(ds)
    me = [str(i) for i in net["initiative_id"].tolist()]
    pid = [
        None if na else str(p)
        for p, na in zip(
            net["partner_initiative_id"].tolist(),
            net["partner_initiative_id"].isna().tolist(),
            strict=True,
        )
    ]
    row_phase = [
        None if na else p
        for p, na in zip(net["phase"].tolist(), net["phase"].isna().tolist(), strict=True)
    ]
    partner = net["partner"].tolist()
    ptype = net["partner_type"].tolist()
    my_label = [nm.get(m, m) for m in me]
    my_phase = [primary.get(m) for m in me]
    o_id: list[str | None] = []
    o_label: list[str] = []
    o_kind: list[str] = []
    o_phase: list[str | None] = []
    for p, ph, name, pt, mph in zip(pid, row_phase, partner, ptype, my_phase, strict=True):
        if p is not None:
            o_id.append(p)
            o_label.append(nm.get(p, str(name)))
            o_kind.append("initiative")
            o_phase.append(primary.get(p) or ph)
        else:
            o_id.append(None)
            o_label.append(str(name).strip())
            o_kind.append(pt)
            o_phase.append(mph if ph is None else ph)
    out_dir = [r == "referral_out" for r in net["relation"].tolist()]

    def side(mine: list, other: list, sender: bool) -> list:
        return [a if o == sender else b for a, b, o in zip(mine, other, out_dir, strict=True)]

    kinds = ["initiative"] * len(me)
    data = {
        "period": net["period"].tolist(),
        "reporter": me,
        "from_id": side(me, o_id, True),
        "from_label": side(my_label, o_label, True),
        "from_kind": side(kinds, o_kind, True),
        "from_phase": side(my_phase, o_phase, True),
        "to_id": side(me, o_id, False),
        "to_label": side(my_label, o_label, False),
        "to_kind": side(kinds, o_kind, False),
        "to_phase": side(my_phase, o_phase, False),
        "people": [float(c) for c in net["count"].tolist()],
    }
    return pd.DataFrame(
        {c: pd.Series(data[c], dtype=float if c == "people" else object) for c in cols}
    )


def _flows(ds: Dataset, period: str | None) -> pd.DataFrame:
    raw = _raw_flows(ds)
    raw = in_period(raw, period)
    if not len(raw):
        return pd.DataFrame(columns=FLOW_COLUMNS)
    keys = [c for c in FLOW_COLUMNS if c != "people"]
    filled = raw.astype({c: object for c in keys}).fillna({c: "" for c in keys})
    per_side = grouped_exact_sum(
        filled.groupby(["reporter", *keys], sort=False, dropna=False)["people"]
    )
    # both sides of a hand-over between programme initiatives: the larger side counts
    flows = per_side.groupby(level=keys, sort=False).max().reset_index()
    flows = flows.replace({c: {"": None} for c in keys})
    return flows[FLOW_COLUMNS]


def _protected_flows(
    ds: Dataset, viewer: Principal, period: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The flows in neutral order, raw and as ``viewer`` may see them (same rows, same order)."""
    flows = neutral_sort(
        _flows(ds, period),
        text=["from_label", "to_label"],
        period=["period"],
        periods=sorted_periods(ds),
        order=["from_label", "to_label", "period"],
    )
    shown = suppress(
        flows,
        viewer,
        ["people"],
        group_columns=[["from_label", "period"], ["to_label", "period"]],
        owner_columns=("from_id", "to_id"),
    )
    return flows, shown


def referral_flows(
    ds: Dataset, viewer: Principal | None = None, period: str | None = None
) -> pd.DataFrame:
    """People handed on between initiatives, phases and formal organisations.

    One row per sender, receiver and period, with ``people`` (protected for ``viewer``:
    withheld as "<5" with ``people_suppressed`` unless the viewer is one of the two sides;
    a sender's or receiver's flows of a period are complemented so that their sum cannot give
    a withheld flow away). Order: sender name, receiver name, period.
    """
    return _protected_flows(ds, viewer_or_public(viewer), period)[1]


def phase_flows(
    ds: Dataset, viewer: Principal | None = None, period: str | None = None
) -> pd.DataFrame:
    """People handed on from phase to phase, per period (for a Sankey), protected for viewer.

    Flows whose phase on either side is unknown are left out. A phase-to-phase figure is the
    sum of flows that ``referral_flows`` shows; it is withheld when small, and also when it
    would give away a flow withheld there (exactly one withheld flow among its parts).
    """
    viewer = viewer_or_public(viewer)
    raw, shown = _protected_flows(ds, viewer, period)
    known = (raw["from_phase"].notna() & raw["to_phase"].notna()).to_numpy()
    parts = raw[known].assign(_level=0, _withheld=shown["people_suppressed"].to_numpy()[known])
    keys = ["period", "from_phase", "to_phase"]
    totals = (
        grouped_exact_sum(parts.groupby(keys, sort=False)["people"]).reset_index()
        if len(parts)
        else pd.DataFrame(columns=PHASE_FLOW_COLUMNS)
    )
    totals = neutral_sort(
        totals[PHASE_FLOW_COLUMNS],
        phase=["from_phase", "to_phase"],
        period=["period"],
        periods=sorted_periods(ds),
        order=["from_phase", "to_phase", "period"],
    ).assign(_level=1, _withheld=False, from_id=None, to_id=None)
    joint = pd.concat([parts, totals], ignore_index=True)
    prot = suppress(
        joint,
        viewer,
        ["people"],
        group_columns=[keys],
        total_rows="_level",
        owner_columns=("from_id", "to_id"),
        complement_rows=joint["_level"] > 0,
        withheld={"people": "_withheld"},
    )
    out = prot[prot["_level"] > 0][[*PHASE_FLOW_COLUMNS, "people_suppressed"]]
    return out.reset_index(drop=True)


def formal_links(ds: Dataset, period: str | None = None) -> pd.DataFrame:
    """Per initiative and formal partner type: the ties that bridge to the formal field.

    ``n_partners`` counts different organisations, ``n_ties`` different organisation and
    relation pairs, ``relations`` lists the relation codes. Every formal partner type appears
    for every initiative, zeros included, so that absent bridges are visible too.
    """
    net = in_period(ds.network, period)
    net = net[net["partner_type"].isin(FORMAL_PARTNER_TYPES)]
    nm = names(ds)
    relation_order = choice_codes("relation_types")
    # per (initiative, partner type): the rows' folded partners and relations, in row order
    partners = net["partner"].astype(str).str.strip().str.casefold()
    found: dict[tuple[object, object], tuple[list, list]] = {}
    for i, pt, partner, rel in zip(
        net["initiative_id"].tolist(),
        net["partner_type"].tolist(),
        partners.tolist(),
        net["relation"].tolist(),
        strict=True,
    ):
        got = found.setdefault((i, pt), ([], []))
        got[0].append(partner)
        got[1].append(rel)
    rows = []
    for i in initiative_ids(ds):
        for pt in FORMAL_PARTNER_TYPES:
            ps, rs = found.get((i, pt), ([], []))
            rel = sorted(
                set(rs),
                key=lambda c: relation_order.index(c) if c in relation_order else 99,
            )
            rows.append(
                {
                    "initiative_id": i,
                    "name": nm.get(i, i),
                    "partner_type": pt,
                    "n_partners": len({p for p in ps if not blank(p)}),
                    "n_ties": len(set(zip(ps, rs, strict=True))),
                    "relations": ";".join(rel),
                }
            )
    frame = pd.DataFrame(rows, columns=FORMAL_LINK_COLUMNS)
    return neutral_sort(
        frame,
        text=["name", "initiative_id"],
        choice={"partner_type": FORMAL_PARTNER_TYPES},
        order=["name", "initiative_id", "partner_type"],
    )
