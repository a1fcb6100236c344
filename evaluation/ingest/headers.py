"""Finding a sheet's header row and mapping its headers to column codes.

The header is row 1 in the template; it is looked for in the first ``HEADER_SEARCH_ROWS``
rows (someone may have put a title above it), as the row with most known headers. Headers
match in Dutch or English, any case, accents, spacing and a trailing ``*`` (``fold``).

Problems: an unknown header is the warning ``unknown_column``; a required column that is not
there is ``missing_column``. A missing column still has a place: a problem about its cells
points where it belongs (after the column before it in the template). A header repeated over
that place (two header cells merged) is the error ``header_repeated``, naming the missing
header; a repeat elsewhere with data below is the warning ``duplicate_column``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from evaluation.catalogue import Section, fold, load_catalogue
from evaluation.ingest.sheet import cell_ref, column_letter
from evaluation.problems import Problem

HEADER_SEARCH_ROWS = 10  # the header is row 1 in the template; look a little further down


@dataclass
class Headers:
    """Where a sheet's columns are."""

    index: int | None  # the 0-based header row, None when no header was found
    col_of: dict[str, int]  # column code -> 0-based column
    headers: dict[str, str]  # column code -> header as in the workbook (or the template's)
    missing: list[str]  # column codes not found
    expected: dict[str, str]  # missing column code -> the letter where it belongs

    @property
    def row(self) -> int:
        """The 1-based header row (1 when none was found)."""
        return (self.index if self.index is not None else 0) + 1


@cache
def header_map(section_code: str) -> dict[str, str]:
    """Folded Dutch or English header -> column code, for one section."""
    out: dict[str, str] = {}
    for col in load_catalogue().section(section_code).columns:
        for text in col.headers.values():
            out.setdefault(fold(text), col.code)
        out.setdefault(fold(col.code), col.code)
    return out


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


def match_headers(grid: pd.DataFrame, section: Section, name: str) -> tuple[Headers, list[Problem]]:
    """The sheet's columns by code, and the problems with its headers."""
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
    return Headers(header_idx, col_of, headers, missing, expected), problems


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


def _lang_of(header_cells: dict[int, str]) -> str:
    """The language the headers are written in (Dutch unless they match English better)."""
    cat = load_catalogue()
    folded = {fold(v) for v in header_cells.values()}
    score = {
        lang: sum(1 for s in cat.sections for c in s.columns if fold(c.headers[lang]) in folded)
        for lang in ("nl", "en")
    }
    return "en" if score["en"] > score["nl"] else "nl"
