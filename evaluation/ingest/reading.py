"""Reading an uploaded workbook: safety first, then calamine, then normalise and validate.

``read_workbook`` is the one entry point (the CLI, the upload page and the store call it). It
never raises: a file that is not a workbook comes back with ``report=None`` and the reason;
anything unexpected becomes the problem ``internal_error`` and is logged.

Why ``fastexcel``: it reads xlsx and ods through calamine straight into Arrow, the fastest
reader measured (0.44 s for 100,000 x 12 cells against 1.3 s for pandas' calamine engine and
7 s for openpyxl). Every sheet is read once, every cell as text (``dtypes="string"``) and
without a header (``header_row=None, skip_rows=0``), so that row *i* of the grid is worksheet
row *i + 1* and this package, not the reader, decides what a cell means. Calamine gives the
cached value of a formula cell (a file saved by Excel or LibreOffice has one; a formula that
was never calculated reads as blank). Merged ranges are read from the xlsx XML and filled
from their top-left cell; for ods from ``content.xml`` (both for files up to
``MERGE_SCAN_MAX_BYTES`` of XML per sheet or content: bigger ones are machine-made).

A big upload (over ``BACKGROUND_FROM_BYTES``) has its Indicators sheet, the one that grows
to 100,000 rows, read on a second thread while the other sheets are read, normalised and
checked, and the personal-data scans run on that thread too (``SheetLoader``): on two cores
the wait is then that read plus the checks of that sheet. It is the same work with the same
results; ``tests/test_ingest_paths.py`` reads with and without the thread.

Which sheets must be there: Profile, Activities and Indicators (``missing_sheet``, an error);
a missing Stories, Network or Reflection sheet is a warning (read as empty); a missing
Own indicators sheet is not reported (it is optional). Other sheets (the reading guide, the
data dictionary, the hidden lists) are ignored.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

import pandas as pd

from evaluation.catalogue import fold, load_catalogue
from evaluation.model import SECTION_CODES, Report
from evaluation.problems import Problem, has_errors

log = logging.getLogger(__name__)

SMALL_SHEET_ROWS = 2_000
# merged ranges sit at the end of a sheet's XML, so finding them means inflating all of it;
# above this size (some 30,000 rows) a sheet is machine-made and its merges are not expanded
MERGE_SCAN_MAX_BYTES = 8 * 1024 * 1024
REQUIRED_SHEETS = ("profile", "activities", "indicators")
OPTIONAL_REPORTED = ("stories", "network", "reflection")
# own indicators come first: the Indicators sheet accepts their codes
READ_ORDER = ("profile", "own_indicators", "activities", "indicators", "stories", "network",
              "reflection")  # fmt: skip


@dataclass
class IngestResult:
    """What reading one workbook gave: the report (when readable), every problem, the language."""

    report: Report | None
    problems: list[Problem] = field(default_factory=list)
    lang: Literal["nl", "en"] | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None and not has_errors(self.problems)

    @property
    def unreadable(self) -> bool:
        return self.report is None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def read_workbook(
    source: str | os.PathLike | bytes,
    file_name: str | None = None,
    *,
    limits=None,
    isolate: bool | None = None,
    declared=None,
) -> IngestResult:
    """Read, normalise and validate one uploaded workbook. Never raises.

    The safety checks run here; the reading itself runs in a child process with a memory and
    a time limit (``isolation.run_isolated``) unless ``isolate`` is False (or isolation is
    switched off or unavailable, see ``isolation.enabled``).

    ``declared`` may give the own indicator declarations the store already holds, per
    initiative (a mapping of initiative id to declarations, or a function of the id): the
    workbook may then leave them out (``validate.add_declared``). A mapping is what a child
    process should get: it needs no database connection there.
    """
    try:
        return _read(source, file_name, limits, isolate, declared)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # the last safety net (a Rust panic is a BaseException): a calm
        # message for the user, the traceback in the log only
        log.exception("reading workbook %r failed unexpectedly", file_name)
        return IngestResult(None, [Problem("internal_error", "error")], None)


def read_workbook_isolated(source, file_name=None, *, limits=None) -> IngestResult:
    """``read_workbook`` with the reader always in a child process (where one can be made)."""
    return read_workbook(source, file_name, limits=limits, isolate=True)


def _lookup(declared):
    """``declared`` as a function of the initiative id (a mapping's ``get``, [] when absent)."""
    if declared is None or callable(declared):
        return declared
    return lambda initiative_id: declared.get(initiative_id, [])


def _read(source, file_name, limits, isolate, declared=None) -> IngestResult:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        file_name = file_name or path.name
        try:
            data = path.read_bytes()
        except OSError:
            return IngestResult(None, [Problem("file_not_found", params={"file": str(path)})])

    kind, problems = _check_file(data, file_name, limits)
    if kind is None or has_errors(problems):
        return IngestResult(None, problems or [Problem("not_a_spreadsheet")], None)
    from evaluation.ingest import isolation
    from evaluation.ingest.safety import DEFAULT_LIMITS

    limits = limits or DEFAULT_LIMITS
    if isolate is None:
        isolate = isolation.enabled()
    declared = _lookup(declared)
    if not isolate:
        return _read_checked(data, file_name, kind, problems, limits, declared)
    isolation.warm()
    outcome = isolation.run_isolated(
        _read_checked, data, file_name, kind, problems, limits, declared
    )
    if isinstance(outcome, IngestResult):
        return outcome
    return IngestResult(None, problems + [outcome], None)  # the reader failed: why


def _read_checked(
    data: bytes, file_name, kind: str, problems: list[Problem], limits, declared=None
):
    """Everything after the safety checks: read, normalise, validate; problems capped."""
    result = _read_sheets(data, file_name, kind, list(problems), limits, declared)
    result.problems = cap_problems(result.problems, limits.max_problems)
    return result


def cap_problems(problems: list[Problem], limit: int) -> list[Problem]:
    """At most ``limit`` problems, in their order, and one more that counts the rest (an
    error when an error is among them). A file with a million broken rows gets a readable
    list and a small stored record."""
    if len(problems) <= limit:
        return problems
    kept, rest = problems[:limit], problems[limit:]
    severity = "error" if any(p.severity == "error" for p in rest) else "warning"
    more = Problem("more_problems", severity, params={"n": f"{len(rest):,}".replace(",", ".")})
    return [*kept, more]


def _read_sheets(data: bytes, file_name, kind: str, problems: list[Problem], limits, declared=None):
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        names = list(reader.sheet_names)
    except Exception:
        log.info("calamine could not open %r", file_name, exc_info=True)
        return IngestResult(None, problems + [Problem("unreadable_workbook")], None)

    cat = load_catalogue()
    found, lang = match_sheets(names)
    shown_lang = lang or "nl"
    if not found:  # someone else's spreadsheet: one clear problem, not one per sheet
        if not _any_content(reader, names, found):
            return IngestResult(_empty_report(), problems + [Problem("empty_workbook")], lang)
        sheet_names = ", ".join(s.name(shown_lang) for s in cat.sections)
        problems.append(Problem("not_a_template", params={"sheet_names": sheet_names}))
        return IngestResult(_empty_report(), problems, lang)

    merge_reader = _xlsx_merges if kind == "xlsx" else _ods_merges
    merges = merge_reader(data, [found[c] for c in found])
    from evaluation.ingest.cells import ErrorScan

    errors = ErrorScan(data, kind, [found[c] for c in found])

    from evaluation.ingest.normalise import normalise_sheet
    from evaluation.ingest.validate import (
        add_declared,
        default_phases_of,
        own_indicator_lookup,
        prune_declared,
        sheet_privacy,
        units_of,
        validate_across,
        validate_sheet,
    )

    # Each sheet is normalised and checked as soon as it is read; a long upload's Indicators
    # sheet is read on a second thread meanwhile (see SheetLoader). The sheets' problems are
    # held back until it is clear the workbook is not empty.
    sheets = {}
    normalised: list[Problem] = []  # header and percentage problems
    checked: list[Problem] = []  # each sheet's schema, own rows and personal data
    own: dict[str, str] = {}
    units, phases = units_of({}), default_phases_of({})
    any_cells = False
    scans = []
    across: list[Problem] = []
    with SheetLoader(data, kind, reader, found, merges, file_name, limits) as loader:
        for code in READ_ORDER:
            # the profile and own declarations are read: add the stored ones left out
            if declared is not None and code == "activities" and add_declared(sheets, declared):
                own = own_indicator_lookup(sheets["own_indicators"])
                units, phases = units_of(sheets), default_phases_of(sheets)
            if code not in found:
                continue
            grid, load_problems = loader.grid(code)
            problems.extend(load_problems)
            any_cells = any_cells or len(grid) > 0
            data_sheet, sheet_problems = normalise_sheet(
                grid, cat.section(code), found[code], own, errors.get(found[code])
            )
            sheets[code] = data_sheet
            normalised.extend(sheet_problems)
            if code == "own_indicators":
                own = own_indicator_lookup(data_sheet)
                # READ_ORDER: made before the Indicators sheet needs them
                units, phases = units_of(sheets), default_phases_of(sheets)
            if loader.threaded:
                # in a big workbook the personal-data scans run beside the other checks
                scans.append(loader.submit(sheet_privacy, data_sheet, units))
                checked.extend(validate_sheet(data_sheet, units, privacy=False))
            else:
                checked.extend(validate_sheet(data_sheet, units))
        if declared is not None:
            prune_declared(sheets)  # only the stored declarations the upload uses
        if any(len(s.frame) for s in sheets.values()):
            across = validate_across(sheets, units, phases)
        for scan in scans:
            checked.extend(scan.result())

    if not any_cells and not _any_content(reader, names, found):
        problems.append(Problem("empty_workbook"))
        return IngestResult(_empty_report(), problems, lang)

    for code in REQUIRED_SHEETS + OPTIONAL_REPORTED:
        if code not in found:
            problems.append(
                Problem(
                    "missing_sheet",
                    "error" if code in REQUIRED_SHEETS else "warning",
                    params={"sheet_name": cat.section(code).name(shown_lang)},
                )
            )

    if not any(len(s.frame) for s in sheets.values()):
        problems.extend(normalised)
        problems.append(Problem("empty_workbook"))
        return IngestResult(_report_from(sheets), problems, lang)

    from evaluation.ingest.plausible import implausible_counts

    problems.extend(normalised + checked + across + implausible_counts(sheets))
    return IngestResult(_report_from(sheets), _ordered(problems, sheets), lang)


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

    @property
    def threaded(self) -> bool:
        """Whether a second thread is at hand (a big workbook)."""
        return self._pool is not None

    def submit(self, fn, *args):
        """Run ``fn(*args)`` on the second thread (after the read); a Future."""
        return self._pool.submit(fn, *args)

    def grid(self, code: str) -> tuple[pd.DataFrame, list[Problem]]:
        """The sheet's grid, and the problem when it could not be read (then an empty grid)."""
        if code == BACKGROUND_SHEET and self._pending is not None:
            return self._pending.result()
        return self._load(self._reader, code)

    def _load(self, reader, code: str) -> tuple[pd.DataFrame, list[Problem]]:
        name = self._found[code]
        try:
            if reader is None:
                import fastexcel

                reader = fastexcel.read_excel(self._data)
            return load_checked_grid(reader, name, self._merges.get(name, ()), self._limits)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # calamine panics (a BaseException) on some hostile cells
            log.info("calamine could not read sheet %r of %r", name, self._file_name,
                     exc_info=True)  # fmt: skip
            grid = _grid_from_openpyxl(self._data, name) if self._kind == "xlsx" else None
            if grid is None:
                problem = Problem("unreadable_sheet", sheet=name, params={"sheet_name": name})
                return pd.DataFrame(), [problem]
            grid, too_long = _clean_grid(grid, name, self._limits)
            if name in self._merges:
                grid = fill_merges(grid, self._merges[name], self._limits.max_cells)
            return grid, too_long


def _check_file(data: bytes, file_name: str | None, limits) -> tuple[str | None, list[Problem]]:
    """The safety checks (``evaluation.ingest.safety``) before any parser sees the bytes."""
    from evaluation.ingest import safety

    if limits is None:
        return safety.check_file(data, file_name)
    return safety.check_file(data, file_name, limits)


def match_sheets(names: list[str]) -> tuple[dict[str, str], Literal["nl", "en"] | None]:
    """Section code -> sheet name as in the workbook, and the template language they show."""
    cat = load_catalogue()
    by_fold: dict[str, tuple[str, str]] = {}
    for section in cat.sections:
        for lang in ("nl", "en"):
            by_fold.setdefault(fold(section.name(lang)), (section.code, lang))
    found: dict[str, str] = {}
    votes = {"nl": 0, "en": 0}
    for name in names:
        hit = by_fold.get(fold(name))
        if hit and hit[0] not in found:
            found[hit[0]] = name
            votes[hit[1]] += 1
    lang: Literal["nl", "en"] | None = None
    if votes["nl"] or votes["en"]:
        lang = "en" if votes["en"] > votes["nl"] else "nl"
    return found, lang


# control characters (NUL among them) that a text cell may carry from a crafted file (raw, or
# written as _x0000_); PostgreSQL refuses NUL in text, and none of them belongs in a report.
# Tab, line feed and carriage return stay.
CONTROL_CHARS = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"
_CONTROL = re.compile(CONTROL_CHARS)


def clean_text(value: object) -> object:
    """A cell's text without control characters (other values unchanged)."""
    if isinstance(value, str) and _CONTROL.search(value):
        return _CONTROL.sub("", value)
    return value


def _clean_grid(grid: pd.DataFrame, sheet: str, limits) -> tuple[pd.DataFrame, list[Problem]]:
    """The openpyxl grid's texts cleaned and cut like ``_clean_table`` does the Arrow table's."""
    from evaluation.ingest.normalise import cell_ref, column_letter

    grid = grid.map(clean_text)
    out = []
    for col in grid.columns:
        lengths = grid[col].map(lambda v: len(v) if isinstance(v, str) else 0)
        over = lengths.index[lengths > limits.max_text_chars]
        for idx in over[:5]:
            cell = cell_ref(sheet, column_letter(col), int(idx) + 1)
            out.append(_too_long(sheet, cell, int(lengths.at[idx]), limits))
        if len(over):
            grid.loc[over, col] = grid.loc[over, col].map(lambda v: v[: limits.max_text_chars])
    return grid, out


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

    from evaluation.ingest.normalise import cell_ref, column_letter

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


def load_grid(reader, name: str, merges=(), limits=None) -> pd.DataFrame:
    """Every cell of a sheet as text, indexed by 0-based worksheet row and column."""
    return load_checked_grid(reader, name, merges, limits)[0]


def load_checked_grid(
    reader, name: str, merges=(), limits=None
) -> tuple[pd.DataFrame, list[Problem]]:
    """``load_grid``, and a ``text_too_long`` problem at each cell over the text limit.

    Control characters are removed and over-long texts cut to the limit before the grid is
    built, so nothing after this sees them."""
    from evaluation.ingest.safety import DEFAULT_LIMITS

    limits = limits or DEFAULT_LIMITS
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
    table = sheet.to_arrow()
    if table.num_rows == 0:
        return pd.DataFrame(), []
    columns = [info.absolute_index for info in sheet.selected_columns]
    table, problems = _clean_table(table, name, columns, limits)
    if table.num_rows <= SMALL_SHEET_ROWS:
        # a few hundred rows: plain lists beat Arrow's pandas conversion several times over
        grid = pd.DataFrame(
            {c: table.column(i).to_pylist() for i, c in enumerate(columns)}, dtype="object"
        )
    else:
        grid = table.to_pandas()
        grid.columns = columns
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


def _grid_from_openpyxl(data: bytes, name: str) -> pd.DataFrame | None:
    """The slow, forgiving way to read one xlsx sheet, when calamine gives up on a cell
    (a date cell holding a number far outside the calendar makes it panic); openpyxl shows
    such a cell as ``#VALUE!``, which is then reported at its cell. None if that fails too."""
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
        width = max((len(r) for r in rows), default=0)
        grid = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype="object")
        return grid.dropna(axis=1, how="all") if len(grid) else pd.DataFrame()
    except Exception:
        log.info("openpyxl could not read sheet %r either", name, exc_info=True)
        return None


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


def _any_content(reader, names: list[str], found: dict[str, str]) -> bool:
    """Whether any sheet other than the section sheets holds a cell (guide and lists aside)."""
    for name in names:
        if name in found.values():
            continue
        try:
            if reader.load_sheet(name, header_row=None, n_rows=1).height:
                return True
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            continue
    return False


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Za-z]+)(\d+)(?::([A-Za-z]+)(\d+))?\"")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n - 1


def _xlsx_merges(data: bytes, names: list[str]) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges (0-based r1, c1, r2, c2) of the named xlsx sheets; empty on any doubt."""
    try:
        import defusedxml.ElementTree as SafeET

        out: dict[str, list[tuple[int, int, int, int]]] = {}
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            wb = SafeET.fromstring(zf.read("xl/workbook.xml"))
            rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            for sheet in wb.iter():
                if not sheet.tag.endswith("}sheet") or sheet.get("name") not in names:
                    continue
                rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
                target = targets.get(rid, "")
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                part = str(PurePosixPath(part))
                if zf.getinfo(part).file_size > MERGE_SCAN_MAX_BYTES:
                    continue  # a machine-sized sheet: its merges are not expanded
                xml = zf.read(part)
                if b"mergeCell" not in xml:
                    continue
                ranges = []
                for m in _MERGE.finditer(xml):
                    r1, c1 = int(m[2]) - 1, _col_index(m[1])
                    r2 = int(m[4]) - 1 if m[4] else r1
                    c2 = _col_index(m[3]) if m[3] else c1
                    ranges.append((r1, c1, r2, c2))
                out[sheet.get("name")] = ranges
        return out
    except Exception:
        log.info("could not read merged cells", exc_info=True)
        return {}


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_merges(data: bytes, names: list[str]) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges (0-based r1, c1, r2, c2) of the named ods sheets; empty on any doubt.

    An ods cell says how far it spans (``table:number-rows-spanned`` and
    ``-columns-spanned``); positions are counted over rows and cells, repeats included.
    """
    try:
        from defusedxml.ElementTree import iterparse

        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("content.xml")
            if info.file_size > MERGE_SCAN_MAX_BYTES:
                return {}
            content = zf.read(info)
        if b"number-rows-spanned" not in content and b"number-columns-spanned" not in content:
            return {}
        t = _ODS_TABLE
        out: dict[str, list[tuple[int, int, int, int]]] = {}
        table, row, col, row_repeat = None, 0, 0, 1
        for event, el in iterparse(io.BytesIO(content), events=("start", "end")):
            tag = el.tag
            if tag == f"{t}table":
                if event == "start":
                    table, row = el.get(f"{t}name"), 0
                else:
                    table = None
                    el.clear()
            elif tag == f"{t}table-row":
                if event == "start":
                    col = 0
                    row_repeat = int(el.get(f"{t}number-rows-repeated", "1"))
                else:
                    row += row_repeat
                    el.clear()
            elif event == "start" and tag in (f"{t}table-cell", f"{t}covered-table-cell"):
                rows = int(el.get(f"{t}number-rows-spanned", "1"))
                cols = int(el.get(f"{t}number-columns-spanned", "1"))
                if table in names and (rows > 1 or cols > 1):
                    out.setdefault(table, []).append((row, col, row + rows - 1, col + cols - 1))
                col += int(el.get(f"{t}number-columns-repeated", "1"))
        return out
    except Exception:
        log.info("could not read merged cells", exc_info=True)
        return {}


def _empty_report() -> Report:
    return _report_from({})


def _report_from(sheets: dict) -> Report:
    cat = load_catalogue()
    frames = {}
    for code in SECTION_CODES:
        if code in sheets:
            frames[code] = sheets[code].frame
        else:
            cols = list(cat.section(code).column_codes) + ["_row"]
            frames[code] = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    return Report(**frames)


def _ordered(problems: list[Problem], sheets: dict) -> list[Problem]:
    """File-level problems first, then by sheet in workbook order, row and column."""
    order = {s.name: i for i, s in enumerate(sheets.values())}
    cell_re = re.compile(r"!([A-Z]+)(\d+)$")

    def key(p: Problem):
        if p.sheet is None:
            return (-1, 0, 0, "")
        m = cell_re.search(p.cell or "")
        row = int(m[2]) if m else 0
        col = (len(m[1]), m[1]) if m else (0, "")
        return (order.get(p.sheet, 99), row, col, p.code)

    seen = set()
    unique = []
    for p in problems:
        k = (p.code, p.sheet, p.cell, p.column)
        if k in seen:
            continue
        seen.add(k)
        unique.append(p)
    return sorted(unique, key=key)
