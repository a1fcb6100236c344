"""Safe cells and sheet names for the Excel report.

Why this module exists: the report copies text that initiatives typed (story titles, notes,
partner names) into a workbook that evaluators open in Excel or LibreOffice. openpyxl turns
any string that starts with ``=`` into a formula, and spreadsheet apps treat a leading ``+``,
``-``, ``@``, tab or carriage return as the start of a formula when a cell is edited or the
sheet is exported to CSV. So every text cell goes through ``put``: its type is forced to a
string (``data_type = "s"``, written as an inline string, never as ``<f>``) and, when it
starts with one of those characters, its style carries ``quotePrefix`` (Excel's own
"apostrophe" marker: the cell is text, shown as typed, even after editing).

Sheet names follow Excel's rules: at most 31 characters, none of ``[]:*?/\\``, no leading or
trailing apostrophe, not "History", unique without regard to case.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

# characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# characters XML 1.0 cannot carry (openpyxl refuses them); tab, newline and CR are allowed
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
# Excel keeps this name for itself (its change-tracking sheet) and refuses a sheet so named
RESERVED_SHEET_NAMES = frozenset({"history"})

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF4")
HEADING_FONT = Font(bold=True, size=13)
TITLE_FONT = Font(bold=True, size=16)
WRAP = Alignment(wrap_text=True, vertical="top")

# number formats: the locale tag makes month names follow the report's language; separators
# of numbers follow the reader's own Excel or LibreOffice settings (a Dutch installation shows
# 1.234,5), which is what a reader expects
NUMBER_FORMATS = {
    "count": "#,##0",
    "hours": "#,##0.0",
    "share": "0%",
    "rubric": "0",
    "number": "#,##0.##",
}
DATE_FORMATS = {"nl": "[$-413]d mmmm yyyy", "en": "[$-809]d mmmm yyyy"}
DATETIME_FORMATS = {"nl": "[$-413]d mmmm yyyy hh:mm", "en": "[$-809]d mmmm yyyy hh:mm"}


def blank(value: object) -> bool:
    """None, NaN, NaT and pandas' NA are all empty."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


def clean_text(value: object) -> str:
    """A string Excel can store: characters XML refuses are dropped."""
    return _ILLEGAL.sub("", str(value))


def put(ws: Worksheet, row: int, col: int, value: Any, lang: str = "nl", fmt: str | None = None):
    """Write ``value`` at (row, col) so that it can never become a formula.

    Text is always a string cell; text that starts like a formula also gets ``quotePrefix``.
    Numbers stay numbers (``fmt`` or a default number format), dates get the language's date
    format, empty values leave the cell empty. Returns the cell.
    """
    cell: Cell = ws.cell(row=row, column=col)
    if blank(value):
        return cell
    if isinstance(value, bool):
        cell.value = value
        return cell
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = fmt or NUMBER_FORMATS["number"]
        return cell
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return put(ws, row, col, value.item(), lang, fmt)
    if isinstance(value, dt.datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = DATETIME_FORMATS.get(lang, DATETIME_FORMATS["nl"])
        return cell
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMATS.get(lang, DATE_FORMATS["nl"])
        return cell
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl made it "f" if it starts with "="; a string it stays
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def merge(ws: Worksheet, row: int, first_col: int, last_col: int) -> None:
    """Merge one row's cells ``first_col`` to ``last_col`` (a text wider than its column).

    What ``Worksheet.merge_cells`` does, without its costs: it compares the new range with
    every range already merged and restyles every covered cell (borders, protection), which
    took a third of the report's build. The report's merged ranges never overlap (each is
    one row of one table) and carry no border."""
    if last_col <= first_col:
        return
    coord = f"{get_column_letter(first_col)}{row}:{get_column_letter(last_col)}{row}"
    ws.merged_cells.ranges.add(MergedCellRange(ws, coord))
    for col in range(first_col + 1, last_col + 1):
        ws._cells[row, col] = MergedCell(ws, row, col)


def header_row(ws: Worksheet, row: int, col: int, headers: list[str], lang: str = "nl") -> None:
    """A bold, shaded header row."""
    for j, h in enumerate(headers):
        c = put(ws, row, col + j, h, lang)
        c.font = HEADER_FONT
        c.fill = HEADER_FILL
        c.alignment = WRAP


def heading(ws: Worksheet, row: int, text: str, lang: str = "nl", col: int = 1) -> None:
    put(ws, row, col, text, lang).font = HEADING_FONT


def set_widths(ws: Worksheet, widths: dict[int, float]) -> None:
    from openpyxl.utils import get_column_letter

    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def sheet_name(wanted: str, taken: set[str], fallback: str = "-") -> str:
    """A valid sheet name, unique among ``taken`` (compared case-folded), added to ``taken``.

    Forbidden characters become a space; the name is cut to 31 characters; a clash gets a
    suffix `` (2)``, `` (3)``... with the base cut so the whole still fits.
    """
    base = _SHEET_FORBIDDEN.sub(" ", clean_text(wanted))
    base = " ".join(base.split()).strip("'").strip() or fallback
    base = base[:SHEET_NAME_MAX].rstrip("'").strip() or fallback
    name, n = base, 1
    while name.casefold() in taken or name.casefold() in RESERVED_SHEET_NAMES:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)].rstrip("'").rstrip() + suffix
    taken.add(name.casefold())
    return name


_MD = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*")


def plain(markdown: str) -> str:
    """Markdown emphasis removed: about.yaml texts are written for the dashboard too."""
    return _MD.sub(lambda m: m.group(1) or m.group(2), markdown)
