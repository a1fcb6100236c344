"""Real fixture workbooks on disk (``tests/fixtures``): each break gives its code at its cell.

The workbooks are written by the real template builder and edited the way a volunteer would
(``tests/fixtures/build_fixtures.py``). LibreOffice-written copies are made once per session
with a real ``soffice`` (its own profile directory), as xlsx and as ods.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

from evaluation.ingest import read_workbook

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("build_fixtures", FIXTURES / "build_fixtures.py")
build_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_fixtures)


def _codes_at(result, cell):
    return {p.code for p in result.problems if p.cell == cell}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_valid_report_reads_without_problems(lang):
    result = read_workbook(FIXTURES / f"valid_{lang}.xlsx")
    assert result.ok, [p.to_dict("en") for p in result.problems]
    assert result.problems == []
    assert result.lang == lang
    report = result.report
    assert report.initiative_id == "taalcafe-oost"
    assert report.period_start == dt.date(2025, 1, 1)
    assert report.period_end == dt.date(2025, 3, 31)
    assert report.phase_roles() == {"arrival": "secondary", "landing": "primary", "future": "none"}
    ind = report.indicators.set_index("indicator")
    assert ind.at["new_contacts", "value"] == 18
    assert ind.at["friendships_reported", "numerator"] == 6
    assert "eigen_gedeelde_maaltijden" in ind.index  # an own indicator, declared on its sheet
    assert list(report.activities["_row"]) == [3, 4]  # the example row (row 2) is skipped
    assert report.stories.at[0, "consent_recorded"] == "yes"
    assert report.reflection.at[1, "self_view"] == "3"
    tidy = report.to_tidy()
    assert len(tidy.observations) > 0


@pytest.mark.parametrize("name", sorted(build_fixtures.BROKEN))
def test_each_break_is_reported_at_its_cell(name):
    _edit, code, cell = build_fixtures.BROKEN[name]
    result = read_workbook(FIXTURES / f"broken_{name}.xlsx")
    assert not result.unreadable
    located = [p for p in result.problems if p.code == code and p.cell == cell]
    assert located, [(p.code, p.cell) for p in result.problems]
    problem = located[0]
    for lang in ("nl", "en"):
        assert problem.message(lang).strip() and problem.hint(lang).strip()
    if cell is not None:
        assert problem.sheet and cell.startswith(
            problem.sheet if " " not in problem.sheet else f"'{problem.sheet}'"
        )


def test_a_break_names_the_column_and_keeps_the_value_as_typed():
    result = read_workbook(FIXTURES / "broken_text_in_number.xlsx")
    (p,) = result.problems
    assert (p.code, p.cell, p.column, p.value) == (
        "not_a_number",
        "Activiteiten!C3",
        "Activiteiten gehouden *",
        "twaalf",
    )
    assert not result.ok and result.report is not None


def test_missing_sheet_is_named_in_the_workbook_language():
    result = read_workbook(FIXTURES / "broken_missing_sheet.xlsx")
    (p,) = [p for p in result.problems if p.code == "missing_sheet"]
    assert p.severity == "error"
    assert "Indicatoren" in p.message("en")


def test_missing_column_is_named():
    result = read_workbook(FIXTURES / "broken_missing_column.xlsx")
    (p,) = [p for p in result.problems if p.code == "missing_column"]
    assert p.sheet == "Netwerk" and "Aantal" in p.message("nl")
    # the rows are not also reported cell by cell for the missing column
    assert not [q for q in result.problems if q.code == "required_missing"]


def test_a_personal_data_problem_does_not_repeat_the_data():
    result = read_workbook(FIXTURES / "broken_email_in_story.xlsx")
    (p,) = [p for p in result.problems if p.code == "personal_email"]
    assert p.value == "f***@example.nl"  # masked: points at it without repeating it
    assert "fatima" not in p.message("nl") + p.message("en") + str(p.to_dict())


def test_blank_template_is_an_empty_workbook():
    result = read_workbook(FIXTURES / "blank_template_nl.xlsx")
    assert [p.code for p in result.problems] == ["empty_workbook"]
    assert not result.ok and not result.unreadable


def test_a_text_file_is_unreadable():
    result = read_workbook(FIXTURES / "not_a_workbook.xlsx")
    assert result.unreadable and not result.ok
    assert [p.code for p in result.problems] == ["not_a_spreadsheet"]


def test_a_missing_file_is_unreadable_not_a_traceback(tmp_path):
    result = read_workbook(tmp_path / "nowhere.xlsx")
    assert result.unreadable
    assert [p.code for p in result.problems] == ["file_not_found"]


def test_bytes_are_read_like_a_file():
    data = (FIXTURES / "valid_nl.xlsx").read_bytes()
    assert read_workbook(data, "upload.xlsx").ok


# --- awkward but valid --------------------------------------------------------------------


def test_dutch_decimal_commas_and_numbers_typed_as_text():
    result = read_workbook(FIXTURES / "awkward_numbers.xlsx")
    assert result.ok, [p.to_dict("en") for p in result.problems]
    act = result.report.activities
    assert list(act["volunteer_hours"]) == [1234.5, 40.5]
    assert list(act["activities_held"]) == [12, 6]
    assert result.report.indicators.at[0, "value"] == 18


def test_dates_typed_as_text_are_day_first():
    result = read_workbook(FIXTURES / "awkward_dates.xlsx")
    assert result.ok, [p.to_dict("en") for p in result.problems]
    assert result.report.period_start == dt.date(2025, 1, 1)
    assert result.report.period_end == dt.date(2025, 3, 31)
    assert result.report.stories.at[0, "date"] == dt.date(2025, 2, 14)


def test_blank_rows_are_skipped_and_rows_keep_their_worksheet_number():
    result = read_workbook(FIXTURES / "awkward_blank_rows.xlsx")
    assert result.ok, [p.to_dict("en") for p in result.problems]
    assert list(result.report.activities["_row"]) == [3, 6]
    assert list(result.report.network["_row"]) == [4]


def test_a_merged_cell_fills_its_range_and_a_merged_header_is_harmless():
    result = read_workbook(FIXTURES / "awkward_merged.xlsx")
    assert result.ok, [p.to_dict("en") for p in result.problems]
    assert result.problems == []
    assert list(result.report.activities["phase"]) == ["landing", "landing"]


def test_a_formula_without_a_cached_value_reads_as_blank():
    # openpyxl writes formulas without computing them; Excel and LibreOffice store the result
    result = read_workbook(FIXTURES / "awkward_formula.xlsx")
    assert _codes_at(result, "Activiteiten!D3") == {"required_missing"}


def test_a_typed_percentage_is_read_as_a_fraction_with_a_warning():
    result = read_workbook(FIXTURES / "awkward_percentage.xlsx")
    assert result.ok
    (p,) = result.problems
    assert (p.code, p.severity, p.cell, p.value) == (
        "percentage_read",
        "warning",
        "Indicatoren!C6",
        "45%",
    )
    assert result.report.indicators.at[3, "value"] == pytest.approx(0.45)


def test_an_own_text_indicator_may_hold_text():
    result = read_workbook(FIXTURES / "awkward_text_indicator.xlsx")
    assert result.ok, [p.to_dict("en") for p in result.problems]
    row = result.report.indicators.set_index("indicator").loc["eigen_gedeelde_maaltijden"]
    assert row["value"] == "Meer samen koken, minder vergaderen."
    obs = result.report.to_tidy().observations.set_index("indicator")
    assert obs.at["eigen_gedeelde_maaltijden", "text_value"] == row["value"]


def test_a_row_equal_to_the_example_is_skipped_without_its_marker():
    result = read_workbook(FIXTURES / "awkward_example_without_marker.xlsx")
    assert result.ok, [p.to_dict("en") for p in result.problems]
    assert list(result.report.activities["_row"]) == [3, 4]


@pytest.mark.parametrize("source", [12345, None, b"PK\x03\x04broken", "", object()])
def test_any_input_gives_a_result_never_an_exception(source):
    result = read_workbook(source)
    assert result.unreadable and result.problems
    for p in result.problems:
        assert p.message("nl") and p.message("en")


# --- written by LibreOffice itself --------------------------------------------------------

LIBREOFFICE_INPUTS = ("valid_nl", "awkward_numbers", "awkward_formula", "awkward_merged")


@pytest.fixture(scope="session")
def libreoffice_copies(soffice, tmp_path_factory):
    """Each input converted by LibreOffice to xlsx and to ods: {(name, ext): path}."""
    base = tmp_path_factory.mktemp("libreoffice")
    src = base / "src"
    src.mkdir()
    for name in LIBREOFFICE_INPUTS:
        shutil.copy(FIXTURES / f"{name}.xlsx", src / f"{name}.xlsx")
    profile = (base / "profile").as_uri()
    out = {}
    for ext, target in (("xlsx", "xlsx:Calc MS Excel 2007 XML"), ("ods", "ods")):
        outdir = base / ext
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
             "--outdir", str(outdir), *[str(src / f"{n}.xlsx") for n in LIBREOFFICE_INPUTS]],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        for name in LIBREOFFICE_INPUTS:
            path = outdir / f"{name}.{ext}"
            assert path.exists(), f"LibreOffice did not write {path.name}"
            out[(name, ext)] = path
    return out


@pytest.mark.parametrize("ext", ["xlsx", "ods"])
def test_libreoffice_written_workbooks_read_the_same(libreoffice_copies, ext):
    result = read_workbook(libreoffice_copies[("valid_nl", ext)])
    assert result.ok, [p.to_dict("en") for p in result.problems]
    original = read_workbook(FIXTURES / "valid_nl.xlsx").report
    for code in ("profile", "activities", "indicators", "stories", "network", "reflection"):
        mine = (
            result.report.section(code)
            .astype(object)
            .where(result.report.section(code).notna(), None)
        )
        theirs = original.section(code).astype(object).where(original.section(code).notna(), None)
        assert mine.to_dict("records") == theirs.to_dict("records"), code


@pytest.mark.parametrize("ext", ["xlsx", "ods"])
def test_libreoffice_caches_the_formula_result(libreoffice_copies, ext):
    result = read_workbook(libreoffice_copies[("awkward_formula", ext)])
    assert result.ok, [p.to_dict("en") for p in result.problems]
    assert result.report.activities.at[0, "newcomers_participating"] == 30


@pytest.mark.parametrize("ext", ["xlsx", "ods"])
def test_libreoffice_keeps_dutch_text_numbers(libreoffice_copies, ext):
    result = read_workbook(libreoffice_copies[("awkward_numbers", ext)])
    assert result.ok, [p.to_dict("en") for p in result.problems]
    assert list(result.report.activities["volunteer_hours"]) == [1234.5, 40.5]


@pytest.mark.parametrize("ext", ["xlsx", "ods"])
def test_libreoffice_keeps_merged_cells(libreoffice_copies, ext):
    result = read_workbook(libreoffice_copies[("awkward_merged", ext)])
    assert result.ok, [p.to_dict("en") for p in result.problems]
    assert list(result.report.activities["phase"]) == ["landing", "landing"]


def test_an_own_indicator_may_be_named_by_its_code_or_its_name(tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(FIXTURES / "valid_nl.xlsx")
    wb["Indicatoren"]["A5"] = "  gedeelde MAALTIJDEN "  # the own indicator's name, typed loosely
    wb.save(tmp_path / "own-by-name.xlsx")
    result = read_workbook(tmp_path / "own-by-name.xlsx")
    assert result.ok, [p.to_dict("en") for p in result.problems]
    assert result.report.indicators.at[2, "indicator"] == "eigen_gedeelde_maaltijden"


def test_a_spreadsheet_that_is_not_the_template_gets_one_clear_problem(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Begroting 2025"
    wb.active["A1"], wb.active["B1"] = "Post", "Bedrag"
    wb.active["A2"], wb.active["B2"] = "Huur", 1200
    wb.save(tmp_path / "begroting.xlsx")
    result = read_workbook(tmp_path / "begroting.xlsx")
    assert [p.code for p in result.problems] == ["not_a_template"]
    assert "Profiel" in result.problems[0].message("nl")
    assert not result.ok and not result.unreadable
