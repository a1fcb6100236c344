"""How far an xlsx sheet's cells reach, found from its XML before any reader allocates a grid.

Part of the safety checks (``safety``): a sheet whose cells, or merged ranges, reach past
the limits is refused at the cell that goes furthest (``cell_too_far``, ``merge_too_large``,
``too_many_cells``). The XML is read in bounded chunks (``stream``, ``windows``), never more
than the uncompressed-size limit.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluation.problems import Problem

if TYPE_CHECKING:
    from evaluation.ingest.safety import Limits

CHUNK_BYTES = 1024 * 1024  # streaming scans decompress this much at a time


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> Iterator[bytes]:
    """A member's decompressed bytes in chunks, never more than the uncompressed limit."""
    budget = limits.max_uncompressed_bytes
    with zf.open(info) as fh:
        while budget > 0:
            chunk = fh.read(min(CHUNK_BYTES, budget))
            if not chunk:
                return
            budget -= len(chunk)
            yield chunk


def _col_letters(n: int) -> str:
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class _Extent:
    """How far a sheet's cells reach (1-based), and which cell reaches furthest."""

    rows: int = 0
    cols: int = 0
    cells: int = 0  # how many cells it holds
    far: str = ""  # the reference of the cell that decided rows or columns

    def add(self, row: int, col: int) -> None:
        if row > self.rows or col > self.cols:
            self.far = f"{_col_letters(col)}{row}"
        self.rows, self.cols = max(self.rows, row), max(self.cols, col)


# a reference past what a worksheet can hold is counted as the first cell beyond the limits
_HUGE = 10**9
_REF_AT = re.compile(rb"\$?([A-Za-z]{0,8})\$?(\d{0,12})")


def _ref(raw: bytes) -> tuple[int, int]:
    """(row, column) of a cell reference such as ``AB12`` (``_HUGE`` for absurd ones)."""
    m = _REF_AT.match(raw)
    letters, digits = (m.group(1), m.group(2)) if m else (b"", b"")
    col = _column_number(letters.decode("ascii")) if 0 < len(letters) <= 3 else _HUGE
    row = int(digits) if 0 < len(digits) <= 7 else _HUGE
    return row, col


def windows(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> Iterator[bytes]:
    """A member's XML in pieces that each end just before a ``<``, so no tag is cut in two
    (a piece of over 64 KB without one is cut anyway: no tag we look for is that long)."""
    carry = b""
    for chunk in stream(zf, info, limits):
        window = carry + chunk
        cut = window.rfind(b"<")
        if cut < 0 or len(window) - cut > 64 * 1024:
            cut = len(window)  # no tag starts here (or an absurdly long one): all of it
        elif cut == 0:
            carry = window  # one tag, not yet complete
            continue
        yield window[:cut]
        carry = window[cut:]
    if carry:
        yield carry


# every cell written the common way: ``<c r="`` with the reference first
_CELL_R = b'<c r="'
_CELL_OPEN = tuple(b"<c" + sep for sep in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
_PREFIXED_CELL = tuple(b":c" + sep for sep in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
# a reference written the common way: upper-case letters and a row number, nothing else
_COMMON_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c|mergeCell)(?=[\s/>])([^>]*)>")
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']{0,64})["']""")
_MERGE_REF = re.compile(rb"""<(?:[\w.-]+:)?mergeCell\s[^>]*?ref\s*=\s*["']([^"']{0,64})["']""")


def sheet_extent(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, limits: Limits
) -> Problem | None:
    """Refuse a sheet whose cells (not its ``<dimension>``, which may lie either way) reach
    past the limits, before a reader allocates its grid.

    One streaming pass over the sheet's XML. Cells written the common way (``<c r="A1"``,
    which every spreadsheet program writes) are found by one regular expression per piece of
    XML, and only the distinct column letters and row numbers are turned into numbers; so a
    200,000-row report costs little more than inflating its XML. When a cell is written any
    other way (no reference, another attribute first, a namespace prefix, a reference out of
    any sheet's range), the sheet is read exactly, tag by tag. A sheet that goes too far is
    read once more to name the real cell that goes furthest.
    """
    quick = _Extent()
    uncommon = False  # a cell written some other way: the quick extent does not hold
    merges: list[bytes] = []
    for window in windows(zf, info, limits):
        common = window.count(_CELL_R)
        opened = window.count(b"<c")  # cells, and <col>, <cfRule> and the like
        if opened != common:
            opened = sum(window.count(needle) for needle in _CELL_OPEN)
        quick.cells += opened
        if opened != common or (
            b":c" in window and any(needle in window for needle in _PREFIXED_CELL)
        ):
            uncommon = True
        if common and not uncommon:
            refs = _COMMON_REF.findall(window)
            if len(refs) != common:
                uncommon = True  # a reference that is not letters and a row number
            else:
                col = max(_column_number(c.decode("ascii")) for c in {c for c, _ in refs})
                quick.add(max(int(d) for d in {d for _, d in refs}), col)
        if b"mergeCell" in window:
            merges += [m.group(1) for m in _MERGE_REF.finditer(window)]
        if quick.cells > limits.max_cells:
            return too_many_cells(sheet, quick.cells, limits)
    extent = _exact_extent(zf, info, limits) if uncommon else quick
    if _beyond(extent.rows, extent.cols, limits):
        if not uncommon:  # name a real cell that goes furthest (quick.far may combine two)
            extent.far = _furthest(zf, info, limits, extent)
        return _cell_too_far(sheet, extent, limits)
    for ref in merges:
        problem = _merge_too_large(sheet, ref.decode("ascii", "replace"), extent, limits)
        if problem:
            return problem
    return None


def _furthest(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, extent: _Extent) -> str:
    """The reference of a cell of a sheet written the common way that reaches furthest: the
    furthest column when the columns go too far, else the furthest row (only for a refusal:
    it looks at every cell)."""
    by_column = extent.cols > limits.max_columns

    def reach(ref: tuple[bytes, bytes]) -> tuple[int, int]:
        row, col = int(ref[1]), _column_number(ref[0].decode("ascii"))
        return (col, row) if by_column else (row, col)

    best: tuple[int, int] = (0, 0)
    for window in windows(zf, info, limits):
        refs = _COMMON_REF.findall(window)
        if refs:
            best = max(best, max(map(reach, refs)))
    col, row = best if by_column else best[::-1]
    return f"{_col_letters(col)}{row}"


def _beyond(rows: int, cols: int, limits: Limits) -> bool:
    return rows > limits.max_rows or cols > limits.max_columns or rows * cols > limits.max_cells


def _exact_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> _Extent:
    """Every row and cell tag read in turn, the way a reader places cells: a cell without a
    reference sits right of the previous one, a row without a number below the previous."""
    extent = _Extent()
    row = col = 0
    for window in windows(zf, info, limits):
        for m in _TAG.finditer(window):
            tag, attrs = m.group(1), m.group(2)
            if tag == b"mergeCell":
                continue
            r = _ATTR_R.search(attrs)
            if tag == b"row":
                row = int(r.group(1)) if r and r.group(1).isdigit() else row + 1
                col = 0
                continue
            if r:
                ref_row, col = _ref(r.group(1))
                row_of_cell = ref_row if ref_row else row
            else:
                col, row_of_cell = col + 1, max(row, 1)
            extent.cells += 1
            extent.add(row_of_cell, col)
            if _beyond(extent.rows, extent.cols, limits) or extent.cells > limits.max_cells:
                return extent
    return extent


def fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _cell_too_far(sheet: str, extent: _Extent, limits: Limits) -> Problem:
    far = extent.far if extent.rows < _HUGE and extent.cols < _HUGE else "?"
    return Problem(
        code="cell_too_far",
        severity="error",
        sheet=sheet,
        cell=f"{sheet}!{far}",
        params={
            "sheet": sheet,
            "ref": far,
            "rows": fmt(min(extent.rows, _HUGE)),
            "columns": fmt(min(extent.cols, _HUGE)),
            "max_rows": fmt(limits.max_rows),
            "max_columns": fmt(limits.max_columns),
            "max_cells": fmt(limits.max_cells),
        },
    )


def too_many_cells(sheet: str, cells: int, limits: Limits) -> Problem:
    return Problem(
        code="too_many_cells",
        severity="error",
        sheet=sheet,
        params={"sheet": sheet, "cells": fmt(cells), "max_cells": fmt(limits.max_cells)},
    )


def _merge_too_large(sheet: str, ref: str, extent: _Extent, limits: Limits) -> Problem | None:
    """A merged range may span only what the sheet may hold (a reader fills it cell by cell)."""
    first, _, last = ref.partition(":")
    r1, c1 = _ref(first.encode())
    r2, c2 = _ref((last or first).encode())
    rows, cols = max(r1, r2), max(c1, c2)
    area = (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)
    if not _beyond(rows, cols, limits) and area <= limits.max_cells:
        return None
    return Problem(
        code="merge_too_large",
        severity="error",
        sheet=sheet,
        cell=f"{sheet}!{first}",
        params={
            "sheet": sheet,
            "range": ref,
            "max_rows": fmt(limits.max_rows),
            "max_columns": fmt(limits.max_columns),
        },
    )
