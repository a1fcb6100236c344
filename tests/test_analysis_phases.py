"""The phase puzzle and phase coverage, on a hand-made portfolio with known answers."""

from __future__ import annotations

from helpers.datasets import DatasetBuilder

from evaluation.access import Principal
from evaluation.analysis import phase_coverage, phase_puzzle

FUNDER = Principal("funder")


def _portfolio() -> DatasetBuilder:
    b = DatasetBuilder()
    b.initiative("b-kamer", "Buurtkamer", "landing")
    b.initiative("a-anker", "Anker Welkom", "arrival", ("landing",))
    # two activity rows in arrival, each with two outputs: two rows, not four
    for act in ("meal", "walk"):
        b.obs(
            "a-anker", "2025-Q1", "newcomers_participating", 9, activity_type=act, phase="arrival"
        )
        b.obs("a-anker", "2025-Q1", "activities_held", 3, activity_type=act, phase="arrival")
    b.obs("a-anker", "2025-Q2", "newcomers_participating", 8, activity_type="meal", phase="arrival")
    b.obs("a-anker", "2025-Q1", "new_contacts", 6, phase="landing")
    b.obs("a-anker", "2025-Q1", "friendships_reported", None, phase="landing")  # blank: not counted
    b.story("a-anker", "2025-Q1", "Shared", phase="landing", visibility="funders")
    b.story("a-anker", "2025-Q1", "Private", phase="arrival", visibility="initiative")
    b.obs("b-kamer", "2025-Q1", "newcomers_participating", 5, activity_type="cafe", phase="landing")
    return b


def test_puzzle_shows_declared_roles_beside_where_the_work_falls():
    puzzle = phase_puzzle(_portfolio().dataset(), FUNDER)
    assert list(puzzle["name"]) == ["Anker Welkom"] * 3 + ["Buurtkamer"] * 3
    assert list(puzzle["phase"]) == ["arrival", "landing", "future"] * 2
    a = puzzle[puzzle["initiative_id"] == "a-anker"].set_index("phase")
    assert list(a["role"]) == ["primary", "secondary", "none"]
    assert a.loc["arrival", "n_activity_rows"] == 3  # meal and walk in Q1, meal in Q2
    assert a.loc["landing", "n_indicator_values"] == 1
    assert a.loc["landing", "n_stories"] == 1
    assert a.loc["arrival", "n_stories"] == 0  # the initiative-only story is not the funder's


def test_puzzle_counts_the_initiatives_own_unshared_stories_for_itself():
    puzzle = phase_puzzle(_portfolio().dataset(), Principal("initiative", "a-anker"))
    a = puzzle[puzzle["initiative_id"] == "a-anker"].set_index("phase")
    assert a.loc["arrival", "n_stories"] == 1


def test_coverage_names_gaps_and_thin_phases_as_categories():
    cov = phase_coverage(_portfolio().dataset(), FUNDER).set_index("phase")
    assert cov.loc["arrival", "coverage"] == "thin"  # only Anker Welkom
    assert cov.loc["landing", "coverage"] == "covered"  # Buurtkamer and Anker Welkom
    assert cov.loc["future", "coverage"] == "gap"
    assert cov.loc["landing", "n_primary"] == 1 and cov.loc["landing", "n_secondary"] == 1
    assert cov.loc["landing", "initiatives"] == "Anker Welkom;Buurtkamer"
    assert cov.loc["landing", "n_with_stories"] == 1
    assert set(cov["coverage"]) <= {"gap", "thin", "covered"}


def test_activity_in_an_undeclared_phase_still_fills_the_puzzle():
    b = _portfolio()
    b.obs("b-kamer", "2025-Q2", "starts_paid_work", 2, activity_type="jobs", phase="future")
    cov = phase_coverage(b.dataset(), FUNDER).set_index("phase")
    assert cov.loc["future", "coverage"] == "thin"
    assert cov.loc["future", "n_with_activity"] == 1 and cov.loc["future", "n_primary"] == 0


def test_every_category_the_analyses_return_has_a_label_in_both_languages():
    from evaluation.analysis.phases import COVERAGE_CATEGORIES
    from evaluation.i18n import t

    for lang in ("nl", "en"):
        for c in COVERAGE_CATEGORIES:
            assert t(f"analysis.coverage.{c}", lang)
        for c in ("added", "ended", "continued"):
            assert t(f"analysis.change.{c}", lang)
        for c in ("initiative", "partner"):
            assert t(f"analysis.kind.{c}", lang)
        assert (
            t("analysis.suppressed", lang, threshold=5)
            == {"nl": "afgeschermd", "en": "withheld"}[lang]
        )
