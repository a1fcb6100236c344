"""Mutation tests over the sample workbooks: break one cell, the problem is at exactly that cell.

Each case edits real cells of a generated sample workbook (``sample_data/``) with openpyxl, the
way a volunteer would, saves it to disk and reads it back. The problem must be at the cell
that was broken, and no other error may appear elsewhere in the workbook.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from openpyxl import load_workbook

from evaluation.catalogue import fold, load_catalogue
from evaluation.ingest import read_workbook
from evaluation.ingest.sheet import cell_ref

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_data").glob("**/*.xlsx"))


@cache
def _original(path: Path):
    return read_workbook(path)


def _pick() -> list[Path]:
    """One Dutch and one English sample workbook, to keep the suite lean."""
    picked: dict[str, Path] = {}
    for path in SAMPLES:
        result = _original(path)
        if result.ok and result.lang not in picked:
            picked[result.lang] = path
        if len(picked) == 2:
            break
    return [picked[k] for k in sorted(picked)]


PICKED = _pick() if SAMPLES else []

# (name, sheet, [(column, new value)], expected code, column the problem must be at)
# a callable value gets the report and returns the value
MUTATIONS = [
    ("text_in_count", "activities", [("activities_held", "veel")], "not_a_number",
     "activities_held"),
    ("negative", "activities", [("newcomers_participating", -3)], "negative_number",
     "newcomers_participating"),
    ("fraction_in_count", "network", [("count", "3,5")], "not_a_whole_number", "count"),
    ("unknown_partner_type", "network", [("partner_type", "Bakkerij")], "unknown_choice",
     "partner_type"),
    ("unknown_question", "reflection", [("question", "Wat ging er mis?")], "unknown_choice",
     "question"),
    ("bad_date", "stories", [("date", "31-02-2025")], "not_a_date", "date"),
    ("date_outside_period", "stories",
     [("date", lambda r: dt.datetime.combine(r.period_end + dt.timedelta(days=40), dt.time()))],
     "date_outside_period", "date"),
    ("blank_required", "profile", [("city", None)], "required_missing", "city"),
    ("email_in_story", "stories", [("text", "Mail haar op jan.devries@example.org.")],
     "personal_email", "text"),
    ("bsn_in_note", "indicators", [("note", "Haar BSN is 111222333.")], "personal_bsn", "note"),
    ("no_consent", "stories", [("consent_recorded", "nee")], "missing_consent",
     "consent_recorded"),
    ("unknown_indicator", "indicators", [("indicator", "geluksmeter")], "unknown_indicator",
     "indicator"),
    ("numerator_above_denominator", "indicators",
     [("indicator", "friendships_reported"), ("value", None), ("numerator", 12),
      ("denominator", 10)],
     "numerator_above_denominator", "numerator"),
]  # fmt: skip


def _columns(ws, section) -> dict[str, int]:
    """Column code -> 1-based column index, from the header row of the sample sheet."""
    by_fold = {fold(h): c.code for c in section.columns for h in c.headers.values()}
    return {
        by_fold[fold(cell.value)]: cell.column
        for cell in ws[1]
        if isinstance(cell.value, str) and fold(cell.value) in by_fold
    }


@pytest.mark.skipif(not PICKED, reason="no sample workbooks in sample_data/")
@pytest.mark.parametrize("sample", PICKED, ids=lambda p: p.stem)
@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m[0])
def test_a_broken_cell_is_reported_at_that_cell(sample, mutation, tmp_path):
    name, section_code, edits, code, at_column = mutation
    original = _original(sample)
    assert original.ok
    report = original.report
    frame = report.section(section_code)
    assert len(frame), f"{sample.name} has no rows on {section_code}"
    row = int(frame["_row"].iloc[-1])  # the last data row

    wb = load_workbook(sample)
    section = load_catalogue().section(section_code)
    ws = wb[section.name(original.lang)]
    cols = _columns(ws, section)
    for column, value in edits:
        # (ws.cell(..., value=None) would leave the cell alone: set .value itself)
        ws.cell(row=row, column=cols[column]).value = value(report) if callable(value) else value
    broken = tmp_path / f"{name}.xlsx"
    wb.save(broken)

    result = read_workbook(broken)
    letter = ws.cell(row=row, column=cols[at_column]).column_letter
    expected_cell = cell_ref(ws.title, letter, row)
    assert (code, expected_cell) in {(p.code, p.cell) for p in result.problems}, [
        (p.code, p.cell) for p in result.problems
    ]
    # nothing else breaks: every error is on the edited row of the edited sheet
    stray = [
        (p.code, p.cell)
        for p in result.errors
        if p.sheet != ws.title or not (p.cell or "").endswith(f"{row}")
    ]
    assert stray == []
    assert not result.ok
