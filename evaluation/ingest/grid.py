"""A sheet as a grid of texts: read by calamine, cleaned, merged ranges filled.

Why ``fastexcel``: it reads xlsx and ods through calamine straight into Arrow, the fastest
reader measured (0.44 s for 100,000 x 12 cells against 1.3 s for pandas' calamine engine and
7 s for openpyxl). Every sheet is read once, every cell as text (``dtypes="string"``) and
without a header (``header_row=None, skip_rows=0``), so that row *i* of the grid is worksheet
row *i + 1* and this package, not the reader, decides what a cell means. Calamine gives the
cached value of a formula cell (a file saved by Excel or LibreOffice has one; a formula that
was never calculated reads as blank). When calamine gives up on a sheet (it panics on some
hostile cells) an xlsx sheet is read by openpyxl instead, into the same kind of table.

Before a grid is built, control characters are removed and texts over the limit are cut to
it and reported (``text_too_long``), so nothing after this sees them. Merged ranges are read
from the xlsx XML, or from ods ``content.xml``, and filled from their top-left cell (both for
sheets up to ``MERGE_SCAN_MAX_BYTES`` of XML: bigger ones are machine-made).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile

import pandas as pd

from evaluation.ingest.parts import ODS_TABLE, col_index, ods_cells, xlsx_sheet_parts
from evaluation.ingest.sheet import cell_ref, column_letter
from evaluation.problems import Problem

log = logging.getLogger(__name__)

# merged ranges sit at the end of a sheet's XML, so finding them means inflating all of it;
# above this size (some 30,000 rows) a sheet is machine-made and its merges are not expanded
MERGE_SCAN_MAX_BYTES = 8 * 1024 * 1024

# control characters (NUL among them) that a text cell may carry from a crafted file (raw, or
# written as _x0000_); PostgreSQL refuses NUL in text, and none of them belongs in a report.
# Tab, line feed and carriage return stay.
CONTROL_CHARS = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"
_CONTROL = re.compile(CONTROL_CHARS)

Merges = list[tuple[int, int, int, int]]  # 0-based r1, c1, r2, c2


def clean_text(value: object) -> object:
    """A cell's text without control characters (other values unchanged)."""
    if isinstance(value, str) and _CONTROL.search(value):
        return _CONTROL.sub("", value)
    return value


def load_grid(reader, name: str, merges=(), limits=None) -> pd.DataFrame:
    """Every cell of a sheet as text, indexed by 0-based worksheet row and column."""
    return load_checked_grid(reader, name, merges, limits)[0]


def load_checked_grid(
    reader, name: str, merges=(), limits=None
) -> tuple[pd.DataFrame, list[Problem]]:
    """``load_grid``, and a ``text_too_long`` problem at each cell over the text limit."""
    from evaluation.ingest.safety import DEFAULT_LIMITS

    limits = limits or DEFAULT_LIMITS
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
    columns = [info.absolute_index for info in sheet.selected_columns]
    return _grid(sheet.to_arrow(), name, columns, merges, limits)


def grid_from_openpyxl(data: bytes, name: str, merges, limits) -> tuple[pd.DataFrame, list]:
    """The slow, forgiving way to read one xlsx sheet, when calamine gives up on a cell
    (a date cell holding a number far outside the calendar makes it panic); openpyxl shows
    such a cell as ``#VALUE!``, which is then reported at its cell. None if that fails too."""
    import pyarrow as pa

    try:
        import warnings

        from openpyxl import load_workbook

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                rows = [
                    [_cell_text(v) for v in row] for row in wb[name].iter_rows(values_only=True)
                ]
            finally:
                wb.close()
    except Exception:
        log.info("openpyxl could not read sheet %r either", name, exc_info=True)
        return None, []
    width = max((len(r) for r in rows), default=0)
    cols = [[r[c] if c < len(r) else None for r in rows] for c in range(width)]
    kept = [c for c in range(width) if any(v is not None for v in cols[c])]  # as calamine
    if not kept:
        return pd.DataFrame(index=pd.RangeIndex(len(rows))), []
    table = pa.table({str(c): pa.array(cols[c], pa.string()) for c in kept})
    return _grid(table, name, kept, merges, limits)


def _grid(table, name: str, columns: list[int], merges, limits):
    if table.num_rows == 0:
        return pd.DataFrame(), []
    table, problems = _clean_table(table, name, columns, limits)
    grid = pd.DataFrame(
        {c: table.column(i).to_pylist() for i, c in enumerate(columns)}, dtype="object"
    )
    if merges:
        grid = fill_merges(grid, merges, limits.max_cells)
    return grid, problems


def _cell_text(v: object) -> str | None:
    """A cell value as calamine's text would show it (the form ``normalise`` reads)."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return f"{v.isoformat()} 00:00:00"
    return str(v)


def _too_long(sheet: str, cell: str, n: int, limits) -> Problem:
    return Problem(
        "text_too_long",
        sheet=sheet,
        cell=cell,
        params={"chars": f"{n:,}".replace(",", "."), "max_chars": f"{limits.max_text_chars:,}"
                .replace(",", ".")},
    )  # fmt: skip


def _clean_table(table, sheet: str, columns: list[int], limits):
    """Control characters removed from every text column, and cells over the text limit cut
    to it and reported (``text_too_long``), on the Arrow table before any grid is built."""
    import pyarrow as pa
    import pyarrow.compute as pc

    problems: list[Problem] = []
    cleaned = []
    for i, col in enumerate(table.columns):
        if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
            cleaned.append(col)
            continue
        lengths = pc.utf8_length(col)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > limits.max_text_chars:
            over = pc.indices_nonzero(pc.greater(lengths, limits.max_text_chars)).to_pylist()
            for row in over[:5]:
                n = lengths[row].as_py()
                cell = cell_ref(sheet, column_letter(columns[i]), row + 1)
                problems.append(_too_long(sheet, cell, n, limits))
            col = pc.utf8_slice_codeunits(col, 0, limits.max_text_chars)
        if pc.any(pc.match_substring_regex(col, CONTROL_CHARS)).as_py():
            col = pc.replace_substring_regex(col, CONTROL_CHARS, "")
        cleaned.append(col)
    return pa.Table.from_arrays(cleaned, names=table.column_names), problems


def fill_merges(grid: pd.DataFrame, merges, max_cells: int = 3_000_000) -> pd.DataFrame:
    """Copy each merged range's top-left value into the range's other cells.

    A range is cut at the grid's last row, and filling stops after ``max_cells`` cells in
    all (the safety checks refuse larger ranges; this keeps the copy bounded regardless)."""
    grid = grid.astype(object)
    last_row = int(grid.index.max()) if len(grid) else -1
    budget = max_cells
    for r1, c1, r2, c2 in merges:
        if r1 not in grid.index or c1 not in grid.columns:
            continue
        value = grid.at[r1, c1]
        if pd.isna(value):
            continue
        r2 = min(r2, last_row)
        budget -= (r2 - r1 + 1) * (c2 - c1 + 1)
        if budget < 0:
            log.info("merged ranges past %d cells are not filled", max_cells)
            break
        for c in range(c1, c2 + 1):
            if c not in grid.columns:
                grid[c] = pd.Series([None] * len(grid), index=grid.index, dtype="object")
            rows = [r for r in range(r1, r2 + 1) if r in grid.index]
            grid.loc[rows, c] = value
    return grid[sorted(grid.columns)]


def merged_ranges(data: bytes, kind: str, names: list[str]) -> dict[str, Merges]:
    """Merged ranges of the named sheets, by sheet name; empty on any doubt."""
    try:
        return _xlsx_merges(data, names) if kind == "xlsx" else _ods_merges(data, names)
    except Exception:
        log.info("could not read merged cells", exc_info=True)
        return {}


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Za-z]+)(\d+)(?::([A-Za-z]+)(\d+))?\"")


def _xlsx_merges(data: bytes, names: list[str]) -> dict[str, Merges]:
    out: dict[str, Merges] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name, info in xlsx_sheet_parts(zf, names):
            if info.file_size > MERGE_SCAN_MAX_BYTES:
                continue  # a machine-sized sheet: its merges are not expanded
            xml = zf.read(info)
            if b"mergeCell" not in xml:
                continue
            ranges = []
            for m in _MERGE.finditer(xml):
                r1, c1 = int(m[2]) - 1, col_index(m[1])
                r2 = int(m[4]) - 1 if m[4] else r1
                c2 = col_index(m[3]) if m[3] else c1
                ranges.append((r1, c1, r2, c2))
            out[name] = ranges
    return out


def _ods_merges(data: bytes, names: list[str]) -> dict[str, Merges]:
    """An ods cell says how far it spans (``table:number-rows-spanned`` and
    ``-columns-spanned``)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("content.xml")
        if info.file_size > MERGE_SCAN_MAX_BYTES:
            return {}
        content = zf.read(info)
    if b"number-rows-spanned" not in content and b"number-columns-spanned" not in content:
        return {}
    out: dict[str, Merges] = {}
    for table, row, col, _repeat, el in ods_cells(content, names):
        rows = int(el.get(f"{ODS_TABLE}number-rows-spanned", "1"))
        cols = int(el.get(f"{ODS_TABLE}number-columns-spanned", "1"))
        if rows > 1 or cols > 1:
            out.setdefault(table, []).append((row, col, row + rows - 1, col + cols - 1))
    return out


# the background read pays off once a workbook is this big (a few thousand rows)
BACKGROUND_FROM_BYTES = 1024 * 1024
# the sheet that grows: a long upload is long in its indicator rows
BACKGROUND_SHEET = "indicators"


class SheetLoader:
    """Reads the section sheets of one workbook, each once, as text grids.

    In a big workbook the Indicators sheet is read on a second thread from the start, by its
    own reader, while the main thread reads, normalises and checks the other sheets; much of
    calamine's parse overlaps with that Python work (``benchmarks/ingest.py`` times the
    ingest with and without the thread). A small workbook is read in one thread.
    """

    def __init__(
        self, data: bytes, kind: str, reader, found: dict[str, str], merges, file_name, limits
    ):
        self._data, self._kind, self._reader = data, kind, reader
        self._found, self._merges, self._file_name = found, merges, file_name
        self._limits = limits
        self._pool = None
        self._pending = None
        if len(data) >= BACKGROUND_FROM_BYTES and BACKGROUND_SHEET in found:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="read-sheet")
            self._pending = self._pool.submit(self._load, None, BACKGROUND_SHEET)

    def __enter__(self) -> SheetLoader:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def grid(self, code: str) -> tuple[pd.DataFrame, list[Problem]]:
        """The sheet's grid, and the problem when it could not be read (then an empty grid)."""
        if code == BACKGROUND_SHEET and self._pending is not None:
            return self._pending.result()
        return self._load(self._reader, code)

    def _load(self, reader, code: str) -> tuple[pd.DataFrame, list[Problem]]:
        name = self._found[code]
        merges = self._merges.get(name, ())
        try:
            if reader is None:
                import fastexcel

                reader = fastexcel.read_excel(self._data)
            return load_checked_grid(reader, name, merges, self._limits)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # calamine panics (a BaseException) on some hostile cells
            log.info("calamine could not read sheet %r of %r", name, self._file_name,
                     exc_info=True)  # fmt: skip
        grid: pd.DataFrame | None = None
        too_long: list[Problem] = []
        if self._kind == "xlsx":
            grid, too_long = grid_from_openpyxl(self._data, name, merges, self._limits)
        if grid is None:
            problem = Problem("unreadable_sheet", sheet=name, params={"sheet_name": name})
            return pd.DataFrame(), [problem]
        return grid, too_long
