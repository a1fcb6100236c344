"""The network of initiatives and partners: positions, not rankings.

Relational autonomy asks for each initiative's meaning for the others. Here that is shown as a
position: which part of the network it belongs to, how many ties it has of each kind (formal
organisations, other initiatives), and whether it *bridges* parts that would otherwise be apart.
No centrality score is published and nothing is ordered by one.

Decisions:

- Nodes: programme initiatives (node id = initiative id; a partner row that names a programme
  initiative is linked to it) and outside partners (node id ``partner:<type>:<folded name>``).
- "Bridges" = the initiative is an articulation point of the undirected initiative-partner
  graph after partners tied to only one initiative are set aside (such a partner hangs off
  its initiative; it is not a separate part of the network the initiative connects).
- Components are numbered 1, 2, ... in the order of the first member name, not by size.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from evaluation.analysis._common import (
    FORMAL_PARTNER_TYPES,
    blank,
    choice_codes,
    in_period,
    initiative_ids,
    names,
    neutral_sort,
)
from evaluation.catalogue import fold
from evaluation.model import Dataset

REFERRALS = ("referral_in", "referral_out")
CHANGE_COLUMNS = ["initiative_id", "name", "partner", "partner_type", "relation", "change"]
COMPONENT_COLUMNS = ["component", "node", "kind", "label", "partner_type"]


def partner_node(row) -> str:
    """The node id of a network row's partner (a programme initiative's id, or a folded name)."""
    if not blank(row["partner_initiative_id"]):
        return str(row["partner_initiative_id"])
    return f"partner:{row['partner_type']}:{fold(row['partner'])}"


def build_graph(ds: Dataset, period: str | None = None) -> nx.MultiDiGraph:
    """Initiatives and partners as a directed multigraph, one edge per tie and relation.

    Edges run from the reporting initiative to the partner (key = relation) with ``relation``,
    ``count`` (summed over the periods taken) and ``periods``. Counts are as the dataset
    holds them: on a disclosed dataset a withheld row count (None) withholds its edge's sum
    too (``count`` None, ``count_suppressed`` True), never adds it up.
    """
    g = nx.MultiDiGraph()
    nm = names(ds)
    for i in initiative_ids(ds):
        g.add_node(i, kind="initiative", partner_type="initiative", label=nm.get(i, i))
    net = in_period(ds.network, period)
    # one pass over the rows in plain Python: nodes and edges collected in order of first
    # appearance, then added in that order (the graph is the same as adding row by row)
    new_nodes: dict[str, dict] = {}
    edges: dict[tuple[str, str, object], dict] = {}
    node_of: dict[tuple, str] = {}  # a partner's node id, folded once per distinct partner
    for i, pin, pname, ptype, rel, count, per in zip(
        net["initiative_id"].tolist(),
        net["partner_initiative_id"].tolist(),
        net["partner"].tolist(),
        net["partner_type"].tolist(),
        net["relation"].tolist(),
        net["count"].tolist(),
        net["period"].tolist(),
        strict=True,
    ):
        src = str(i)
        node_key = (pin, ptype, pname)
        dst = node_of.get(node_key)
        if dst is None:
            row = {"partner_initiative_id": pin, "partner_type": ptype, "partner": pname}
            dst = node_of[node_key] = partner_node(row)
        if dst not in g and dst not in new_nodes:
            if dst.startswith("partner:"):
                new_nodes[dst] = {
                    "kind": "partner",
                    "partner_type": ptype,
                    "label": str(pname).strip(),
                }
            else:
                new_nodes[dst] = {
                    "kind": "initiative",
                    "partner_type": "initiative",
                    "label": nm.get(dst, dst),
                }
        # a count withheld by the disclosure layer (None) withholds the edge's sum too
        withheld = blank(count)
        e = edges.get((src, dst, rel))
        if e is None:
            edges[(src, dst, rel)] = {
                "relation": rel,
                "count": None if withheld else int(count),
                "periods": [per],
                "count_suppressed": withheld,
            }
        else:
            if withheld or e["count_suppressed"]:
                e["count"], e["count_suppressed"] = None, True
            else:
                e["count"] += int(count)
            e["periods"] = sorted(set(e["periods"]) | {per})
    g.add_nodes_from(new_nodes.items())
    g.add_edges_from((u, v, k, d) for (u, v, k), d in edges.items())
    return g


def _simple(g: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph with the node attributes (edge data is not needed)."""
    und = nx.Graph()
    und.add_nodes_from(g.nodes(data=True))
    und.add_edges_from(g.edges())
    return und


def _bridging(g: nx.MultiDiGraph) -> set[str]:
    und = _simple(g)
    inits = {n for n, k in und.nodes(data="kind") if k == "initiative"}
    hanging = [
        n for n, k in und.nodes(data="kind") if k == "partner" and len(set(und[n]) & inits) <= 1
    ]
    core = und.copy()
    core.remove_nodes_from(hanging)
    return {n for n in nx.articulation_points(core) if n in inits}


def _component_ids(g: nx.MultiDiGraph) -> dict[str, int]:
    und = _simple(g)
    labels = nx.get_node_attributes(und, "label")
    comps = [
        sorted(c, key=lambda n: (fold(labels.get(n, n)), n)) for c in nx.connected_components(und)
    ]
    comps.sort(key=lambda c: (fold(labels.get(c[0], c[0])), c[0]))
    return {n: k for k, comp in enumerate(comps, start=1) for n in comp}


def components(ds: Dataset, period: str | None = None) -> pd.DataFrame:
    """Every node with the part (connected component) of the network it belongs to.

    Order: component, then kind (initiatives first), then label.
    """
    g = build_graph(ds, period)
    comp = _component_ids(g)
    rows = [
        {
            "component": comp[n],
            "node": n,
            "kind": d["kind"],
            "label": d["label"],
            "partner_type": d["partner_type"],
        }
        for n, d in g.nodes(data=True)
    ]
    frame = pd.DataFrame(rows, columns=COMPONENT_COLUMNS)
    if not len(frame):
        return frame
    frame = frame.sort_values(
        ["component", "kind", "label", "node"],
        key=lambda s: s.map(fold) if s.name in ("label", "node") else s,
        kind="stable",
    )
    return frame.reset_index(drop=True)


def network_positions(ds: Dataset, period: str | None = None) -> pd.DataFrame:
    """Per initiative: its part of the network, its ties by partner type, and whether it bridges.

    ``ties_<type>`` counts different partners of that type (in either direction),
    ``ties_formal`` those with formal organisations, ``ties_initiatives`` those with other
    initiatives; ``bridges`` is a yes/no position. Order: by name.
    """
    g = build_graph(ds, period)
    und = _simple(g)
    comp = _component_ids(g)
    bridging = _bridging(g)
    types = choice_codes("partner_types")
    rows = []
    for i in initiative_ids(ds):
        neigh = list(und[i]) if i in und else []
        ptypes = [und.nodes[n]["partner_type"] for n in neigh]
        row = {"initiative_id": i, "name": g.nodes[i]["label"], "component": comp.get(i)}
        for t in types:
            row[f"ties_{t}"] = sum(1 for p in ptypes if p == t)
        row["ties_formal"] = sum(1 for p in ptypes if p in FORMAL_PARTNER_TYPES)
        row["ties_initiatives"] = sum(1 for p in ptypes if p == "initiative")
        row["bridges"] = i in bridging
        rows.append(row)
    cols = ["initiative_id", "name", "component", *[f"ties_{t}" for t in types]]
    cols += ["ties_formal", "ties_initiatives", "bridges"]
    frame = pd.DataFrame(rows, columns=cols)
    return neutral_sort(frame, text=["name", "initiative_id"], order=["name", "initiative_id"])


def _tie_set(ds: Dataset, period: str) -> dict[tuple[str, str, str], dict]:
    net = in_period(ds.network, period)
    out: dict[tuple[str, str, str], dict] = {}
    for r in net.to_dict("records"):
        key = (str(r["initiative_id"]), partner_node(r), r["relation"])
        out.setdefault(
            key, {"partner": str(r["partner"]).strip(), "partner_type": r["partner_type"]}
        )
    return out


def network_change(ds: Dataset, period_a: str, period_b: str) -> pd.DataFrame:
    """Ties (initiative, partner, relation) added, ended or continued from period a to b.

    Order: initiative name, partner, relation.
    """
    a, b = _tie_set(ds, period_a), _tie_set(ds, period_b)
    nm = names(ds)
    rows = []
    for key in set(a) | set(b):
        info = b.get(key) or a[key]
        change = "continued" if key in a and key in b else "added" if key in b else "ended"
        rows.append(
            {
                "initiative_id": key[0],
                "name": nm.get(key[0], key[0]),
                "partner": nm.get(key[1], info["partner"]),
                "partner_type": info["partner_type"],
                "relation": key[2],
                "change": change,
            }
        )
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    return neutral_sort(
        frame,
        text=["name", "initiative_id", "partner"],
        choice={"relation": choice_codes("relation_types")},
        order=["name", "initiative_id", "partner", "relation"],
    )


def bridging_names(ds: Dataset, period: str | None = None) -> list[str]:
    """The initiatives that connect parts of the network that would otherwise be apart
    (``network_positions``' ``bridges``), by name: a position, not a score."""
    g = build_graph(ds, period)
    return sorted((g.nodes[n]["label"] for n in _bridging(g)), key=fold)


def network_diff(ds: Dataset, period_a: str, period_b: str) -> dict:
    """What changed in the network from period a to b: the ties (``network_change``), the
    new ties with formal organisations among them, and which initiatives connect parts of
    the network in each period. Ties are relations, not counts of people."""
    changes = network_change(ds, period_a, period_b)
    added = changes[changes["change"] == "added"]
    return {
        "changes": changes,
        "new_formal": added[added["partner_type"].isin(FORMAL_PARTNER_TYPES)].reset_index(
            drop=True
        ),
        "bridging_a": bridging_names(ds, period_a),
        "bridging_b": bridging_names(ds, period_b),
    }
