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
# a cell outside A1:X99999, for each rightmost letter X so far (none yet: any cell)
_BEYOND_TOP = [re.compile(rb'<c r="')] + [
    re.compile(rb'<c r="(?![A-' + bytes([64 + i]) + rb']\d{1,5}")') for i in range(1, 27)
]
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c|mergeCell)(?=[\s/>])([^>]*)>")
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']{0,64})["']""")
_MERGE_REF = re.compile(rb"""<(?:[\w.-]+:)?mergeCell\s[^>]*?ref\s*=\s*["']([^"']{0,64})["']""")


def sheet_extent(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, limits: Limits
) -> Problem | None:
    """Refuse a sheet whose cells (not its ``<dimension>``, which may lie either way) reach
    past the limits, before a reader allocates its grid.

    One streaming pass over the sheet's XML. Cells written the common way (``<c r="A1"``,
    which every spreadsheet program writes) are counted with ``bytes.count``, and only
    references outside A1:Z99999 are read one by one; so a 100,000-row report costs little
    more than inflating its XML. When a cell is written any other way (no reference, another
    attribute first, a namespace prefix), or the quick bound is not tight enough, the sheet
    is read exactly, tag by tag.
    """
    quick = _Extent()
    uncommon = False  # a cell written some other way: the quick count does not hold
    merges: list[bytes] = []
    top = 0
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
        if common:
            quick.rows = max(quick.rows, 1)
        # one pass: cells outside A1:<top>99999 (top, the rightmost single letter so far)
        at = 0
        while True:
            m = _BEYOND_TOP[top].search(window, at)
            if m is None:
                break
            at = m.end()
            row, col = _ref(window[at : at + 40])
            if col <= 26 and row <= 99_999:
                top = col  # a common cell further right: look past it from here on
            else:
                quick.add(row, col)
        if b"mergeCell" in window:
            merges += [m.group(1) for m in _MERGE_REF.finditer(window)]
        if quick.cells > limits.max_cells:
            return _too_many_cells(sheet, quick.cells, limits)
    if uncommon:
        extent = _exact_extent(zf, info, limits)
    else:
        # cells inside A1:Z99999 were not looked at one by one: bound them by row 99,999
        # and the rightmost letter seen
        extent = _Extent(quick.rows, max(quick.cols, top), quick.cells, quick.far)
        bound = (max(quick.rows, 99_999 if quick.cells else 0), extent.cols)
        if _beyond(bound[0], bound[1], limits) and not _beyond(quick.rows, quick.cols, limits):
            extent = _exact_extent(zf, info, limits)  # a long or wide sheet: look closer
    if _beyond(extent.rows, extent.cols, limits):
        return _cell_too_far(sheet, extent, limits)
    for ref in merges:
        problem = _merge_too_large(sheet, ref.decode("ascii", "replace"), extent, limits)
        if problem:
            return problem
    return None


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


def _too_many_cells(sheet: str, cells: int, limits: Limits) -> Problem:
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
