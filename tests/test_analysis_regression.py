"""Every public analysis, and what the disclosure layer shows each viewer, over the sample
data equals reviewed golden figures (rewritten on purpose when a decision changes, see git log).

The analyses were rewritten for portfolio scale (vectorised groupings, a cheap common path in
suppression); the figures, the suppressed cells, the dtypes and the neutral order must be
exactly what the straightforward first version returned, over the 80 sample reports, for the
public (no viewer), a funder, an evaluator and an initiative viewer.

The golden figures are reviewable text in ``tests/data/analysis_golden/``: one CSV per call
(``phase_puzzle__funder.csv`` for ``phase_puzzle/funder``; a graph as ``..._nodes.csv`` and
``..._edges.csv``), cells of object columns as JSON (so ``null``, ``1`` and ``1.0`` stay
apart), and ``calls.json`` with each frame's column dtypes and ``attrs``. A result equals its
golden file when it serialises to the same text. After a change that is meant to change
figures, write them again with ``python tests/test_analysis_regression.py --write`` and review
the diff.
"""

from __future__ import annotations

import csv
import io
import json
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

GOLDEN = Path(__file__).parent / "data" / "analysis_golden"
CALLS = GOLDEN / "calls.json"

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
        dated = ["period_start", "period_end"]  # the period label says it; dates stay out
        out[f"disclose/{vname}/observations"] = shown.dataset.observations.drop(columns=dated)
        out[f"disclose/{vname}/network"] = shown.dataset.network.drop(columns=dated)
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


def _plain(v: object) -> object:
    if hasattr(v, "item"):  # a numpy scalar
        return v.item()
    raise TypeError(f"cannot write {type(v).__name__} to a golden file")


def _cell(value: object) -> str:
    """An object cell as text that says what it was: missing as ``<NA>``, a text as itself
    unless it could be read as something else (then as JSON), anything else as JSON."""
    if value is None or (isinstance(value, float) and value != value):
        return "<NA>"
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            if value != "<NA>" and value[:1] not in ('"', "[", "{"):
                return value
    return json.dumps(value, ensure_ascii=False, default=_plain)


def _frame_text(frame: pd.DataFrame) -> str:
    """A frame as CSV: columns in order, object cells as JSON, missing as ``<NA>``."""
    assert isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0, "a plain index"
    assert frame.index.step == 1 and frame.columns.nlevels == 1, "a plain index"
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = [_cell(v) for v in out[col]]
    return out.to_csv(index=False, na_rep="<NA>", lineterminator="\n")


def _graph_texts(graph: dict) -> tuple[str, str]:
    def table(header: list[str], rows: list[list[str]]) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buf.getvalue()

    attrs = lambda d: json.dumps(d, ensure_ascii=False, sort_keys=True)  # noqa: E731
    nodes = [[str(n), attrs(d)] for n, d in graph["nodes"]]
    edges = [[str(u), str(v), str(k), attrs(d)] for u, v, k, d in graph["edges"]]
    return (
        table(["node", "attributes"], nodes),
        table(["source", "target", "key", "attributes"], edges),
    )


def golden_texts(results: dict[str, object]) -> tuple[dict[str, str], dict[str, dict]]:
    """File name -> text of every golden file, and call -> its description in calls.json."""
    files: dict[str, str] = {}
    by_text: dict[str, str] = {}  # equal results (often across viewers) share one file
    calls: dict[str, dict] = {}

    def file(name: str, text: str) -> str:
        name = by_text.setdefault(text, name)
        files[name] = text
        return name

    for key, value in results.items():
        stem = key.replace("/", "__")
        if isinstance(value, pd.DataFrame):
            calls[key] = {
                "file": file(f"{stem}.csv", _frame_text(value)),
                "dtypes": {str(c): str(t) for c, t in value.dtypes.items()},
                "attrs": value.attrs,
            }
        else:
            assert isinstance(value, dict) and set(value) == {"nodes", "edges"}, key
            nodes, edges = _graph_texts(value)
            calls[key] = {
                "graph": [file(f"{stem}_nodes.csv", nodes), file(f"{stem}_edges.csv", edges)]
            }
    return files, calls


def write_golden(results: dict[str, object]) -> None:
    files, calls = golden_texts(results)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN.glob("*.csv"):
        old.unlink()
    for name, text in files.items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
    CALLS.write_text(json.dumps(calls, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def computed() -> dict[str, object]:
    return compute_all(_dataset())


@pytest.fixture(scope="module")
def golden_calls() -> dict[str, dict]:
    return json.loads(CALLS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def computed_texts(computed) -> tuple[dict[str, str], dict[str, dict]]:
    return golden_texts(computed)


def test_every_call_of_the_golden_files_is_made(computed, golden_calls):
    assert sorted(computed) == sorted(golden_calls)
    named = {f for c in golden_calls.values() for f in c.get("graph", [c.get("file")])}
    assert named == {p.name for p in GOLDEN.glob("*.csv")}


@pytest.mark.parametrize(
    "family", ["phase", "flows", "graph", "totals", "trajector", "disclose", "other"]
)
def test_results_equal_the_golden_files(computed_texts, golden_calls, family):
    """Same columns, dtypes, attrs, order and every value (floats to the last digit)."""
    files, calls = computed_texts
    families = ("phase", "flows", "graph", "totals", "trajector", "disclose")
    keys = [
        k
        for k in golden_calls
        if (family in k if family != "other" else not any(f in k for f in families))
    ]
    assert keys
    for key in keys:
        assert calls[key] == golden_calls[key], key
        for name in golden_calls[key].get("graph", [golden_calls[key].get("file")]):
            want = (GOLDEN / name).read_text(encoding="utf-8").splitlines()
            got = files[name].splitlines()
            diff = next(
                (
                    f"line {i + 1}: {g!r} != {w!r}"
                    for i, (g, w) in enumerate(zip(got, want, strict=False))
                    if g != w
                ),
                f"{len(got)} lines != {len(want)}",
            )
            assert got == want, f"{key} ({name}), {diff}"


def test_the_golden_files_hold_suppressed_cells(golden_calls):
    """The comparison exercises the protection, not only plain figures."""
    read = lambda key: pd.read_csv(GOLDEN / golden_calls[key]["file"])  # noqa: E731
    flows = read("disclose/funder/flows")
    assert flows["people_suppressed"].any() and not flows["people_suppressed"].all()
    mine = read("disclose/initiative/flows")
    assert mine["people_suppressed"].sum() < flows["people_suppressed"].sum()


if __name__ == "__main__" and "--write" in sys.argv:
    write_golden(compute_all(_dataset()))
    print(f"wrote {len(list(GOLDEN.glob('*.csv')))} golden files to {GOLDEN}")
