"""Normalising one sheet of an uploaded workbook: from typed cells to canonical values.

The reader hands over a *grid*: every cell of a sheet as the text calamine gives for it
(numbers as ``1234.5``, date cells as ``2025-02-03 00:00:00``, booleans as ``true``), indexed
by 0-based worksheet row and column. This module finds the header row, maps headers (Dutch or
English, any case, accents, spacing, a trailing ``*``) to column codes, drops blank rows and
the template's example row, and turns each column into canonical values (``values``), one
column at a time, each distinct text once. Headers are found by ``headers``.

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

import numpy as np
import pandas as pd

from evaluation.catalogue import Catalogue, Column, Section, fold, load_catalogue
from evaluation.ingest.headers import match_headers
from evaluation.ingest.sheet import SheetData, cell_ref, column_letter
from evaluation.ingest.values import (
    ambiguous_thousands,
    map_each,
    normalise_column,
    parse_date,
    per_distinct,
)
from evaluation.layout import example_marks, is_example_row
from evaluation.problems import Problem


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
    found, problems = match_headers(grid, section, name)
    col_of, headers, header_idx, header_row = found.col_of, found.headers, found.index, found.row
    start = header_idx + 1 if header_idx is not None else len(grid)
    body = _rows_from(grid, start)[[col_of[c] for c in col_of]] if col_of else None
    error_cells: dict[tuple[int, str], str] = {}
    if body is None or body.empty:
        rows_index = pd.Index([], dtype="int64")
        typed = pd.DataFrame({c: pd.Series(dtype="object") for c in section.column_codes})
    else:
        body = body.set_axis(list(col_of), axis=1)
        body = body.apply(lambda s: per_distinct(s, _stripped))
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
        values, pct = normalise_column(typed[col.code], col, own_indicators or {})
        if col.type == "number":
            ambiguous = ambiguous_thousands(typed[col.code])
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
        missing=found.missing,
        percent=percent,
        expected=found.expected,
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


def _place_errors(
    body: pd.DataFrame, col_of: dict[str, int], errors: dict[tuple[int, int], str] | None
) -> dict[tuple[int, str], str]:
    """The formula errors that fall in the body: (0-based row, column code) -> error text."""
    if not errors:
        return {}
    code_of = {c: code for code, c in col_of.items()}
    rows = set(body.index)
    return {(r, code_of[c]): text for (r, c), text in errors.items() if c in code_of and r in rows}


def _example_rows(body: pd.DataFrame, section: Section) -> np.ndarray:
    """Which rows of a sheet's body are the template's example row: one whose first cell
    (the template's first column) starts with the example marker ("Voorbeeld:", "Example:"),
    wherever the row is; the first filled row also when any cell has the marker or every
    filled cell equals the example (the marker typed away); when neither is found,
    the first other row that is the whole example row, every cell as the template wrote it
    (the marker typed away, then sorted). A row just like the example beside the marked one
    is data: the template has one example row."""
    n = len(body)
    found = np.zeros(n, dtype=bool)
    if not n:
        return found
    # the marker is in the first cell of the example row, and sorting moves whole rows:
    # look in that column on every row (the first row's other cells are looked at below)
    first = next((c.code for c in section.columns if c.code in body.columns), None)
    if first is not None:
        found |= per_distinct(body[first], example_marks).fillna(False).to_numpy(dtype=bool)
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
        part = body[col.code][candidates]
        if examples:
            filled_cols += 1
            ok = map_each(part, lambda v, ex=examples: fold(v) in ex)
            ok = ok.fillna(False).to_numpy(dtype=bool)
        else:
            ok = part.isna().to_numpy(dtype=bool)
        where = np.flatnonzero(candidates)
        candidates[where[~ok]] = False
        if not candidates.any():
            return found
    if filled_cols >= 2:
        found[np.flatnonzero(candidates)[0]] = True  # the first such row only
    return found


def _stripped(texts: list[object]) -> list[object]:
    return [v.strip() if isinstance(v, str) else v for v in texts]


def _rows_from(grid: pd.DataFrame, start: int) -> pd.DataFrame:
    """The grid's rows from worksheet row index ``start`` on (a slice: no copy of a long sheet)."""
    if grid.index.is_monotonic_increasing:
        return grid.iloc[int(grid.index.searchsorted(start)) :]
    return grid.loc[grid.index >= start]
