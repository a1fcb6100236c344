"""The long-sheet paths of reading give exactly what the short-sheet paths give.

Reading takes vectorised paths (pandas and Arrow string operations, checks on distinct
values, a column-wide privacy gate) on long sheets, and plain Python loops on the few rows of
a typical sheet. The thresholds between them are module constants; these tests move them so
that one workbook goes through every path, and compare problem for problem and cell for cell:

- a long workbook (2,700 indicator rows, 900 own indicators) with breaks planted at known
  cells, read as shipped (long paths) and with every threshold raised (short paths);
- every broken and awkward fixture workbook, read as shipped (short paths) and with every
  threshold at zero (long paths, the Indicators sheet read on a second thread).
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation import schemas
from evaluation.ingest import normalise, read_workbook, reading, validate
from evaluation.ingest.privacy import LONG_NUMBER_PATTERN, _has_long_number

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BASE = ROOT / "sample_data" / "brug-en-bedrijf" / "brug-en-bedrijf_2024-Q1.xlsx"  # English

THRESHOLDS = [
    (reading, "BACKGROUND_FROM_BYTES"),
    (reading, "SMALL_SHEET_ROWS"),
    (normalise, "SMALL_BODY_ROWS"),
    (normalise, "VECTOR_UNIQUES"),
    (normalise, "LONG_COLUMN"),
    (validate, "DISTINCT_FROM_ROWS"),
    (validate, "COLUMN_GATE_ROWS"),
    (schemas, "SMALL_COLUMN"),
]
OWN = 900
PHASES = ("Arrival", "Landing and building relationships", "Building a future and taking root")

# (sheet, row, column letter, value) written over the generated rows, and the problem each
# gives at that cell
INDICATOR_BREAKS = [
    (40, "C", "12abc", "not_a_number"),
    (41, "C", "-3", "negative_number"),
    (63, "E", None, "share_needs_both"),  # rows 63-65 are a share's
    (43, "C", "45%", "percentage_in_count"),  # a count indicator: a count is no percentage
    (44, "B", "Somewhere", "unknown_choice"),
    (45, "A", "Something nobody declared", "unknown_indicator"),
    (46, "F", "Mail Jan at jan.jansen@example.nl about the evening", "personal_email"),
    (47, "F", "Call 06-12345678 before Friday", "personal_phone"),
    (48, "F", "BSN 111222333 was on the form", "personal_bsn"),
    (49, "F", "Rekening NL91 ABNA 0417 1643 00 voor de boodschappen", "personal_iban"),
    (50, "F", "Bel ٠٦١٢٣٤٥٦٧٨ na vijven", "personal_phone"),  # Arabic-Indic digits
    (64, "D", "9", "numerator_above_denominator"),
]
OWN_BREAKS = [
    (20, "A", "bad code!", "invalid_code"),
    (21, "A", "t_not_prefixed", "own_indicator_prefix"),
    (22, "D", "Nonsense", "unknown_choice"),
    (23, "B", None, "required_missing"),
]


def _long_workbook(path: Path) -> Path:
    """The sample workbook with 900 own indicators and 2,700 indicator rows, then the breaks."""
    wb = openpyxl.load_workbook(BASE)
    own, ind = wb["Own indicators"], wb["Indicators"]
    own.delete_rows(3, own.max_row)
    ind.delete_rows(3, ind.max_row)
    for i in range(OWN):
        unit = "Share (numerator and denominator)" if i % 10 == 0 else "Count"
        dimension = "Relational" if i % 2 else "Process"
        own.append([f"eigen_t_{i:04d}", f"Own indicator {i}", "What we count.", dimension, unit,
                    PHASES[i % 3]])  # fmt: skip
        for k, phase in enumerate(PHASES):
            n = i * 3 + k
            note = f"Toelichting {n}: via de kookavond."
            if n % 10 == 0:
                note += f" Op 3-2-2025 kwamen er {n % 40 + 5} mensen, samen 1.234,50 euro."
            code = f"EIGEN_T_{i:04d}" if n % 7 == 0 else f"eigen_t_{i:04d}"  # case folds
            if unit.startswith("Share"):
                ind.append([code, phase, None, n % 5 + 1, n % 5 + 6, note])
            else:
                ind.append([code, phase, n % 50, None, None, note])
    for row, letter, value, _code in INDICATOR_BREAKS:
        ind[f"{letter}{row}"] = value
    ind["C42"] = "1.234,5"  # a Dutch number typed as text: read, no problem
    for row, letter, value, _code in OWN_BREAKS:
        own[f"{letter}{row}"] = value
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def long_workbook(tmp_path_factory) -> Path:
    return _long_workbook(tmp_path_factory.mktemp("long") / "long.xlsx")


def _read_with(path: Path, value: int | None, monkeypatch) -> tuple[list[dict], object]:
    """Read ``path`` with every threshold set to ``value`` (None: as shipped)."""
    with monkeypatch.context() as m:
        if value is not None:
            for module, name in THRESHOLDS:
                m.setattr(module, name, value)
        result = read_workbook(path)
    return [p.to_dict("en") for p in result.problems], result.report


def _assert_same_report(a, b) -> None:
    for code in ("profile", "own_indicators", "activities", "indicators", "stories"):
        left, right = getattr(a, code), getattr(b, code)
        pd.testing.assert_frame_equal(
            left.reset_index(drop=True).astype(object),
            right.reset_index(drop=True).astype(object),
            check_dtype=False,
            obj=code,
        )


def test_every_planted_break_is_found_at_its_cell_on_a_long_sheet(long_workbook, monkeypatch):
    problems, report = _read_with(long_workbook, None, monkeypatch)
    assert len(report.indicators) == OWN * 3  # every row read, the broken ones too
    values = report.indicators.set_index("_row")["value"]
    assert values.at[42] == 1234.5 and values.at[43] == 0.45 and values.at[44] == 41
    at = {(p["cell"], p["code"]) for p in problems}
    for row, letter, _value, code in INDICATOR_BREAKS:
        assert (f"Indicators!{letter}{row}", code) in at, (row, code, sorted(at))
    for row, letter, _value, code in OWN_BREAKS:
        assert (f"'Own indicators'!{letter}{row}", code) in at, (row, code, sorted(at))
    # nothing else: the generated rows are valid, and dates and amounts in notes are quiet
    planted = {f"Indicators!{letter}{row}" for row, letter, _v, _c in INDICATOR_BREAKS}
    planted |= {f"'Own indicators'!{letter}{row}" for row, letter, _v, _c in OWN_BREAKS}
    stray = [p for p in problems if p["cell"] not in planted]
    # an own indicator whose declaration broke leaves its indicator rows unknown
    assert {p["code"] for p in stray} <= {"unknown_indicator"}, stray


def test_long_and_short_paths_agree_on_a_long_sheet(long_workbook, monkeypatch):
    long_problems, long_report = _read_with(long_workbook, None, monkeypatch)
    short_problems, short_report = _read_with(long_workbook, 10**9, monkeypatch)
    assert long_problems == short_problems
    _assert_same_report(long_report, short_report)


def test_reading_the_long_sheet_on_a_second_thread_changes_nothing(long_workbook, monkeypatch):
    one_thread, one_report = _read_with(long_workbook, None, monkeypatch)
    assert long_workbook.stat().st_size < reading.BACKGROUND_FROM_BYTES  # as shipped: one
    with monkeypatch.context() as m:
        m.setattr(reading, "BACKGROUND_FROM_BYTES", 0)
        result = read_workbook(long_workbook)
    assert [p.to_dict("en") for p in result.problems] == one_thread
    _assert_same_report(result.report, one_report)


FIXTURE_BOOKS = sorted(p.name for p in FIXTURES.glob("*.xlsx") if p.name != "not_a_workbook.xlsx")


@pytest.mark.parametrize("name", FIXTURE_BOOKS)
def test_long_and_short_paths_agree_on_every_fixture(name, monkeypatch):
    shipped, shipped_report = _read_with(FIXTURES / name, None, monkeypatch)
    vectorised, vectorised_report = _read_with(FIXTURES / name, 0, monkeypatch)
    assert shipped == vectorised
    if shipped_report is not None:
        _assert_same_report(shipped_report, vectorised_report)


# --- the privacy gate for a whole column --------------------------------------------------

number_soup = st.text(alphabet="0123456789 -./()\tab,:+", max_size=40)


@settings(max_examples=300, deadline=None)
@given(number_soup)
def test_the_column_gate_matches_the_scanners_own_gate(text):
    column = pc.match_substring_regex(pa.array([text]), LONG_NUMBER_PATTERN)
    assert column[0].as_py() == _has_long_number(text)


def test_the_column_gate_pattern_means_the_same_in_python():
    # the pattern is RE2 syntax that Python's re reads alike (ASCII digits)
    assert re.search(LONG_NUMBER_PATTERN, "tel 06 - 1234 5678", re.ASCII)
    assert not re.search(LONG_NUMBER_PATTERN, "3-2-2025, 48 mensen, 1.234,50 euro", re.ASCII)


# --- folding a whole column ---------------------------------------------------------------

header_soup = st.lists(
    st.text(alphabet="aBc Zé*\t\n\r\x0b\x0c\x1c\x1f -_ÀŞ.", max_size=16), min_size=1, max_size=30
)


@settings(max_examples=300, deadline=None)
@given(header_soup)
def test_folding_a_column_folds_each_text_as_one_text_is_folded(texts):
    folded = normalise.fold_series(pd.Series(texts + [None], dtype=object)).tolist()
    assert folded[:-1] == [normalise.quick_fold(t) for t in texts]
    assert pd.isna(folded[-1])  # a blank stays blank


# --- numbers in a long column -------------------------------------------------------------

number_texts = st.lists(
    st.one_of(st.none(), st.text(alphabet="0123456789.,-+eE %_xinfaINFA", min_size=1, max_size=8)),
    min_size=1,
    max_size=20,
)


@settings(max_examples=300, deadline=None)
@given(number_texts)
def test_plain_numbers_of_a_long_column_are_what_pandas_reads(texts):
    texts = [(t.strip() or None) if t is not None else None for t in texts]  # as normalised
    column = pd.Series(texts, dtype="str")
    expected = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").astype("float64")
    old = normalise.LONG_COLUMN
    normalise.LONG_COLUMN = 0  # the Arrow path, whatever the length
    try:
        got = normalise._plain_numbers(column)
    finally:
        normalise.LONG_COLUMN = old
    pd.testing.assert_series_equal(got, expected, check_names=False)


def test_an_own_indicator_declared_twice_is_a_duplicate_row_at_the_second(tmp_path, monkeypatch):
    wb = openpyxl.load_workbook(FIXTURES / "valid_en.xlsx")
    own = wb["Own indicators"]
    own.append([c.value for c in own[3]])  # row 4 repeats row 3's code
    own.append([None] * 6)
    own["A6"], own["B6"] = None, "A name without a code"  # blank codes repeat nothing
    own.append([c.value for c in own[6]])
    path = tmp_path / "twice.xlsx"
    wb.save(path)
    for value in (None, 0):  # short and long paths alike
        problems, _report = _read_with(path, value, monkeypatch)
        repeats = [p for p in problems if p["code"] == "duplicate_row"]
        assert [p["cell"] for p in repeats] == ["'Own indicators'!A4"], repeats
