"""The initiative's reporting loop (issue 15): what is stored for the messy cases.

Every fixture here was written by LibreOffice (``tests/fixtures/build_loop_fixtures.py``
builds them: the base report edited as a coordinator would, then opened and saved by
``soffice``). Each test imports the file into a real SQLite store and reads back what was
stored (the current dataset, the submission and its stored problems), not only a message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.access import Principal
from evaluation.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
OOST = "taalcafe-oost"
ADMIN = Principal("admin", name="test-admin")


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path / 'loop.sqlite'}") as s:
        yield s


def _import(store: Store, name: str, principal: Principal | None = None, **kwargs):
    path = FIXTURES / f"{name}.xlsx"
    who = principal or Principal("initiative", initiative_id=OOST, name="coördinator")
    return store.import_workbook(path.read_bytes(), path.name, who, **kwargs)


def _stored_problems(store: Store, outcome) -> list:
    return store.submission_problems(ADMIN, outcome.submission_id)


def _nothing_stored(store: Store) -> None:
    ds = store.current_dataset(ADMIN)
    assert ds.observations.empty and ds.initiatives.empty and ds.network.empty


# --- 1. sorting moves the example row --------------------------------------------------------


def test_a_sorted_example_row_is_not_stored_as_data(store):
    outcome = _import(store, "loop_sorted_example")
    assert outcome.status == "accepted", [p.to_dict("en") for p in outcome.problems]
    ds = store.current_dataset(ADMIN)
    activities = ds.observations[ds.observations["activity_type"].notna()]
    assert sorted(set(activities["activity_type"])) == ["Kookavond", "Taalcafé"]
    held = activities[activities["indicator"] == "activities_held"]
    assert sorted(held["value"]) == [6.0, 12.0]  # one Taalcafé, not the example's copy
    assert not any("voorbeeld" in str(v).lower() for v in ds.observations["activity_type"])
    indicators = ds.observations[ds.observations["activity_type"].isna()]
    assert sorted(indicators["indicator"]) == sorted(
        ["new_contacts", "friendships_reported", "eigen_gedeelde_maaltijden",
         "open_encounter_hours"]
    )  # fmt: skip
    notes = set(indicators["note"].dropna())
    assert notes == {"Vooral via de kookavond."}  # the example's note is not stored
    # the skipped rows are named, as warnings, where they went after the sort
    skipped = {p.cell for p in _stored_problems(store, outcome) if p.code == "example_row_skipped"}
    assert skipped == {"Activiteiten!A4", "Indicatoren!A5"}


# --- 2. formula errors -------------------------------------------------------------------------

FORMULA_ERRORS = {
    "Activiteiten!G3": "#DIV/0!",  # optional column
    "Activiteiten!C4": "#N/A",  # required column
    "Activiteiten!E4": "#VALUE!",
    "Indicatoren!C3": "#NUM!",
    "Indicatoren!F5": "#NAME?",  # a note (free text)
    "Indicatoren!C6": "#REF!",
    "Netwerk!D3": "#REF!",
}


def test_a_formula_error_is_an_error_at_its_cell_and_nothing_is_stored(store):
    outcome = _import(store, "loop_formula_errors")
    assert outcome.status == "rejected"
    stored = _stored_problems(store, outcome)
    found = {p.cell: p for p in stored if p.code == "formula_error"}
    assert set(found) == set(FORMULA_ERRORS)
    for cell, problem in found.items():
        assert problem.severity == "error"
        assert problem.value == FORMULA_ERRORS[cell]
        assert "formule" in problem.message("nl") and "formula" in problem.message("en")
        assert problem.value in problem.message("nl")
    # a formula error is not also "required but empty", nor any other problem at its cell
    others = [p for p in stored if p.cell in FORMULA_ERRORS and p.code != "formula_error"]
    assert others == []
    assert not any("verplicht maar leeg" in p.message("nl") for p in stored)
    _nothing_stored(store)


# --- 4. numbers that would be misread ----------------------------------------------------------


def test_an_ambiguous_thousands_point_is_refused_at_its_cell(store):
    outcome = _import(store, "loop_ambiguous_thousands")
    assert outcome.status == "rejected"
    (p,) = [p for p in _stored_problems(store, outcome) if p.severity == "error"]
    assert (p.code, p.cell, p.value) == ("ambiguous_thousands", "Activiteiten!F3", "1.234")
    assert "1234" in p.message("nl") and "1234" in p.hint("nl") and "1,234" in p.hint("nl")
    _nothing_stored(store)


def test_a_dutch_number_with_thousands_and_decimals_is_stored_as_meant(store, tmp_path):
    """The unambiguous Dutch form beside it ("1.234,5") is read as 1234.5 once F3 is fixed."""
    from openpyxl import load_workbook

    wb = load_workbook(FIXTURES / "loop_ambiguous_thousands.xlsx")
    wb["Activiteiten"]["F3"] = "1234"
    fixed = tmp_path / "fixed.xlsx"
    wb.save(fixed)
    outcome = store.import_workbook(fixed.read_bytes(), fixed.name, ADMIN)
    assert outcome.status == "accepted", [p.to_dict("en") for p in outcome.problems]
    obs = store.current_dataset(ADMIN).observations
    taalcafe = obs[obs["activity_type"] == "Taalcafé"].set_index("indicator")["value"]
    assert taalcafe["volunteer_hours"] == 1234.0
    assert taalcafe["language_practice_hours"] == 1234.5


def test_a_percentage_in_a_count_is_an_error_at_its_cell(store):
    outcome = _import(store, "loop_percentage_in_count")
    assert outcome.status == "rejected"
    stored = _stored_problems(store, outcome)
    (p,) = [p for p in stored if p.severity == "error"]
    assert (p.code, p.cell, p.value) == ("percentage_in_count", "Indicatoren!C3", "45%")
    assert "percentage" in p.message("nl") and "count is not a percentage" in p.message("en")
    assert not [q for q in stored if q.code == "percentage_read" and q.cell == p.cell]
    _nothing_stored(store)


# --- 5. messages with a place and the right hint ------------------------------------------


def test_merged_share_headers_give_a_located_message(store):
    outcome = _import(store, "loop_merged_share_header")
    assert outcome.status == "rejected"
    stored = _stored_problems(store, outcome)
    assert all(p.cell for p in stored), [p.to_dict("en") for p in stored if not p.cell]
    for p in stored:
        for lang in ("nl", "en"):
            assert not p.message(lang).startswith(":"), p.message(lang)
    header = next(p for p in stored if p.code == "header_repeated")
    assert header.cell == "Indicatoren!E1" and header.severity == "error"
    assert "Noemer" in header.message("nl") and "Noemer" in header.hint("nl")
    share = next(p for p in stored if p.code == "share_needs_both")
    assert share.cell == "Indicatoren!E4"  # where the denominator belongs
    _nothing_stored(store)


def test_the_number_hint_on_activities_names_no_note_column(store):
    outcome = _import(store, "loop_text_in_activity_number")
    (p,) = _stored_problems(store, outcome)
    assert (p.code, p.cell) == ("not_a_number", "Activiteiten!D3")
    assert "Toelichting" not in p.hint("nl") and "Note" not in p.hint("en")


def test_the_number_hint_on_indicators_names_its_note_column(store, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(FIXTURES / "loop_text_in_activity_number.xlsx")
    wb["Activiteiten"]["D3"] = 30
    wb["Indicatoren"]["C3"] = "ongeveer 18"
    path = tmp_path / "indicator_text.xlsx"
    wb.save(path)
    outcome = store.import_workbook(path.read_bytes(), path.name, ADMIN)
    (p,) = _stored_problems(store, outcome)
    assert (p.code, p.cell) == ("not_a_number", "Indicatoren!C3")
    assert "'Toelichting'" in p.hint("nl")


def test_dutch_messages_show_dates_as_the_template_does(store):
    outcome = _import(store, "loop_story_outside_period")
    (p,) = _stored_problems(store, outcome)
    assert (p.code, p.cell) == ("date_outside_period", "Verhalen!A3")
    nl, en = p.message("nl"), p.message("en")
    assert "1-6-2025" in nl and "1-1-2025" in nl and "31-3-2025" in nl
    assert "2025-" not in nl
    assert "2025-06-01" in en and "2025-01-01" in en and "2025-03-31" in en
