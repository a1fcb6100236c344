"""One normalised sheet, and where its cells are: the A1 references every problem points at."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from evaluation.catalogue import Section
from evaluation.layout import blank
from evaluation.problems import Problem


def column_letter(index: int) -> str:
    """The letter(s) of a 0-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_ref(sheet: str) -> str:
    """A sheet name as it appears in an A1 reference; quoted when it holds spaces or symbols."""
    if re.fullmatch(r"[A-Za-z0-9_À-ÿ]+", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def cell_ref(sheet: str, letter: str, row: int) -> str:
    """``Indicatoren!C14``, ``'Eigen indicatoren'!A3``."""
    return f"{sheet_ref(sheet)}!{letter}{row}"


_DATE_CELL = re.compile(r"\d{4}-\d{1,2}-\d{1,2} 00:00:00")


def shown_date(v: object) -> object:
    """A date cell reads as ``2025-02-03 00:00:00``; show it the way it was typed."""
    if isinstance(v, str) and _DATE_CELL.fullmatch(v):
        return v[: -len(" 00:00:00")]
    return v


@dataclass
class SheetData:
    """One sheet after normalising: canonical values, the text as typed, and where each is."""

    section: Section
    name: str  # the sheet name as in the workbook
    frame: pd.DataFrame  # canonical column codes + ``_row``; unreadable values stay as typed
    # the same cells as typed (a string, or a missing value), for messages
    typed: pd.DataFrame
    letters: dict[str, str]  # column code -> column letter
    headers: dict[str, str]  # column code -> header as in the workbook
    header_row: int  # 1-based
    missing: list[str] = field(default_factory=list)  # column codes not found
    percent: dict[str, pd.Series] = field(default_factory=dict)  # code -> mask of "45%" cells
    # where a missing column was expected (code -> letter), so a problem about it has a cell
    expected: dict[str, str] = field(default_factory=dict)
    # cells whose problem normalising already reported (a formula error, an ambiguous
    # number): the checks after it say nothing more about them
    blocked: set[str] = field(default_factory=set)

    @property
    def date_columns(self) -> frozenset[str]:
        """Codes of the date columns, whose date cells are shown without a time of day."""
        return frozenset(c.code for c in self.section.columns if c.type == "date")

    def cell(self, code: str, row: int) -> str | None:
        letter = self.letters.get(code) or self.expected.get(code)
        return cell_ref(self.name, letter, row) if letter else None

    def problem(self, code: str, column: str, idx: int, severity: str = "error", **params):
        """A problem at the cell of column ``column`` in frame row ``idx``."""
        row = int(self.frame.at[idx, "_row"])
        value = self.typed.at[idx, column] if column in self.typed.columns else None
        if blank(value):
            value = None
        elif column in self.date_columns:
            value = shown_date(value)
        return Problem(
            code=code,
            severity=severity,  # type: ignore[arg-type]
            sheet=self.name,
            cell=self.cell(column, row),
            column=self.headers.get(column, column),
            value=value,
            params=params,
        )
