"""The sizes a workbook's parts declare, read from its XML before any reader opens it.

``safety.check_file`` calls these on a zip container it has found sound: each xlsx sheet's
reach (its ``<dimension>``, or a bounded scan, ``extent.sheet_extent``) and its shared-strings
table, or each ods table's filled cells with repeats expanded. A sheet beyond the limits is
refused by name (``sheet_too_large``, ``too_many_cells``, ``too_many_strings``), before a reader
reserves room for what it claims.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import defusedxml.ElementTree as SafeET

from evaluation.ingest.extent import fmt, sheet_extent, too_many_cells, windows
from evaluation.problems import Problem

if TYPE_CHECKING:
    from evaluation.ingest.safety import Limits

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
XML_META_MAX = 4 * 1024 * 1024  # workbook.xml, rels and content types larger than this are hostile


def read_small(zf: zipfile.ZipFile, name: str) -> bytes | None:
    """A metadata member's bytes, or None when it is missing or too large to be genuine."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > XML_META_MAX:
        raise ValueError(f"{name} is implausibly large")
    with zf.open(info) as fh:
        return fh.read(XML_META_MAX + 1)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(zf: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    """(sheet name, part path) for each worksheet, in workbook order.

    Falls back to the part names when the workbook's relationships cannot be followed, so a
    sheet is never left unchecked.
    """
    parts: list[tuple[str, str]] = []
    workbook = read_small(zf, "xl/workbook.xml")
    rels = read_small(zf, "xl/_rels/workbook.xml.rels")
    if workbook and rels:
        targets: dict[str, str] = {}
        for el in SafeET.fromstring(rels).iter():
            if _local(el.tag) == "Relationship" and el.get("Id") and el.get("Target"):
                target = el.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                targets[el.get("Id", "")] = str(PurePosixPath(path))
        for el in SafeET.fromstring(workbook).iter():
            if _local(el.tag) != "sheet":
                continue
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            part = targets.get(rid or "")
            if part in names:
                parts.append((el.get("name", part), part))
    seen = {part for _, part in parts}
    for name in sorted(names):
        if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name) and name not in seen:
            parts.append((PurePosixPath(name).stem, name))
    return parts


def _too_large(sheet: str, rows: int, cols: int, limits: Limits) -> Problem | None:
    if rows <= limits.max_rows and cols <= limits.max_columns:
        return None
    return Problem(
        code="sheet_too_large",
        severity="error",
        params={
            "sheet": sheet,
            "rows": f"{rows:,}".replace(",", "."),
            "max_rows": f"{limits.max_rows:,}".replace(",", "."),
            "columns": fmt(cols),
            "max_columns": fmt(limits.max_columns),
        },
    )


def xlsx_sheet_sizes(zf: zipfile.ZipFile, names: set[str], limits: Limits) -> list[Problem]:
    problems: list[Problem] = []
    for sheet, part in _sheet_parts(zf, names):
        problem = sheet_extent(zf, zf.getinfo(part), sheet, limits)
        if problem:
            problems.append(problem)
    if not problems:
        problems += _shared_strings(zf, names, limits)
    return problems


_SST_ANY_COUNT = re.compile(rb"""\s(?:count|uniqueCount)\s*=\s*["'](\d{1,20})["']""")


def _shared_strings(zf: zipfile.ZipFile, names: set[str], limits: Limits) -> list[Problem]:
    """Refuse a shared-strings table that claims (a reader reserves room for what it claims)
    or holds more strings than the limit."""
    for name in sorted(names):
        if not re.search(r"(?i)sharedstrings[^/]*\.xml$", name):
            continue
        info = zf.getinfo(name)
        count = 0
        claimed = 0
        first = True
        for window in windows(zf, info, limits):
            if first:
                head = window[: window.find(b">", window.find(b"sst")) + 1 or 4096]
                claimed = max((int(v) for v in _SST_ANY_COUNT.findall(head)), default=0)
                first = False
            count += window.count(b"<si>") + window.count(b"<si ") + window.count(b":si>")
            count += window.count(b":si ") + window.count(b"<si/")
            if count > limits.max_shared_strings:
                break
        n = max(claimed, count)
        if n > limits.max_shared_strings:
            return [
                Problem(
                    code="too_many_strings",
                    severity="error",
                    params={"strings": fmt(n), "max_strings": fmt(limits.max_shared_strings)},
                )
            ]
    return []


def is_ods(zf: zipfile.ZipFile, names: set[str]) -> bool:
    if "content.xml" not in names:
        return False
    mimetype = read_small(zf, "mimetype")
    if mimetype is not None:
        return mimetype.decode("ascii", "replace").strip() == ODS_MIMETYPE
    manifest = read_small(zf, "META-INF/manifest.xml")
    return manifest is not None and ODS_MIMETYPE.encode() in manifest


def ods_sheet_sizes(zf: zipfile.ZipFile, limits: Limits) -> list[Problem]:
    """How far each table's filled cells reach in content.xml, repeats expanded, by a bounded
    streaming scan: a reader lays out ``table:number-rows-repeated`` and
    ``table:number-columns-repeated`` cell by cell, so one filled row repeated a million
    times is a million rows. Empty repeats (LibreOffice writes the rows and columns below and
    right of the data as one empty repeated element) reach nowhere and cost nothing."""
    info = zf.getinfo("content.xml")
    problems: list[Problem] = []
    table = _OdsTable("")
    for window in windows(zf, info, limits):
        for m in _ODS_TAG.finditer(window):
            closing, tag, attrs = m.group(1), m.group(2), m.group(3)
            if tag == b"table":
                if closing:
                    problem = table.problem(limits)
                    if problem:
                        return [problem]
                else:
                    name = _ODS_NAME.search(attrs)
                    table = _OdsTable(name.group(1).decode("utf-8", "replace") if name else "")
            elif tag == b"table-row":
                if closing:
                    table.end_row()
                else:
                    table.start_row(_repeat(attrs, _ODS_ROWS_REPEATED))
                    if attrs.endswith(b"/"):
                        table.end_row()
            elif not closing:  # a cell: filled when it has a value or content
                filled = not attrs.endswith(b"/") or b"value-type" in attrs
                table.cell(_repeat(attrs, _ODS_COLUMNS_REPEATED), filled)
            problem = table.problem(limits)
            if problem:
                return [problem]
    problem = table.problem(limits)
    return [problem] if problem else problems


_ODS_TAG = re.compile(
    rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]{0,8000})>"
)
_ODS_NAME = re.compile(rb"""table:name\s*=\s*["']([^"']{0,1000})["']""")
_ODS_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d{1,12})["']""")
_ODS_COLUMNS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d{1,12})["']""")


def _repeat(attrs: bytes, pattern: re.Pattern[bytes]) -> int:
    m = pattern.search(attrs)
    return max(int(m.group(1)), 1) if m else 1


class _OdsTable:
    """Rows and columns an ods table's filled cells reach, repeats expanded."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0  # rows laid out so far
        self.reach_rows = 0  # the row after the last filled one
        self.reach_cols = 0
        self.cells = 0  # filled cells, repeats expanded
        self._repeat = 1
        self._col = 0
        self._row_reach = 0
        self._row_cells = 0
        self._in_row = False

    def start_row(self, repeat: int) -> None:
        self._repeat, self._col, self._row_reach, self._row_cells = repeat, 0, 0, 0
        self._in_row = True

    def cell(self, repeat: int, filled: bool) -> None:
        self._col += repeat
        if filled:
            self._row_reach = self._col
            self._row_cells += repeat

    def end_row(self) -> None:
        if not self._in_row:
            return
        if self._row_reach:
            self.reach_rows = self.rows + self._repeat
            self.reach_cols = max(self.reach_cols, self._row_reach)
            self.cells += self._row_cells * self._repeat
        self.rows += self._repeat
        self._in_row = False

    def problem(self, limits: Limits) -> Problem | None:
        # the row being read counts as soon as it has a filled cell
        rows, cols = self.reach_rows, self.reach_cols
        if self._in_row and self._row_reach:
            rows, cols = self.rows + self._repeat, max(cols, self._row_reach)
        problem = _too_large(self.name, rows, cols, limits)
        if problem:
            return problem
        if rows * cols > limits.max_cells:
            return too_many_cells(self.name, rows * cols, limits)
        return None


__all__ = ["ODS_MIMETYPE", "is_ods", "ods_sheet_sizes", "read_small", "xlsx_sheet_sizes"]
