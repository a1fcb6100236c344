"""No ranking, no score, no target: the analyses' public face and their order stay neutral.

Two guards. The public API (function names and every output column) carries none of the words
of a league table. And every function's output over the sample data is ordered by name, phase
and period, never by a value: shuffling the values (and the input rows) leaves the order of
the rows unchanged. The sample data also serves as the integration case: every function runs
and returns the shape one expects.
"""

from __future__ import annotations

import dataclasses
import inspect
import random

import networkx as nx
import pandas as pd
import pytest

import evaluation.analysis as analysis
from evaluation.access import Principal
from evaluation.analysis._common import phase_rank
from evaluation.catalogue import fold, load_catalogue
from evaluation.model import Dataset

FORBIDDEN = ("rank", "score", "target", "best", "worst", "index", "composite", "league")
FUNDER = Principal("funder")


def _bad_words(name: str) -> list[str]:
    low = name.lower()
    bad = [w for w in FORBIDDEN if w in low]
    return bad + (["top"] if "top" in low.split("_") else [])


def test_public_names_carry_no_ranking_words():
    public = [n for n in analysis.__all__]
    for module in (
        analysis.phases,
        analysis.continuity,
        analysis.network,
        analysis.trajectories,
        analysis.voices,
        analysis.portfolio,
    ):
        public += [n for n, _ in inspect.getmembers(module, inspect.isfunction) if n[0] != "_"]
        public += [n for n in vars(module) if n.isupper()]
    for name in public:
        assert _bad_words(name) == [], name
    assert not [n for n in public if "betweenness" in n.lower() or "central" in n.lower()]


def test_the_word_guard_itself_catches_what_it_should():
    assert _bad_words("initiative_rank") == ["rank"]
    assert _bad_words("top_ten") == ["top"]
    assert _bad_words("stories") == []


# --- the sample data -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_ds() -> Dataset:
    sample = pytest.importorskip(
        "evaluation.sample", reason="evaluation.sample (the sample data) is not written yet"
    )
    known = sample.known_initiatives()
    reports = sample.sample_reports()
    return Dataset.concat(
        [r.to_tidy(submission_id=i, known_initiatives=known) for i, r in enumerate(reports, 1)]
    )


def _ids(ds: Dataset) -> list[str]:
    ini = ds.initiatives
    return [i for _, i in sorted(zip(ini["name"].map(fold), ini["initiative_id"], strict=True))]


def _periods(ds: Dataset) -> list[str]:
    return sorted(set(ds.observations["period"]))


CAT_ORDER = load_catalogue().indicator_codes
CHOICES = {
    "voice": load_catalogue().choices("voices").codes,
    "theme": load_catalogue().choices("themes").codes,
    "question": load_catalogue().choices("reflection_questions").codes,
    "partner_type": load_catalogue().choices("partner_types").codes,
    "relation": load_catalogue().choices("relation_types").codes,
}


def _calls(ds: Dataset) -> dict[str, tuple[object, list[str]]]:
    """Every analysis over ``ds`` with the neutral keys its rows must be ordered by."""
    ids, periods = _ids(ds), _periods(ds)
    first = ids[0]
    ctx = analysis.output_totals(ds, FUNDER)
    return {
        "phase_puzzle": (analysis.phase_puzzle(ds, FUNDER), ["name", "phase"]),
        "phase_coverage": (analysis.phase_coverage(ds, FUNDER), ["phase"]),
        "referral_flows": (
            analysis.referral_flows(ds),
            ["from_label", "to_label", "period"],
        ),
        "phase_flows": (analysis.phase_flows(ds), ["from_phase", "to_phase", "period"]),
        "formal_links": (analysis.formal_links(ds), ["name", "partner_type"]),
        "network_positions": (analysis.network_positions(ds), ["name"]),
        "network_positions_period": (analysis.network_positions(ds, periods[-1]), ["name"]),
        "components": (analysis.components(ds), ["component", "kind", "label"]),
        "network_change": (
            analysis.network_change(ds, periods[0], periods[-1]),
            ["name", "partner", "relation"],
        ),
        "trajectories": (analysis.trajectories(ds, first, FUNDER), ["indicator", "period"]),
        "trajectories_own": (
            analysis.trajectories(ds, first, Principal("initiative", first)),
            ["indicator", "period"],
        ),
        "durability": (analysis.durability(ds), ["name", "period"]),
        "voice_balance": (analysis.voice_balance(ds, viewer=FUNDER), ["voice"]),
        "voice_balance_one": (analysis.voice_balance(ds, first, viewer=FUNDER), ["voice"]),
        "themes_over_time": (analysis.themes_over_time(ds, FUNDER), ["period", "theme"]),
        "reflection_timeline": (analysis.reflection_timeline(ds, first), ["period", "question"]),
        "outputs": (ctx.outputs, ["indicator", "period"]),
        "relational": (ctx.relational, ["indicator", "period"]),
        "process": (ctx.process, ["indicator", "period"]),
        "coverage_in_context": (ctx.phase_coverage, ["phase"]),
    }


def _sort_key(col: str, value: object) -> object:
    if col.endswith("phase"):
        return phase_rank(value)
    if col == "indicator":
        return (0, CAT_ORDER.index(value), "") if value in CAT_ORDER else (1, 0, str(value))
    if col in CHOICES:
        return CHOICES[col].index(value)
    if col == "component":
        return int(value)
    return fold(value) if isinstance(value, str) else ""


def _assert_neutral_order(name: str, frame: pd.DataFrame, keys: list[str]) -> None:
    seq = [tuple(_sort_key(k, row[k]) for k in keys) for _, row in frame.iterrows()]
    assert seq == sorted(seq), f"{name} is not ordered by {keys}"


@pytest.fixture(scope="module")
def sample_results(sample_ds):
    return _calls(sample_ds)


def test_every_output_is_in_neutral_order_and_uses_no_ranking_words(sample_results):
    for name, (frame, keys) in sample_results.items():
        assert isinstance(frame, pd.DataFrame), name
        _assert_neutral_order(name, frame, keys)
        for col in frame.columns:
            assert _bad_words(col) == [], (name, col)


def _shuffled(ds: Dataset, seed: int) -> Dataset:
    """The same dataset with its values swapped around and its rows in another order."""
    rng = random.Random(seed)
    frames = {}
    for fname, frame in ds.frames().items():
        frame = frame.copy()
        for col in ("value", "count", "numerator", "denominator"):
            if col in frame.columns:
                filled = frame[col].notna()
                vals = list(frame.loc[filled, col])
                rng.shuffle(vals)
                frame.loc[filled, col] = vals
        order = list(frame.index)
        rng.shuffle(order)
        frames[fname] = frame.loc[order].reset_index(drop=True)
    return Dataset(**frames)


def test_reshuffled_values_do_not_change_the_order(sample_ds, sample_results):
    again = _calls(_shuffled(sample_ds, seed=7))
    for name, (frame, keys) in sample_results.items():
        other = again[name][0]
        assert list(map(tuple, frame[keys].astype(str).to_numpy())) == list(
            map(tuple, other[keys].astype(str).to_numpy())
        ), name


def test_sample_data_gives_sensible_shapes(sample_ds, sample_results):
    n = len(sample_ds.initiatives)
    res = {k: v[0] for k, v in sample_results.items()}
    assert len(res["phase_puzzle"]) == 3 * n
    assert list(res["phase_coverage"]["phase"]) == ["arrival", "landing", "future"]
    assert set(res["phase_coverage"]["coverage"]) <= {"gap", "thin", "covered"}
    assert len(res["formal_links"]) == 5 * n
    assert len(res["network_positions"]) == n and res["network_positions"]["bridges"].dtype == bool
    assert len(res["voice_balance"]) == 6 and res["voice_balance"]["n_stories"].sum() > 0
    assert len(res["referral_flows"]) > 0
    assert (res["referral_flows"]["people"] > 0).all()  # exact figures: disclosure decides
    assert set(res["trajectories"]["indicator"]) >= {"newcomers_participating", "new_contacts"}
    assert res["durability"]["earlier_period"].notna().any()
    assert len(res["outputs"]) > 0 and len(res["relational"]) > 0 and len(res["process"]) > 0
    assert set(res["network_change"]["change"]) <= {"added", "ended", "continued"}
    g = analysis.build_graph(sample_ds)
    assert isinstance(g, nx.MultiDiGraph)
    assert {d["kind"] for _, d in g.nodes(data=True)} == {"initiative", "partner"}


def test_every_shown_story_title_is_one_the_viewer_may_read(sample_ds):
    for iid in _ids(sample_ds)[:3]:
        traj = analysis.trajectories(sample_ds, iid, Principal("public"))
        shown = {t for titles in traj["stories"] for t in titles}
        st = sample_ds.stories
        allowed = set(st[(st["initiative_id"] == iid) & (st["visibility"] == "public")]["title"])
        assert shown <= allowed


def test_portfolio_context_has_no_outputs_only_door():
    fields = {f.name for f in dataclasses.fields(analysis.PortfolioContext)}
    assert {"outputs", "relational", "process", "phase_coverage"} <= fields
    sig = inspect.signature(analysis.output_totals)
    assert sig.return_annotation in ("PortfolioContext", analysis.PortfolioContext)


def test_graph_attributes_carry_no_ranking_words(sample_ds):
    g = analysis.build_graph(sample_ds)
    names = {k for _, d in g.nodes(data=True) for k in d}
    names |= {k for _, _, d in g.edges(data=True) for k in d}
    assert names and [n for n in names if _bad_words(n)] == []


def test_analyses_read_the_same_from_a_real_store(tmp_path):
    """Through a real SQLite store the answers are the ones from the reports themselves."""
    sample = pytest.importorskip("evaluation.sample", reason="the sample data is not written yet")
    store_mod = pytest.importorskip("evaluation.store.store", reason="the store is not written yet")
    picked = {"gastvrij-dak", "buurtkamer-lindeboom", "brug-en-bedrijf"}
    reports = [r for r in sample.sample_reports() if r.initiative_id in picked]
    admin = Principal("admin")
    with store_mod.Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        for i, r in enumerate(reports):
            store.store_report(f"workbook {i}".encode(), f"r{i}.xlsx", admin, r, [])
        stored = store.current_dataset(admin)
    # the store links partners only to initiatives it knows: the three stored here
    known = {k: v for k, v in sample.known_initiatives().items() if v in picked}
    direct = Dataset.concat(
        [r.to_tidy(submission_id=i, known_initiatives=known) for i, r in enumerate(reports, 1)]
    )
    for fn in (
        lambda ds: analysis.phase_puzzle(ds, FUNDER),
        lambda ds: analysis.referral_flows(ds),
        lambda ds: analysis.network_positions(ds),
        lambda ds: analysis.durability(ds),
        lambda ds: analysis.voice_balance(ds, viewer=FUNDER),
        lambda ds: analysis.trajectories(ds, "gastvrij-dak", FUNDER).drop(columns=["stories"]),
        lambda ds: analysis.output_totals(ds, FUNDER).outputs,
    ):
        pd.testing.assert_frame_equal(_plain(fn(stored)), _plain(fn(direct)))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as text, with every kind of missing (None, NaN) written the same way."""
    obj = frame.astype(object)
    return obj.where(obj.notna(), "-").map(str).reset_index(drop=True)


def test_every_analysis_runs_on_an_empty_store():
    """The dashboard's first start: no submissions yet, every view still has its frame."""
    empty = Dataset.empty()
    assert len(analysis.phase_puzzle(empty)) == 0
    cov = analysis.phase_coverage(empty)
    assert list(cov["coverage"]) == ["gap", "gap", "gap"]
    assert analysis.voice_balance(empty)["n_stories"].tolist() == [0] * 6
    for frame in (
        analysis.referral_flows(empty),
        analysis.phase_flows(empty),
        analysis.formal_links(empty),
        analysis.network_positions(empty),
        analysis.components(empty),
        analysis.network_change(empty, "2025-Q1", "2025-Q2"),
        analysis.trajectories(empty, "nobody"),
        analysis.durability(empty),
        analysis.themes_over_time(empty),
        analysis.reflection_timeline(empty, "nobody"),
        analysis.output_totals(empty).outputs,
    ):
        assert isinstance(frame, pd.DataFrame) and len(frame) == 0 and len(frame.columns)
