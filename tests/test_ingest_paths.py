"""A long sheet is read by the same code as a short one, and gives the same answers.

Reading works each column out once per distinct text (``values.per_distinct``) and checks
each column's distinct values against the schema (``schema_problems``); these tests hold
those shortcuts to the cell-by-cell answer:

- a long workbook (2,700 indicator rows, 900 own indicators) with breaks planted at known
  cells: every break is found at its cell, and nothing else;
- a column's numbers read per distinct text equal each cell read on its own;
- the personal-data gate a whole column goes through (Arrow) is the scanner's own first gate;
- the one ``fold``: its shortcut for ASCII text gives what the Unicode steps give;
- a bulk upload's Indicators sheet read on a second thread gives what one thread gives.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.catalogue import fold
from evaluation.ingest import grid, read_workbook, validate
from evaluation.ingest import values as values_module
from evaluation.ingest.privacy import LONG_NUMBER_PATTERN
from evaluation.ingest.privacy_numbers import has_long_number

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BASE = ROOT / "sample_data" / "brug-en-bedrijf" / "brug-en-bedrijf_2024-Q1.xlsx"  # English

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


def _read(path: Path) -> tuple[list[dict], object]:
    result = read_workbook(path)
    return [p.to_dict("en") for p in result.problems], result.report


def test_every_planted_break_is_found_at_its_cell_on_a_long_sheet(long_workbook):
    problems, report = _read(long_workbook)
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


def test_reading_the_long_sheet_on_a_second_thread_changes_nothing(long_workbook, monkeypatch):
    """A bulk upload's Indicators sheet is read on a second thread (``grid.SheetLoader``):
    the same steps, the same problems and values."""
    one_thread, one_report = _read(long_workbook)
    assert long_workbook.stat().st_size < grid.BACKGROUND_FROM_BYTES  # as shipped: one
    monkeypatch.setattr(grid, "BACKGROUND_FROM_BYTES", 0)
    threaded, threaded_report = _read(long_workbook)
    assert threaded == one_thread
    for code in ("profile", "own_indicators", "activities", "indicators", "stories"):
        pd.testing.assert_frame_equal(
            getattr(threaded_report, code).reset_index(drop=True).astype(object),
            getattr(one_report, code).reset_index(drop=True).astype(object),
            obj=code,
        )


# --- the privacy gate for a whole column --------------------------------------------------

number_soup = st.text(alphabet="0123456789 -./()\tab,:+", max_size=40)


def test_the_column_gate_leaves_out_no_finding(long_workbook, monkeypatch):
    """The personal-data scan reads a column's distinct texts itself, and puts many (the long
    sheet's 2,700 notes) through the Arrow gate first: the same findings either way."""
    default, _ = _read(long_workbook)
    monkeypatch.setattr(validate, "GATE_FROM_TEXTS", 0)  # every column through the gate
    gated, _ = _read(long_workbook)
    monkeypatch.setattr(validate, "GATE_FROM_TEXTS", 10**9)  # no column through it
    ungated, _ = _read(long_workbook)
    assert default == gated == ungated
    planted = {(f"Indicators!{letter}{row}", code) for row, letter, _, code in INDICATOR_BREAKS}
    planted = {(cell, code) for cell, code in planted if code.startswith("personal_")}
    assert len(planted) == 5 and planted <= {(p["cell"], p["code"]) for p in default}


@settings(max_examples=300, deadline=None)
@given(number_soup)
def test_the_column_gate_matches_the_scanners_own_gate(text):
    column = pc.match_substring_regex(pa.array([text]), LONG_NUMBER_PATTERN)
    assert column[0].as_py() == has_long_number(text)


def test_the_column_gate_pattern_means_the_same_in_python():
    # the pattern is RE2 syntax that Python's re reads alike (ASCII digits)
    assert re.search(LONG_NUMBER_PATTERN, "tel 06 - 1234 5678", re.ASCII)
    assert not re.search(LONG_NUMBER_PATTERN, "3-2-2025, 48 mensen, 1.234,50 euro", re.ASCII)


# --- folding, and numbers per distinct text ---------------------------------------------

header_soup = st.lists(
    st.text(alphabet="aBc Zé*\t\n\r\x0b\x0c\x1c\x1f -_ÀŞ.", max_size=16), min_size=1, max_size=30
)


def _fold_by_unicode(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.strip().rstrip("*").strip().casefold().split())


@settings(max_examples=300, deadline=None)
@given(header_soup)
def test_the_ascii_shortcut_of_fold_folds_as_the_unicode_steps_do(texts):
    assert [fold(t) for t in texts] == [_fold_by_unicode(t) for t in texts]


number_texts = st.lists(
    st.one_of(st.none(), st.text(alphabet="0123456789.,-+eE %_xinfaINFA", min_size=1, max_size=8)),
    min_size=1,
    max_size=20,
)


def _one_by_one(texts: list) -> list:
    """Each cell read as a column of its own."""
    out = []
    for t in texts:
        values, pct = values_module._numbers(pd.Series([t], dtype=object))
        shown = values.iloc[0]
        out.append(
            (None if pd.isna(shown) else shown, bool(pct.iloc[0]) if pct is not None else False)
        )
    return out


@settings(max_examples=300, deadline=None)
@given(number_texts)
def test_numbers_read_per_distinct_text_are_each_cell_read_alone(texts):
    texts = [(t.strip() or None) if t is not None else None for t in texts]  # as normalised
    values, pct = values_module._numbers(pd.Series(texts, dtype=object))
    together = [
        (None if pd.isna(v) else v, bool(pct.iloc[i]) if pct is not None else False)
        for i, v in enumerate(values.tolist())
    ]
    assert together == _one_by_one(texts)


def test_an_own_indicator_declared_twice_is_a_duplicate_row_at_the_second(tmp_path):
    wb = openpyxl.load_workbook(FIXTURES / "valid_en.xlsx")
    own = wb["Own indicators"]
    own.append([c.value for c in own[3]])  # row 4 repeats row 3's code
    own.append([None] * 6)
    own["A6"], own["B6"] = None, "A name without a code"  # blank codes repeat nothing
    own.append([c.value for c in own[6]])
    path = tmp_path / "twice.xlsx"
    wb.save(path)
    problems, _report = _read(path)
    repeats = [p for p in problems if p["code"] == "duplicate_row"]
    assert [p["cell"] for p in repeats] == ["'Own indicators'!A4"], repeats
