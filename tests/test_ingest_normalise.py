"""The reading rules for typed values: numbers, dates, choices and headers (see normalise.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from evaluation.catalogue import load_catalogue
from evaluation.ingest.headers import find_header
from evaluation.ingest.sheet import cell_ref, column_letter
from evaluation.ingest.values import choice_map, parse_date, parse_number


@pytest.mark.parametrize(
    ("text", "number", "percent"),
    [
        ("12", 12.0, False),
        ("12,5", 12.5, False),
        ("1.234,5", 1234.5, False),
        ("1.234.567", 1234567.0, False),
        ("1,234.5", 1234.5, False),
        ("1,234,567", 1234567.0, False),
        ("1,234", 1.234, False),  # a lone comma is a decimal comma
        ("1 234", 1234.0, False),
        ("-3", -3.0, False),
        ("45%", 0.45, True),
        ("12,5 %", 0.125, True),
        ("twaalf", None, False),
        ("12 uur", None, False),
        ("1.2.3,4,5", None, False),
        ("", None, False),
        ("%", None, False),
    ],
)
def test_numbers_typed_as_text(text, number, percent):
    got, is_percent = parse_number(text)
    assert got == (pytest.approx(number) if number is not None else None)
    assert is_percent == percent


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2025-02-03", dt.date(2025, 2, 3)),
        ("2025-02-03 00:00:00", dt.date(2025, 2, 3)),  # a date cell
        ("2025-02-03 14:30:00", dt.date(2025, 2, 3)),
        ("3-2-2025", dt.date(2025, 2, 3)),  # day first, the Dutch way
        ("03-02-25", dt.date(2025, 2, 3)),
        ("3/2/2025", dt.date(2025, 2, 3)),
        ("3.2.2025", dt.date(2025, 2, 3)),
        ("2025/02/03", dt.date(2025, 2, 3)),
        ("3 februari 2025", dt.date(2025, 2, 3)),
        ("3 Feb 2025", dt.date(2025, 2, 3)),
        ("14 mei 2025", dt.date(2025, 5, 14)),
        ("45691", dt.date(2025, 2, 3)),  # an Excel serial number
        ("31-02-2025", None),
        ("2025", None),
        ("volgende week", None),
        ("13/13/2025", None),
    ],
)
def test_dates_typed_as_text(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize(
    ("typed", "code"),
    [("ja", "yes"), ("Nee", "no"), ("YES", "yes"), ("x", "yes"), ("true", "yes"), ("0", "no")],
)
def test_yes_no_variants(typed, code):
    assert choice_map("yes_no")[typed.casefold()] == code


def test_choices_by_code_or_label_in_either_language():
    phases = choice_map("phases")
    assert phases["aankomst"] == phases["arrival"] == "arrival"
    assert phases["landing and building relationships"] == "landing"
    assert choice_map("rubric_steps")["3"] == "3"


def test_cell_references():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA"
    ]  # fmt: skip
    assert cell_ref("Indicatoren", "C", 14) == "Indicatoren!C14"
    assert cell_ref("Eigen indicatoren", "A", 3) == "'Eigen indicatoren'!A3"


def test_headers_match_in_either_language_whatever_the_case_and_star():
    section = load_catalogue().section("network")
    grid = pd.DataFrame(
        {0: [None, "  PARTNER *", "x"], 1: [None, "soort   partner", "y"], 2: [None, "Count", "z"]}
    )
    row, headers = find_header(grid, section)
    assert row == 1
    assert headers == {0: "PARTNER *", 1: "soort   partner", 2: "Count"}


def test_a_long_column_tells_the_example_row_as_each_cell_alone_would():
    """``layout.example_marks`` (a column at once) skips texts without the markers' colon:
    no other character folds into a colon, so it says what ``is_example_row`` says."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from evaluation.layout import EXAMPLE_MARKERS, example_marks, is_example_row

    assert all(":" in m for m in EXAMPLE_MARKERS.values())
    assert [chr(c) for c in range(0x110000) if ":" in chr(c).casefold()] == [":"]
    pieces = [*EXAMPLE_MARKERS.values(), "VOORBEELD", "example", ":", "\uff1a", " ", "\u00a0",
              "\t", "Voor beeld:", "eigen_code", "İ", "ß", "x"]  # fmt: skip

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(st.lists(st.sampled_from(pieces), max_size=5).map("".join), max_size=20))
    def agree(values):
        assert example_marks([*values, None, 3.0]) == [*map(is_example_row, values), False, False]

    agree()
