"""Every public analysis, and what the disclosure layer shows each viewer, over the sample
data equals a reviewed snapshot (rewritten on purpose when a decision changes, see git log).

The analyses were rewritten for portfolio scale (vectorised groupings, a cheap common path in
suppression); the figures, the suppressed cells, the dtypes and the neutral order must be
exactly what the straightforward first version returned. The snapshot was written by that
version (``python tests/test_analysis_regression.py --write``) over the 80 sample reports,
for the public (no viewer), a funder, an evaluator and an initiative viewer.
"""

from __future__ import annotations

import gzip
import pickle
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from evaluation import analysis
from evaluation.access import Principal
from evaluation.disclosure import disclose
from evaluation.model import Dataset
from evaluation.sample import known_initiatives, sample_reports

SNAPSHOT = Path(__file__).parent / "data" / "analysis_snapshot" / "sample.pkl.gz"

VIEWERS = {
    "public": None,
    "funder": Principal("funder"),
    "evaluator": Principal("evaluator"),
    "initiative": Principal("initiative", "buurtkamer-lindeboom"),
}


def _dataset() -> Dataset:
    known = known_initiatives()
    return Dataset.concat([r.to_tidy(i + 1, known) for i, r in enumerate(sample_reports())])


def _graph(g: nx.MultiDiGraph) -> dict:
    """A graph as plain data: nodes and edges with their attributes, in insertion order."""
    return {
        "nodes": [(n, dict(d)) for n, d in g.nodes(data=True)],
        "edges": [(u, v, k, dict(d)) for u, v, k, d in g.edges(keys=True, data=True)],
    }


def compute_all(ds: Dataset) -> dict[str, object]:
    """Every public function's result over ``ds`` for every viewer, keyed by a call label."""
    ids = sorted(ds.initiatives["initiative_id"])
    periods = sorted(set(ds.observations["period"]))
    out: dict[str, object] = {}
    for vname, v in VIEWERS.items():
        out[f"phase_puzzle/{vname}"] = analysis.phase_puzzle(ds, v)
        out[f"phase_coverage/{vname}"] = analysis.phase_coverage(ds, v)
        out[f"referral_flows/{vname}"] = analysis.referral_flows(ds)
        out[f"phase_flows/{vname}"] = analysis.phase_flows(ds)
        for p in (periods[0], periods[-1]):
            out[f"referral_flows/{vname}/{p}"] = analysis.referral_flows(ds, p)
            out[f"phase_flows/{vname}/{p}"] = analysis.phase_flows(ds, p)
        out[f"build_graph/{vname}"] = _graph(analysis.build_graph(ds, None))
        out[f"build_graph/{vname}/{periods[-1]}"] = _graph(analysis.build_graph(ds, periods[-1]))
        ctx = analysis.output_totals(ds, v)
        for part in ("outputs", "relational", "process", "phase_coverage"):
            out[f"output_totals/{vname}/{part}"] = getattr(ctx, part)
        out[f"durability/{vname}"] = analysis.durability(ds, None)
        out[f"voice_balance/{vname}"] = analysis.voice_balance(ds, None, v)
        out[f"themes_over_time/{vname}"] = analysis.themes_over_time(ds, v)
        for i in ids:
            out[f"trajectories/{vname}/{i}"] = analysis.trajectories(ds, i, v)
            out[f"durability/{vname}/{i}"] = analysis.durability(ds, i)
            out[f"voice_balance/{vname}/{i}"] = analysis.voice_balance(ds, i, v)
    for vname, v in VIEWERS.items():
        shown = disclose(ds, v or Principal("public"))
        for part in ("values", "totals", "flows", "phase_flows"):
            out[f"disclose/{vname}/{part}"] = getattr(shown, part)
        out[f"disclose/{vname}/observations"] = shown.dataset.observations
        out[f"disclose/{vname}/network"] = shown.dataset.network
    out["formal_links"] = analysis.formal_links(ds)
    out[f"formal_links/{periods[-1]}"] = analysis.formal_links(ds, periods[-1])
    out["components"] = analysis.components(ds)
    out["network_positions"] = analysis.network_positions(ds)
    out[f"network_positions/{periods[0]}"] = analysis.network_positions(ds, periods[0])
    out["network_change"] = analysis.network_change(ds, periods[0], periods[-1])
    out["network_change/next"] = analysis.network_change(ds, periods[3], periods[4])
    for i in ids:
        out[f"reflection_timeline/{i}"] = analysis.reflection_timeline(ds, i)
    return out


def _same(key: str, new: object, old: object) -> None:
    if isinstance(old, pd.DataFrame):
        assert isinstance(new, pd.DataFrame), key
        pd.testing.assert_frame_equal(new, old, check_exact=True, obj=key)
        assert new.attrs == old.attrs, key
    else:
        assert new == old, key


@pytest.fixture(scope="module")
def computed() -> dict[str, object]:
    return compute_all(_dataset())


@pytest.fixture(scope="module")
def snapshot() -> dict[str, object]:
    with gzip.open(SNAPSHOT, "rb") as fh:
        return pickle.load(fh)


def test_every_call_of_the_snapshot_is_made(computed, snapshot):
    assert sorted(computed) == sorted(snapshot)


@pytest.mark.parametrize(
    "family", ["phase", "flows", "graph", "totals", "trajector", "disclose", "other"]
)
def test_results_equal_the_snapshot(computed, snapshot, family):
    families = ("phase", "flows", "graph", "totals", "trajector", "disclose")
    keys = [
        k
        for k in snapshot
        if (family in k if family != "other" else not any(f in k for f in families))
    ]
    assert keys
    for key in keys:
        _same(key, computed[key], snapshot[key])


def test_the_snapshot_holds_suppressed_cells(snapshot):
    """The comparison exercises the protection, not only plain figures."""
    flows = snapshot["disclose/funder/flows"]
    assert flows["people_suppressed"].any() and not flows["people_suppressed"].all()
    mine = snapshot["disclose/initiative/flows"]
    assert mine["people_suppressed"].sum() < flows["people_suppressed"].sum()


if __name__ == "__main__" and "--write" in sys.argv:
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(SNAPSHOT, "wb", compresslevel=9) as fh:
        pickle.dump(compute_all(_dataset()), fh, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"wrote {SNAPSHOT} ({SNAPSHOT.stat().st_size} bytes)")
