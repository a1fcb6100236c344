"""Continuity: how people are handed on between initiatives, phases and formal organisations.

The report's continuity is the network holding the pieces of a newcomer's path together.
Flows come from the Network sheet's ``referral_in`` / ``referral_out`` ties.

Decisions:

- A flow's direction: ``referral_out`` runs from the reporting initiative to the partner,
  ``referral_in`` from the partner to the reporting initiative.
- **No double counting.** When both initiatives of the programme report the same hand-over
  (A's ``referral_out`` to B and B's ``referral_in`` from A, in the same period), the
  sender's rows count: the sender knows whom it referred, while a receiver may not know where
  everyone came from. The receiver's rows count when the sender reported none. Either way a
  flow is a plain sum of network rows, so the disclosure layer can protect flows and rows as
  one system of equations (``flow_rows`` says which rows count).
- Phases: a programme initiative's side of a flow is its primary phase. A formal
  organisation's (or other outside partner's) side is the phase written on the network row,
  or, when blank, the reporting initiative's primary phase (a hand-over within its phase).
"""

from __future__ import annotations

import pandas as pd

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
)
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


def flow_rows(ds: Dataset) -> pd.DataFrame:
    """One row per referral network row (in the network's row order), oriented from sender to
    receiver, with ``counted``: whether the row is part of its flow (the sender's rows of a
    hand-over between programme initiatives that both reported; otherwise every row)."""
    raw = _raw_flows(ds)
    if not len(raw):
        return raw.assign(counted=pd.Series(dtype=bool))
    both = (raw["from_id"].notna() & raw["to_id"].notna()).to_numpy()
    by_sender = (raw["reporter"] == raw["from_id"]).to_numpy()
    pair = [raw["period"], raw["from_id"].fillna(""), raw["to_id"].fillna("")]
    sender_reported = pd.Series(by_sender).groupby(pair).transform("any").to_numpy(dtype=bool)
    return raw.assign(counted=~both | by_sender | ~sender_reported)


def _flows(ds: Dataset, period: str | None) -> pd.DataFrame:
    raw = flow_rows(ds)
    raw = in_period(raw, period)
    raw = raw[raw["counted"].to_numpy(dtype=bool)]
    if not len(raw):
        return pd.DataFrame(columns=FLOW_COLUMNS)
    keys = [c for c in FLOW_COLUMNS if c != "people"]
    filled = raw.astype({c: object for c in keys}).fillna({c: "" for c in keys})
    flows = grouped_exact_sum(filled.groupby(keys, sort=False, dropna=False)["people"])
    flows = flows.reset_index().replace({c: {"": None} for c in keys})
    return flows[FLOW_COLUMNS]


def _sorted_flows(ds: Dataset, period: str | None) -> pd.DataFrame:
    """The flows in neutral order: sender name, receiver name, period."""
    return neutral_sort(
        _flows(ds, period),
        text=["from_label", "to_label"],
        period=["period"],
        periods=sorted_periods(ds),
        order=["from_label", "to_label", "period"],
    )


def referral_flows(ds: Dataset, period: str | None = None) -> pd.DataFrame:
    """People handed on between initiatives, phases and formal organisations.

    One row per sender, receiver and period, with ``people`` (exact: what an audience may
    see of it is ``evaluation.disclosure``'s). Order: sender name, receiver name, period.
    """
    return _sorted_flows(ds, period)


def phase_flows(ds: Dataset, period: str | None = None) -> pd.DataFrame:
    """People handed on from phase to phase, per period (for a Sankey): the sums of the flows
    of ``referral_flows`` whose phases are known on both sides (exact figures)."""
    raw = _sorted_flows(ds, period)
    known = (raw["from_phase"].notna() & raw["to_phase"].notna()).to_numpy()
    parts = raw[known]
    keys = ["period", "from_phase", "to_phase"]
    totals = (
        grouped_exact_sum(parts.groupby(keys, sort=False)["people"]).reset_index()
        if len(parts)
        else pd.DataFrame(columns=PHASE_FLOW_COLUMNS)
    )
    return neutral_sort(
        totals[PHASE_FLOW_COLUMNS],
        phase=["from_phase", "to_phase"],
        period=["period"],
        periods=sorted_periods(ds),
        order=["from_phase", "to_phase", "period"],
    )


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
