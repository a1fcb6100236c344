"""Referral flows along a newcomer's path: a chain across three phases with known answers."""

from __future__ import annotations

from helpers.datasets import DatasetBuilder

from evaluation.access import Principal
from evaluation.analysis import formal_links, phase_flows, referral_flows
from evaluation.analysis.continuity import flow_rows
from evaluation.disclosure import disclose

FUNDER = Principal("funder")


def _chain() -> DatasetBuilder:
    """COA -> Anker (arrival) -> Buurtkamer (landing) -> Crew Werkt (future) -> an employer."""
    b = DatasetBuilder()
    b.initiative("anker", "Anker Welkom", "arrival")
    b.initiative("buurt", "Buurtkamer", "landing", ("future",))
    b.initiative("crew", "Crew Werkt", "future")
    q = "2025-Q1"
    b.tie("anker", q, "COA Amsterdam", "coa", "referral_in", 8, phase="arrival")
    # the same hand-over reported by both sides: 6 by the sender, 5 by the receiver
    b.tie("anker", q, "Buurtkamer", "initiative", "referral_out", 6, partner_initiative_id="buurt")
    b.tie("buurt", q, "Anker Welkom", "initiative", "referral_in", 5, partner_initiative_id="anker")
    b.tie("buurt", q, "Crew Werkt", "initiative", "referral_out", 4, partner_initiative_id="crew")
    b.tie("crew", q, "Bakkerij De Ster", "employer", "referral_out", 3, phase="future")
    b.tie("crew", q, "Bakkerij De Ster", "employer", "collaboration", 1)
    b.tie("buurt", q, "Gemeente Amsterdam", "municipality", "advisory_role", 2)
    b.tie("buurt", q, "Gemeente Amsterdam", "municipality", "collaboration", 1)
    return b


def _flow(flows, src, dst):
    row = flows[(flows["from_label"] == src) & (flows["to_label"] == dst)]
    assert len(row) == 1, (src, dst)
    return row.iloc[0]


def test_chain_of_referrals_is_oriented_and_not_double_counted():
    flows = referral_flows(_chain().dataset())
    assert len(flows) == 4
    first = _flow(flows, "COA Amsterdam", "Anker Welkom")
    assert (first["from_kind"], first["from_id"], first["from_phase"]) == ("coa", None, "arrival")
    assert first["people"] == 8
    handover = _flow(flows, "Anker Welkom", "Buurtkamer")
    assert handover["people"] == 6  # the sender's count (6; the receiver said 5), not 11
    assert (handover["from_phase"], handover["to_phase"]) == ("arrival", "landing")
    assert (handover["to_id"], handover["to_kind"]) == ("buurt", "initiative")
    last = _flow(flows, "Crew Werkt", "Bakkerij De Ster")
    assert (last["to_kind"], last["to_phase"]) == ("employer", "future")
    # neutral order: sender name, receiver name
    assert list(flows["from_label"]) == sorted(flows["from_label"], key=str.casefold)


def test_the_receivers_count_stands_when_the_sender_reported_none():
    b = DatasetBuilder()
    b.initiative("anker", "Anker Welkom", "arrival").initiative("buurt", "Buurtkamer", "landing")
    b.tie(
        "buurt",
        "2025-Q1",
        "Anker Welkom",
        "initiative",
        "referral_in",
        7,
        partner_initiative_id="anker",
    )
    flows = referral_flows(b.dataset())
    assert _flow(flows, "Anker Welkom", "Buurtkamer")["people"] == 7
    rows = flow_rows(b.dataset())
    assert rows["counted"].tolist() == [True]


def test_flow_rows_mark_the_receivers_rows_left_out_when_the_sender_reported():
    rows = flow_rows(_chain().dataset())
    left_out = rows[~rows["counted"]]
    assert list(zip(left_out["reporter"], left_out["people"], strict=True)) == [("buurt", 5.0)]


def test_phase_flows_follow_the_path_for_a_sankey():
    flows = phase_flows(_chain().dataset())
    got = {(r.from_phase, r.to_phase): r.people for r in flows.itertuples()}
    assert got == {
        ("arrival", "arrival"): 8,
        ("arrival", "landing"): 6,
        ("landing", "future"): 4,
        ("future", "future"): 3,
    }
    assert list(flows["from_phase"]) == ["arrival", "arrival", "landing", "future"]


def test_small_flows_are_withheld_from_a_funder_but_not_from_the_two_sides():
    ds = _chain().dataset()
    funder = disclose(ds, FUNDER)
    assert _flow(funder.flows, "Buurtkamer", "Crew Werkt")["people"] is None
    assert bool(_flow(funder.flows, "Buurtkamer", "Crew Werkt")["people_suppressed"])
    crew = disclose(ds, Principal("initiative", "crew"))
    assert _flow(crew.flows, "Buurtkamer", "Crew Werkt")["people"] == 4
    assert _flow(crew.flows, "Crew Werkt", "Bakkerij De Ster")["people"] == 3
    # phase flows mix initiatives: small ones are withheld from everyone, admins included
    admin = disclose(ds, Principal("admin")).phase_flows
    small = admin[admin["people_suppressed"]]
    assert set(zip(small["from_phase"], small["to_phase"], strict=True)) >= {
        ("landing", "future"),
        ("future", "future"),
    }


def test_formal_links_show_the_bridge_with_zeros_for_absent_types():
    links = formal_links(_chain().dataset())
    assert len(links) == 3 * 5
    buurt = links[links["initiative_id"] == "buurt"].set_index("partner_type")
    assert buurt.loc["municipality", "n_partners"] == 1
    assert buurt.loc["municipality", "n_ties"] == 2
    assert buurt.loc["municipality", "relations"] == "collaboration;advisory_role"
    assert buurt.loc["coa", "n_ties"] == 0
    anker = links[links["initiative_id"] == "anker"].set_index("partner_type")
    assert anker.loc["coa", "n_partners"] == 1
    assert list(links["name"].drop_duplicates()) == ["Anker Welkom", "Buurtkamer", "Crew Werkt"]


def test_flows_of_one_period_only():
    b = _chain()
    b.tie("anker", "2025-Q2", "COA Amsterdam", "coa", "referral_in", 9, phase="arrival")
    ds = b.dataset()
    assert set(referral_flows(ds)["period"]) == {"2025-Q1", "2025-Q2"}
    q2 = referral_flows(ds, period="2025-Q2")
    assert len(q2) == 1 and q2.iloc[0]["people"] == 9


def test_a_phase_flow_is_withheld_when_it_would_give_away_one_hidden_flow():
    b = DatasetBuilder()
    b.initiative("anker", "Anker Welkom", "arrival").initiative("buurt", "Buurtkamer", "landing")
    b.initiative("dak", "Dak Boven", "arrival").initiative("eet", "Eettafel", "landing")
    q = "2025-Q1"
    b.tie("anker", q, "Buurtkamer", "initiative", "referral_out", 3, partner_initiative_id="buurt")
    b.tie("dak", q, "Eettafel", "initiative", "referral_out", 10, partner_initiative_id="eet")
    ds = b.dataset()
    funder = disclose(ds, FUNDER)
    phase = funder.phase_flows.set_index(["from_phase", "to_phase"])
    dak = _flow(funder.flows, "Dak Boven", "Eettafel")
    # 13 minus a visible 10 would give the withheld 3 away: one of the two goes too
    assert phase.loc[("arrival", "landing"), "people"] is None or dak["people"] is None
    anker = disclose(ds, Principal("initiative", "anker"))
    assert _flow(anker.flows, "Anker Welkom", "Buurtkamer")["people"] == 3  # its own
