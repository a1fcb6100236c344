"""Normalising one sheet of an uploaded workbook: from typed cells to canonical values.

The reader hands over a *grid*: every cell of a sheet as the text calamine gives for it
(numbers as ``1234.5``, date cells as ``2025-02-03 00:00:00``, booleans as ``true``), indexed
by 0-based worksheet row and column. This module finds the header row, maps headers (Dutch or
English, any case, accents, spacing, a trailing ``*``) to column codes, drops blank rows and
the template's example row, and turns each column into canonical values, one column at a
time with pandas string operations so that 100,000 rows stay fast.

A value that cannot be read stays in the frame *as typed* (a string): the pandera schema then
reports it at its cell (``not_a_number``, ``not_a_date``, ``unknown_choice``), so every
problem comes from one place. Unknown indicators are reported by ``validate``.

Decisions where the brief is silent:

- Numbers. A number cell, and text like ``1234.5`` or ``12``, is read with a decimal point.
  Text with a comma is read the Dutch way first: ``12,5`` = 12.5 and ``1.234,5`` = 1234.5;
  a lone comma is always a decimal comma, so ``1,234`` = 1.234. Text with several commas or a
  comma before a point is English: ``1,234,567`` and ``1,234.5``. Several points are Dutch
  thousands: ``1.234.567``. Spaces inside a number are ignored. ``1.234`` (one group of
  three digits after a point) is ambiguous: a Dutch user means 1234, an English user 1.234,
  and the reader gives a number cell 1.234 the same text, so it cannot be told apart. In a
  decimal column it is refused at its cell (``ambiguous_thousands``, the hint shows both
  ways to write it): a retype costs a minute, a silent factor of 1000 would skew every
  figure after it. A count column reports it as not a whole number.
- Percentages. Text ``45%`` is read as 0.45 and gives the warning ``percentage_read``
  (a share is better given as numerator and denominator); for a count indicator on the
  Indicators sheet it is an error (``percentage_in_count``: a count is not a percentage).
  A cell formatted as a percentage already holds 0.45 and is read as such, without a warning.
- The example row. The template's example row is skipped wherever it is: a row with the
  marker ("Voorbeeld:", "Example:") in a cell (sorting moves it from row 2), or, with no such
  row, the first filled row when its cells equal the example, else the first row that is the
  whole example row. A skipped row away from row 2 gets the warning ``example_row_skipped``.
- Formula errors. A cell whose formula gives an error (``#DIV/0!``, ``#N/A``, ...) reads as
  blank; ``evaluation.ingest.cells`` finds them in the file and this module reports each at
  its cell (``formula_error``) and blanks it, so no other check reports it again.
- A missing column still has a place: a problem about its cells points where it belongs
  (after the column before it in the template). A header repeated over that place (two
  header cells merged) is the error ``header_repeated``, naming the missing header.
- Dates are day-first, always (the Dutch and British order): ``3-2-2025``, ``3/2/2025``,
  ``3.2.2025`` and ``03-02-25`` are all 3 February 2025; a two-digit year is 20YY. ISO dates
  (``2025-02-03``), date cells (a time of day is dropped), month names in Dutch or English
  (``3 februari 2025``, ``3 Feb 2025``) and Excel serial numbers between 1970 and 2100 in a
  date column are read too. Anything else is ``not_a_date``.
- Yes/no: ``ja nee yes no j n y x waar onwaar true false 1 0`` (``x`` = yes).
- Codes (initiative code, own indicator codes) are stripped and lower-cased.
- Boolean cells in a number column are not numbers (``not_a_number``).
- Merged cells: the reader fills a merged range from its top-left cell before this module
  sees it (xlsx and ods).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from evaluation.catalogue import Catalogue, Column, Section, fold, load_catalogue
from evaluation.problems import Problem

HEADER_SEARCH_ROWS = 10  # the header is row 1 in the template; look a little further down
# Long sheets take vectorised paths (pandas and Arrow string operations), short ones plain
# Python loops, which are quicker on a few rows; both give the same result, and
# tests/test_ingest_paths.py holds them to it by moving these thresholds.
SMALL_BODY_ROWS = 2_000

# --- cell references ---------------------------------------------------------------------


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


def quick_fold(text: object) -> str:
    """``catalogue.fold`` with a fast path for plain ASCII text (most cells): same result."""
    if isinstance(text, str) and text.isascii():
        return " ".join(text.strip().rstrip("*").strip().lower().split())
    return fold(text)


# --- parsing single values -----------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_DUTCH_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_DUTCH_DECIMAL = re.compile(r"\d*,\d+")
_ENGLISH_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:\.\d*)?|\.\d+")


def parse_number(text: str) -> tuple[float | None, bool]:
    """A number typed as text, and whether it was a percentage; (None, False) if not a number."""
    s = _SPACES.sub("", text.strip())
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    sign = 1.0
    if s[:1] in "+-" and s:
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:]
    if not s:
        return None, False
    if _PLAIN.fullmatch(s):
        number = float(s)
    elif _DUTCH_THOUSANDS.fullmatch(s):
        number = float(s.replace(".", "").replace(",", "."))
    elif _ENGLISH_THOUSANDS.fullmatch(s) and (s.count(",") > 1 or "." in s):
        number = float(s.replace(",", ""))
    elif _DUTCH_DECIMAL.fullmatch(s):
        number = float(s.replace(",", "."))
    else:
        return None, False
    number *= sign
    if percent:
        number /= 100.0
    return (number, percent) if math.isfinite(number) else (None, False)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_YMD = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})")
_NAMED = re.compile(r"(\d{1,2})[\s.-]+([^\W\d_]+)\.?[\s.-]+(\d{4}|\d{2})")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mrt": 3,
    "maa": 3,
    "mar": 3,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (25569, 73051)  # 1970-01-01 .. 2100-01-01


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """A date typed as text or given by a date cell; None when it is not a date."""
    s = " ".join(text.split())
    if m := _ISO.fullmatch(s):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _YMD.fullmatch(s):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.fullmatch(s):
        return _date(_year(m[3]), int(m[2]), int(m[1]))
    if m := _NAMED.fullmatch(s):
        month = _MONTHS.get(fold(m[2])[:3])
        return _date(_year(m[3]), month, int(m[1])) if month else None
    if _SERIAL.fullmatch(s):
        serial = float(s)
        if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return None


YES = ("ja", "j", "yes", "y", "x", "waar", "true", "1", "1.0")
NO = ("nee", "n", "no", "onwaar", "false", "0", "0.0")


@cache
def choice_map(list_name: str) -> dict[str, str]:
    """Folded code or nl/en label -> code, for one choice list (plus yes/no variants)."""
    cat = load_catalogue()
    out: dict[str, str] = {}
    for c in cat.choices(list_name).choices:
        # a label the list has since reworded ("former") is still read in older workbooks
        for key in (c.code, *c.labels.values(), *c.extra.get("former", ())):
            out.setdefault(fold(key), c.code)
        if list_name == "rubric_steps":
            out.setdefault(fold(c.code) + ".0", c.code)
    if list_name == "yes_no":
        for key in YES:
            out.setdefault(key, "yes")
        for key in NO:
            out.setdefault(key, "no")
    return out


@cache
def catalogue_indicator_map() -> dict[str, str]:
    """Folded indicator code or nl/en label -> catalogue code."""
    out: dict[str, str] = {}
    for ind in load_catalogue().indicators:
        for key in (ind.code, *ind.labels.values()):
            out.setdefault(fold(key), ind.code)
    return out


@cache
def header_map(section_code: str) -> dict[str, str]:
    """Folded Dutch or English header -> column code, for one section."""
    out: dict[str, str] = {}
    for col in load_catalogue().section(section_code).columns:
        for text in col.headers.values():
            out.setdefault(fold(text), col.code)
        out.setdefault(fold(col.code), col.code)
    return out


# --- a normalised sheet ------------------------------------------------------------------


@dataclass
class SheetData:
    """One sheet after normalising: canonical values, the text as typed, and where each is."""

    section: Section
    name: str  # the sheet name as in the workbook
    frame: pd.DataFrame  # canonical column codes + ``_row``; unreadable values stay as typed
    # the same cells as typed (a string, or a missing value), for messages; kept as the reader
    # gave them (Arrow strings on a long sheet), since only the few problem cells are looked at
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
        if _is_missing(value) or value is pd.NA:
            value = None
        elif column in self.date_columns:
            value = _shown_date(value)
        return Problem(
            code=code,
            severity=severity,  # type: ignore[arg-type]
            sheet=self.name,
            cell=self.cell(column, row),
            column=self.headers.get(column, column),
            value=value,
            params=params,
        )


def find_header(grid: pd.DataFrame, section: Section) -> tuple[int | None, dict[int, str]]:
    """The 0-based header row and ``{column index: header text}`` of the best-matching row."""
    known = header_map(section.code)
    best_row, best_hits = None, 0
    for row in list(grid.index[:HEADER_SEARCH_ROWS]):
        cells = grid.loc[row]
        hits = sum(1 for v in cells if isinstance(v, str) and fold(v) in known)
        if hits > best_hits:
            best_row, best_hits = row, hits
    if best_row is None:
        return None, {}
    cells = grid.loc[best_row]
    return int(best_row), {
        int(c): str(v).strip() for c, v in cells.items() if isinstance(v, str) and v.strip()
    }


def _example_values(col: Column, cat: Catalogue) -> set[str]:
    """The folded texts a template's example cell can show for ``col``."""
    ex = col.example
    if ex is None or ex == "":
        return set()
    out = {fold(ex)}
    if col.type == "choice" and col.choices:
        for choice in cat.choices(col.choices).choices:
            if choice.code == str(ex):
                out |= {fold(lbl) for lbl in choice.labels.values()}
    if col.type == "indicator" and str(ex) in cat.indicator_codes:
        out |= {fold(lbl) for lbl in cat.indicator(str(ex)).labels.values()}
    if col.type == "date":
        d = parse_date(str(ex))
        if d:
            out |= {fold(d.isoformat()), fold(f"{d.isoformat()} 00:00:00")}
    if isinstance(ex, (int, float)) and not isinstance(ex, bool):
        out |= {fold(str(ex)), fold(str(float(ex)))}
    return out


def _is_example(values: dict[str, object], section: Section) -> bool:
    """True for the template's example row: the marker, or every cell equal to the example."""
    from evaluation.template import is_example_row

    if any(is_example_row(v) for v in values.values()):
        return True
    cat = load_catalogue()
    filled = {k: v for k, v in values.items() if isinstance(v, str) and v.strip()}
    if len(filled) < 2:
        return False
    return all(fold(v) in _example_values(section.column(k), cat) for k, v in filled.items())


def normalise_sheet(
    grid: pd.DataFrame,
    section: Section,
    name: str,
    own_indicators: dict[str, str] | None = None,
    formula_errors: dict[tuple[int, int], str] | None = None,
) -> tuple[SheetData, list[Problem]]:
    """Normalise one section's grid. ``own_indicators`` maps folded own codes/names -> code;
    ``formula_errors`` maps (0-based row, column) of each cell holding a formula's error to
    the error as the spreadsheet shows it (``evaluation.ingest.cells.formula_errors``): the
    reader gives such a cell as blank, and it must not pass as one."""
    problems: list[Problem] = []
    header_idx, header_cells = find_header(grid, section)
    known = header_map(section.code)
    col_of: dict[str, int] = {}
    headers: dict[str, str] = {}
    repeats: list[tuple[int, str, str]] = []
    header_row = (header_idx if header_idx is not None else 0) + 1
    for c, text in sorted(header_cells.items()):
        code = known.get(fold(text))
        ref = cell_ref(name, column_letter(c), header_row)
        if code is None:
            problems.append(
                Problem("unknown_column", "warning", name, ref, column=text, value=text)
            )
        elif code in col_of:
            # an empty repeat (a header merged across columns) is harmless: say nothing
            below = grid.loc[grid.index > (header_idx or 0), c]
            if below.notna().any() and (below.astype(str).str.strip() != "").any():
                repeats.append((c, text, ref))
        else:
            col_of[code] = c
            headers[code] = text
    missing = [col.code for col in section.columns if col.code not in col_of]
    lang = _lang_of(header_cells)
    expected = _expected_letters(section, col_of, header_cells, missing)
    for c, text, ref in repeats:
        # a repeated header with data below, where a missing column belongs: most often two
        # header cells merged (the second shows the first's text): say which header is gone
        lost = [m for m in missing if expected.get(m) == column_letter(c)]
        if lost:
            header = section.column(lost[0]).headers[lang]
            problems.append(
                Problem(
                    "header_repeated", "error", name, ref, column=text, value=text,
                    params={"header": header},
                )
            )  # fmt: skip
        else:
            problems.append(
                Problem("duplicate_column", "warning", name, ref, column=text, value=text)
            )
    for code in missing:
        col = section.column(code)
        if col.required:
            problems.append(
                Problem(
                    "missing_column",
                    "error",
                    name,
                    None,
                    column=col.header(lang),
                    params={"header": col.headers[lang]},
                )
            )
        headers[code] = col.headers[lang]

    start = header_idx + 1 if header_idx is not None else len(grid)
    body = _rows_from(grid, start)[[col_of[c] for c in col_of]] if col_of else None
    error_cells: dict[tuple[int, str], str] = {}
    if body is None or body.empty:
        rows_index = pd.Index([], dtype="int64")
        typed = pd.DataFrame({c: pd.Series(dtype="object") for c in section.column_codes})
    else:
        body = body.set_axis(list(col_of), axis=1)
        if len(body) <= SMALL_BODY_ROWS:  # a few rows: one plain pass beats a call per column
            body = body.map(lambda v: v.strip() if isinstance(v, str) else v)
        else:
            body = body.apply(lambda s: s.str.strip())
        error_cells = _place_errors(body, col_of, formula_errors)
        if error_cells:
            body = body.astype(object)
            for (row, code), text in error_cells.items():
                body.at[row, code] = text
        blank = body.isna() | (body == "")
        if blank.to_numpy().any():
            body = body.mask(blank)
            keep = ~blank.all(axis=1)
            if not keep.all():
                body = body[keep]
        # the template's example row: the first filled row as before, and anywhere else it
        # was sorted to (Excel, LibreOffice and Google Sheets sort from row 2)
        example = _example_rows(body, section)
        if example.any():
            for pos in np.flatnonzero(example):
                row = int(body.index[pos]) + 1
                if row != header_row + 1:  # not where the template put it: say so
                    first = next(iter(col_of))
                    problems.append(
                        Problem(
                            "example_row_skipped", "warning", name,
                            cell_ref(name, column_letter(col_of[first]), row),
                            column=headers.get(first), value=body.iat[pos, 0],
                        )
                    )  # fmt: skip
            body = body[~example]
        rows_index = pd.Index(body.index + 1, dtype="int64")
        typed = body.reset_index(drop=True)
        for code in section.column_codes:
            if code not in typed.columns:
                typed[code] = pd.Series([np.nan] * len(typed), dtype="object")
        typed = typed[list(section.column_codes)]

    columns: dict[str, object] = {}
    percent: dict[str, pd.Series] = {}
    flagged: list[tuple[str, str, pd.Series]] = []  # (problem code, column, mask)
    for col in section.columns:
        values, pct = _normalise_column(typed[col.code], col, own_indicators or {})
        if col.type == "number":
            ambiguous = _ambiguous_thousands(typed[col.code])
            if ambiguous is not None:
                flagged.append(("ambiguous_thousands", col.code, ambiguous))
        if error_cells:
            rows = {row for row, code in error_cells if code == col.code}
            if rows:
                mask = pd.Series(np.isin(rows_index.to_numpy() - 1, list(rows)), typed.index)
                flagged.append(("formula_error", col.code, mask))
        for _code, code, mask in flagged:
            if code == col.code:  # an unreadable cell holds nothing: no other check sees it
                values = pd.Series(values, dtype=object).mask(mask.to_numpy(dtype=bool), None)
                if pct is not None:
                    pct = pct & ~mask
        columns[col.code] = values
        if pct is not None and pct.any():
            percent[col.code] = pct
    columns["_row"] = rows_index.to_numpy() if len(rows_index) else np.array([], dtype="int64")
    frame = pd.DataFrame(columns, index=typed.index)
    data = SheetData(
        section=section,
        name=name,
        frame=frame,
        typed=typed,
        letters={code: column_letter(c) for code, c in col_of.items()},
        headers=headers,
        header_row=header_row,
        missing=missing,
        percent=percent,
        expected=expected,
    )
    for problem_code, code, mask in flagged:
        for idx in mask[mask.to_numpy(dtype=bool)].index:
            params = {}
            if problem_code == "ambiguous_thousands":
                text = str(typed.at[idx, code])
                params = {
                    "thousands": text.replace(".", ""),
                    "decimal": text,
                    "decimal_nl": text.replace(".", ","),
                }
            p = data.problem(problem_code, code, idx, **params)
            data.blocked.add(p.cell)
            problems.append(p)
    if section.code == "network" and "count" in col_of and len(frame):
        problems += _partners_without_count(data)
    for code, mask in percent.items():
        if section.code == "indicators" and code == "value":
            continue  # the Indicators sheet's checks know the unit: they report these
        for idx in mask[mask].index:
            problems.append(data.problem("percentage_read", code, idx, "warning"))
    return data, problems


def _partners_without_count(data: SheetData) -> list[Problem]:
    """Network rows that name a partner but no count: the partners a continued template
    carries over from the last period, not filled in this period. They are left out of the
    report (a link is stored with how often it was used, never without), each with a
    warning; a row with a formula error in its count is reported as that, and kept."""
    frame, typed = data.frame, data.typed
    blank = frame["count"].isna() & typed["count"].isna() & frame["partner"].notna()
    if not blank.any():
        return []
    out = [
        data.problem(
            "partner_without_count", "count", idx, "warning", partner=frame.at[idx, "partner"]
        )
        for idx in frame.index[blank]
    ]
    keep = ~blank
    data.frame = frame[keep].reset_index(drop=True)
    data.typed = typed[keep].reset_index(drop=True)
    return out


def _expected_letters(
    section: Section, col_of: dict[str, int], header_cells: dict[int, str], missing: list[str]
) -> dict[str, str]:
    """Where each missing column belongs: right after the found column that comes before it
    in the template's order, when that cell's header is empty or repeats another; else the
    first column right of every header. A problem about a missing column then has a cell."""
    known = header_map(section.code)
    used = set(col_of.values())
    out: dict[str, str] = {}
    free = max([*header_cells, *used, -1]) + 1
    codes = section.column_codes
    for code in missing:
        pos = codes.index(code)
        before = [col_of[c] for c in codes[:pos] if c in col_of]
        guess = (before[-1] + 1) if before else 0
        text = header_cells.get(guess)
        if guess not in used and (text is None or known.get(fold(text)) is not None):
            out[code] = column_letter(guess)
        else:
            out[code] = column_letter(free)
            free += 1
    return out


def _place_errors(
    body: pd.DataFrame, col_of: dict[str, int], errors: dict[tuple[int, int], str] | None
) -> dict[tuple[int, str], str]:
    """The formula errors that fall in the body: (0-based row, column code) -> error text."""
    if not errors:
        return {}
    code_of = {c: code for code, c in col_of.items()}
    rows = set(body.index)
    return {(r, code_of[c]): text for (r, c), text in errors.items() if c in code_of and r in rows}


def _text_mask(s: pd.Series, pattern: str, test) -> pd.Series | None:
    """Which cells of a column match ``pattern`` (Arrow on a long column, else ``test``);
    None when none does (the usual case)."""
    if s.isna().all():
        return None
    if len(s) >= LONG_COLUMN and isinstance(s.dtype, pd.StringDtype):
        hits = pc.match_substring_regex(pa.array(s.array), pattern).fill_null(False)
        mask = pd.Series(hits.to_numpy(zero_copy_only=False), index=s.index, dtype=bool)
    else:
        mask = pd.Series([test(v) for v in s.tolist()], index=s.index, dtype=bool)
    return mask if mask.any() else None


# "1.234" in a decimal column: a Dutch thousands point (1234) or a decimal point (1.234)?
AMBIGUOUS_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")


def _ambiguous_thousands(s: pd.Series) -> pd.Series | None:
    return _text_mask(
        s,
        "^" + AMBIGUOUS_THOUSANDS.pattern + "$",
        lambda v: isinstance(v, str) and AMBIGUOUS_THOUSANDS.fullmatch(v) is not None,
    )


@cache
def _markers() -> tuple[str, ...]:
    """The example markers, lower-cased (a body's cells are already stripped)."""
    from evaluation.template import EXAMPLE_MARKERS

    return tuple(m.lower() for m in EXAMPLE_MARKERS.values())


def _example_rows(body: pd.DataFrame, section: Section) -> np.ndarray:
    """Which rows of a sheet's body are the template's example row: one whose first cell
    (the template's first column) starts with the example marker ("Voorbeeld:", "Example:"),
    wherever the row is; the first filled row also when any cell has the marker or every
    filled cell equals the example (the marker typed away); when neither is found,
    the first other row that is the whole example row, every cell as the template wrote it
    (the marker typed away, then sorted). A row just like the example beside the marked one
    is data: the template has one example row."""
    from evaluation.template import is_example_row

    n = len(body)
    found = np.zeros(n, dtype=bool)
    if not n:
        return found
    # the marker is in the first cell of the example row, and sorting moves whole rows:
    # look in that column on every row (the first row's other cells are looked at below)
    first = next((c.code for c in section.columns if c.code in body.columns), None)
    if first is not None:
        s = body[first]
        if n > SMALL_BODY_ROWS and isinstance(s.dtype, pd.StringDtype):
            lower = pc.utf8_lower(pa.array(s.array))
            hits = None
            for marker in _markers():
                hit = pc.starts_with(lower, marker)
                hits = hit if hits is None else pc.or_(hits, hit)
            found |= hits.fill_null(False).to_numpy(zero_copy_only=False)
        else:
            found |= np.fromiter((is_example_row(v) for v in s.tolist()), bool, n)
    if not found[0] and _is_example(body.iloc[0].dropna().to_dict(), section):
        found[0] = True
    if found.any():
        return found  # the template has one example row: a row just like it is data
    # the whole example row elsewhere: narrow the candidates column by column
    cat = load_catalogue()
    candidates = np.ones(n, dtype=bool)
    candidates[0] = False
    filled_cols = 0
    for col in section.columns:
        examples = _example_values(col, cat)
        if col.code not in body.columns:
            if examples:
                return found  # the example fills a column the sheet lacks
            continue
        s = body[col.code]
        if examples:
            filled_cols += 1
            part = s[candidates]
            hits = _per_distinct(
                part, lambda texts, ex=examples: [quick_fold(v) in ex for v in texts]
            )
            ok = np.fromiter((h is True for h in hits.to_numpy(dtype=object)), bool, len(hits))
        else:
            part = s[candidates]
            ok = part.isna().to_numpy(dtype=bool)
        where = np.flatnonzero(candidates)
        candidates[where[~ok]] = False
        if not candidates.any():
            return found
    if filled_cols >= 2:
        found[np.flatnonzero(candidates)[0]] = True  # the first such row only
    return found


def _rows_from(grid: pd.DataFrame, start: int) -> pd.DataFrame:
    """The grid's rows from worksheet row index ``start`` on (a slice: no copy of a long sheet)."""
    if grid.index.is_monotonic_increasing:
        return grid.iloc[int(grid.index.searchsorted(start)) :]
    return grid.loc[grid.index >= start]


def _shown_date(v: object) -> object:
    """A date cell reads as ``2025-02-03 00:00:00``; show it the way it was typed."""
    if isinstance(v, str) and v.endswith(" 00:00:00") and _ISO.fullmatch(v):
        return v[: -len(" 00:00:00")]
    return v


def _lang_of(header_cells: dict[int, str]) -> str:
    """The language the headers are written in (Dutch unless they match English better)."""
    cat = load_catalogue()
    folded = {fold(v) for v in header_cells.values()}
    score = {
        lang: sum(1 for s in cat.sections for c in s.columns if fold(c.headers[lang]) in folded)
        for lang in ("nl", "en")
    }
    return "en" if score["en"] > score["nl"] else "nl"


def _is_missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def _as_object(s: pd.Series) -> pd.Series:
    return pd.Series(s.to_numpy(dtype=object, na_value=None), index=s.index, dtype="object")


# above this many distinct texts in a column, mapping them goes through vectorised string
# operations (a long upload's indicator column holds thousands of own codes); below it a
# plain loop is quicker; both give the same result
VECTOR_UNIQUES = 200


def _per_distinct(s: pd.Series, values_of) -> pd.Series:
    """Each cell's value, worked out once per distinct text: ``values_of(texts)`` gets the
    distinct non-blank texts (an object Series) and gives their values in order; blanks ->
    None. A long column holds few distinct texts, so this is where the work shrinks."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    texts = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    mapped[: len(uniques)] = values_of(texts) if len(texts) else []
    mapped[len(uniques)] = None  # code -1 (blank) picks the last slot
    return pd.Series(mapped[codes], index=s.index, dtype="object")


def _map_unique(s: pd.Series, fn) -> pd.Series:
    """Apply ``fn`` once per distinct non-blank text; blanks -> None."""
    return _per_distinct(s, lambda texts: [fn(v) for v in texts.tolist()])


def _map_folded(s: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Each text -> ``mapping[quick_fold(text)]``, or the text as typed when not in it;
    blanks -> None."""

    def values_of(texts: pd.Series) -> list:
        if len(texts) > VECTOR_UNIQUES:
            keys = fold_series(texts).tolist()
            return [mapping.get(k, v) for k, v in zip(keys, texts, strict=True)]
        return [mapping.get(quick_fold(v), v) for v in texts.tolist()]

    return _per_distinct(s, values_of)


def _lower_codes(s: pd.Series) -> pd.Series:
    """Codes stripped and lower-cased (``str.lower``: non-ASCII text goes through Python)."""

    def values_of(texts: pd.Series):
        if len(texts) <= VECTOR_UNIQUES:
            return [v.strip().lower() for v in texts.tolist()]
        arrow = texts.astype("str")
        lowered = arrow.str.strip().str.lower().astype(object)
        other = ~arrow.str.isascii().to_numpy(dtype=bool)
        if other.any():
            lowered[other] = [v.strip().lower() for v in texts[other]]
        return lowered.to_numpy(dtype=object)

    return _per_distinct(s, values_of)


_WHITESPACE_RUN = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"  # what str.split() splits on, in ASCII


def fold_series(s: pd.Series) -> pd.Series:
    """``quick_fold`` for a whole column of texts at once (blanks stay blank)."""
    present = s[s.notna()].astype(str).astype("str")
    if present.empty:
        return pd.Series([None] * len(s), index=s.index, dtype="object")
    folded = present.str.strip().str.rstrip("*").str.strip().str.lower()
    # whitespace runs become one space; the regex runs only on texts that hold a run (two
    # spaces, or a tab, newline or other control character), which few texts do
    texts = pa.array(folded.array)
    runs = pc.or_(pc.invert(pc.ascii_is_printable(texts)), pc.match_substring(texts, "  "))
    runs = runs.fill_null(False).to_numpy(zero_copy_only=False)
    folded = folded.astype(object)
    if runs.any():
        folded[runs] = folded[runs].astype("str").str.replace(_WHITESPACE_RUN, " ", regex=True)
    other = ~pc.string_is_ascii(pa.array(present.array)).to_numpy(zero_copy_only=False)
    if other.any():
        folded[other] = [fold(v) for v in present[other]]
    return folded.reindex(s.index)


def _normalise_column(
    s: pd.Series, col: Column, own: dict[str, str]
) -> tuple[pd.Series, pd.Series | None]:
    t = col.type
    if t in ("integer", "number", "year"):
        return _numbers(s)
    if t == "date":
        return _map_unique(s, lambda v: parse_date(v) or v), None
    if t == "choice" and col.choices:
        return _map_folded(s, choice_map(col.choices)), None
    if t == "indicator":
        # a catalogue code or name wins over an own indicator of the same folded text
        return _map_folded(s, {**own, **catalogue_indicator_map()}), None
    if t == "id":
        return _lower_codes(s), None
    return _as_object(s), None


# a number as calamine writes a number cell, and as most people type one: for a long column
# Arrow reads these (RE2 and a cast, no Python per cell); anything else takes pandas' parser
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
LONG_COLUMN = 2_000


def _plain_numbers(s: pd.Series) -> pd.Series:
    """``pd.to_numeric(s, errors="coerce")`` as float64, the same values, faster on a long
    column of Arrow strings (what the reader gives for a sheet of thousands of rows)."""
    if (
        len(s) >= LONG_COLUMN
        and isinstance(s.dtype, pd.StringDtype)
        and (s.dtype.storage == "pyarrow")
    ):
        texts = pa.array(s.array)
        try:  # every cell a plain number (Arrow reads a subset of what pandas reads, alike)
            numbers = pc.cast(texts, pa.float64())
        except pa.ArrowInvalid:
            pass  # some cell is not: sort them out below
        else:
            return pd.Series(numbers.to_numpy(zero_copy_only=False), index=s.index, dtype=float)
        plain = pc.match_substring_regex(texts, _PLAIN_NUMBER)
        numbers = pc.cast(pc.if_else(plain, texts, pa.scalar(None, texts.type)), pa.float64())
        fast = pd.Series(numbers.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")
        other = s.notna().to_numpy(dtype=bool) & ~plain.fill_null(False).to_numpy(
            zero_copy_only=False
        )
        if other.any():
            fast[other] = pd.to_numeric(s[other], errors="coerce").astype("float64")
        return fast
    return pd.to_numeric(s, errors="coerce").astype("float64")


def _numbers(s: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    """Numbers, vectorised: ``to_numeric`` for the usual case, the rules above for the rest."""
    if s.isna().all():
        return pd.Series(np.nan, index=s.index, dtype="float64"), None
    fast = _plain_numbers(s)
    fast[~np.isfinite(fast.to_numpy(dtype="float64", na_value=np.nan))] = np.nan
    rest = s.notna() & fast.isna()
    if not rest.any():
        return fast, None
    out = fast.astype(object).where(fast.notna(), None)
    pct = pd.Series(False, index=s.index)
    for idx, text in s[rest].items():
        is_bool = str(text).lower() in ("true", "false")
        number, is_pct = (None, False) if is_bool else parse_number(str(text))
        if number is None:
            out.at[idx] = text  # stays as typed: pandera reports not_a_number here
        else:
            out.at[idx] = number
            pct.at[idx] = is_pct
    return out, pct
