"""Network positions on a hand-made network with exactly one bridging initiative."""

from __future__ import annotations

from helpers.datasets import DatasetBuilder

from evaluation.access import Principal
from evaluation.analysis import build_graph, components, network_change, network_positions
from evaluation.disclosure import disclose


def _network() -> DatasetBuilder:
    """Anker -- Gemeente -- Buurtkamer -- Bibliotheek -- Crew; Delta apart with its fund.

    Buurtkamer is the only initiative whose absence splits the network. Anker's employer and
    Delta's fund hang off one initiative each and do not make a bridge.
    """
    b = DatasetBuilder()
    b.initiative("anker", "Anker Welkom", "arrival")
    b.initiative("buurt", "Buurtkamer", "landing")
    b.initiative("crew", "Crew Werkt", "future")
    b.initiative("delta", "Delta Dialoog", "landing")
    q = "2025-Q1"
    b.tie("anker", q, "Gemeente Amsterdam", "municipality", "collaboration", 2)
    b.tie("anker", q, "Bakkerij De Ster", "employer", "referral_out", 3)
    b.tie("buurt", q, "gemeente amsterdam ", "municipality", "advisory_role", 1)
    b.tie("buurt", q, "Bibliotheek Oost", "school", "learning_exchange", 1)
    b.tie("crew", q, "Bibliotheek Oost", "school", "collaboration", 1)
    b.tie("delta", q, "Fonds Samen", "fund", "co_funding", 1)
    return b


def test_the_one_bridge_is_found_and_no_score_is_published():
    pos = network_positions(_network().dataset())
    assert list(pos["name"]) == ["Anker Welkom", "Buurtkamer", "Crew Werkt", "Delta Dialoog"]
    assert dict(zip(pos["initiative_id"], pos["bridges"], strict=True)) == {
        "anker": False,
        "buurt": True,
        "crew": False,
        "delta": False,
    }
    assert pos["bridges"].dtype == bool
    assert not [c for c in pos.columns if "between" in c or "central" in c]


def test_positions_count_ties_by_partner_type():
    pos = network_positions(_network().dataset()).set_index("initiative_id")
    assert pos.loc["anker", "ties_municipality"] == 1
    assert pos.loc["anker", "ties_employer"] == 1
    assert pos.loc["anker", "ties_formal"] == 2
    assert pos.loc["anker", "ties_initiatives"] == 0
    assert pos.loc["delta", "ties_fund"] == 1 and pos.loc["delta", "ties_formal"] == 0


def test_components_are_numbered_by_name_not_by_size():
    ds = _network().dataset()
    comp = components(ds)
    assert comp.groupby("component")["label"].apply(len).to_dict() == {1: 6, 2: 2}
    by_node = dict(zip(comp["node"], comp["component"], strict=True))
    assert by_node["anker"] == by_node["crew"] == 1 and by_node["delta"] == 2
    pos = network_positions(ds).set_index("initiative_id")
    assert pos.loc["delta", "component"] == 2
    # the same municipality written two ways is one partner node
    assert (comp["partner_type"] == "municipality").sum() == 1


def test_a_direct_tie_between_initiatives_links_their_nodes():
    b = _network()
    b.tie(
        "crew",
        "2025-Q1",
        "Delta Dialoog",
        "initiative",
        "collaboration",
        1,
        partner_initiative_id="delta",
    )
    ds = b.dataset()
    pos = network_positions(ds).set_index("initiative_id")
    assert pos.loc["delta", "component"] == 1
    assert pos.loc["crew", "ties_initiatives"] == 1
    assert bool(pos.loc["crew", "bridges"])  # Delta hangs on Crew alone now


def test_graph_edges_carry_relation_and_protected_counts():
    ds = _network().dataset()
    g = build_graph(ds)
    assert g.nodes["anker"]["kind"] == "initiative"
    employer = "partner:employer:bakkerij de ster"
    assert g.nodes[employer]["partner_type"] == "employer"
    edge = g.edges["anker", employer, "referral_out"]
    assert (edge["relation"], edge["count"]) == ("referral_out", 3)
    shown = disclose(ds, Principal("funder")).dataset
    hidden = build_graph(shown).edges["anker", employer, "referral_out"]
    assert hidden["count"] is None and hidden["count_suppressed"]
    own = build_graph(disclose(ds, Principal("initiative", "anker")).dataset)
    assert own.edges["anker", employer, "referral_out"]["count"] == 3


def test_network_change_lists_added_ended_and_continued_ties():
    b = _network()
    b.tie("anker", "2025-Q2", "Gemeente Amsterdam", "municipality", "collaboration", 1)
    b.tie("anker", "2025-Q2", "ROC Oost", "school", "referral_out", 2)
    change = network_change(b.dataset(), "2025-Q1", "2025-Q2")
    anker = change[change["initiative_id"] == "anker"]
    got = dict(zip(anker["partner"], anker["change"], strict=True))
    assert got == {
        "Bakkerij De Ster": "ended",
        "Gemeente Amsterdam": "continued",
        "ROC Oost": "added",
    }
    assert set(change[change["initiative_id"] != "anker"]["change"]) == {"ended"}
    assert list(change["name"]) == sorted(change["name"], key=str.casefold)


def test_positions_for_one_period_only():
    b = _network()
    b.tie("anker", "2025-Q2", "ROC Oost", "school", "referral_out", 2)
    pos = network_positions(b.dataset(), "2025-Q2").set_index("initiative_id")
    assert pos.loc["anker", "ties_school"] == 1 and pos.loc["anker", "ties_municipality"] == 0
    assert pos.loc["buurt", "ties_formal"] == 0
