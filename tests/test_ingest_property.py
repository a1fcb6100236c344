"""Whatever a volunteer types into any cell, reading gives problems, never an exception."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from evaluation.ingest import IngestResult, read_workbook

VALID = Path(__file__).parent / "fixtures" / "valid_nl.xlsx"

# header cells, the example row and data cells of every section sheet
CELLS = [
    (sheet, f"{col}{row}")
    for sheet, cols in {
        "Profiel": "ABDEFIJKM",
        "Eigen indicatoren": "ABE",
        "Activiteiten": "ABCF",
        "Indicatoren": "ACDEF",
        "Verhalen": "ACI",
        "Netwerk": "BD",
        "Reflectie": "AC",
    }.items()
    for col in cols
    for row in (1, 2, 3, 4, 9)
]

printable = st.characters(blacklist_categories=("Cs", "Cc"))
values = st.one_of(
    st.none(),
    st.text(printable, max_size=40),
    st.text(printable, min_size=2000, max_size=5000),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 1, 1)),
    st.sampled_from(
        ["=1/0", "=SUM(A1:A3)", "=A1&B1", "#N/A", "45%", "1.234,5", "1,234.5", "ja", "03-02-25",
         "31-02-2025", "  ", "Hoofdaccent", "geluksmeter", "1e308", "-0", "eigen_x", "Voorbeeld:"]
    ),
)  # fmt: skip


@pytest.fixture(scope="module")
def template_bytes() -> bytes:
    return VALID.read_bytes()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(st.tuples(st.sampled_from(CELLS), values), min_size=1, max_size=8))
def test_any_cell_contents_give_problems_not_exceptions(template_bytes, edits):
    wb = load_workbook(io.BytesIO(template_bytes))
    for (sheet, ref), value in edits:
        wb[sheet][ref] = value
    out = io.BytesIO()
    wb.save(out)

    result = read_workbook(out.getvalue(), "upload.xlsx")

    assert isinstance(result, IngestResult)
    assert not result.unreadable
    assert [p for p in result.problems if p.code == "internal_error"] == []
    for p in result.problems:
        d = p.to_dict("nl") | {"en": p.to_dict("en")}
        assert d["message"] and d["hint"]
    if result.ok:
        result.report.to_tidy()  # a valid report always makes its tidy rows
