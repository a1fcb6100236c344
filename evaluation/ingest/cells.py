"""Cells the reader cannot show: a formula's error (``#DIV/0!``, ``#N/A``, ``Err:502``).

Calamine gives such a cell as blank (an xlsx error cell reads as a missing value, an ods one
as an empty text), so without this a ``#DIV/0!`` would be stored as "nothing filled in", or
reported as "required but empty". ``formula_errors`` finds them in the file itself: in an
xlsx sheet they are the cells of type ``e`` (``<c r="G3" t="e">…<v>#DIV/0!</v></c>``), in an
ods table the cells LibreOffice marks ``calcext:value-type="error"``. The normaliser then
reports each at its cell (``formula_error``).

The scan is cheap where there is nothing to find: each sheet's XML is searched for the
marker first, and parsed only when it holds one. Any doubt (a broken part, an odd layout)
gives "no errors found", never an exception: the reader's own checks still run.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import PurePosixPath

log = logging.getLogger(__name__)

Positions = dict[tuple[int, int], str]  # (0-based row, 0-based column) -> the error's text

# one cell's start tag of type "e" (the attributes stay inside the tag: no ">" among them)
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*\bt="e"[^>]*>')
_CLOSE = re.compile(rb"</(?:\w+:)?c>")
_REF = re.compile(rb'\br="([A-Za-z]+)(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n - 1


def formula_errors(data: bytes, kind: str, names: list[str]) -> dict[str, Positions]:
    """Sheet name -> the formula-error cells of each named sheet that has any."""
    try:
        return _xlsx(data, names) if kind == "xlsx" else _ods(data, names)
    except Exception:
        log.info("could not look for formula errors", exc_info=True)
        return {}


# from this size on, the sheets are scanned on a thread of their own, one sheet at a time in
# workbook order, while the reader reads and checks the earlier ones: inflating a long
# sheet's XML (30 MB for 100,000 rows) takes a tenth of a second, and zlib lets go of
# Python's lock while it inflates
SCAN_BESIDE_FROM_BYTES = 1024 * 1024


class ErrorScan:
    """``formula_errors`` for each sheet, looked up with ``get(name)`` as the reader needs
    it; a big workbook's sheets are scanned beside the reading (see above)."""

    def __init__(self, data: bytes, kind: str, names: list[str]) -> None:
        self._pool = None
        self._done: dict[str, Positions] = {}
        self._pending: dict = {}
        if len(data) < SCAN_BESIDE_FROM_BYTES or kind != "xlsx":
            self._done = formula_errors(data, kind, names)
            return
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(1, thread_name_prefix="formula-errors")
        for name in names:
            self._pending[name] = self._pool.submit(formula_errors, data, kind, [name])
        self._pool.shutdown(wait=False)

    def get(self, name: str) -> Positions | None:
        if name in self._pending:
            self._done.update(self._pending.pop(name).result())
        return self._done.get(name)


def _xlsx(data: bytes, names: list[str]) -> dict[str, Positions]:
    import defusedxml.ElementTree as SafeET

    out: dict[str, Positions] = {}
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
            xml = zf.read(str(PurePosixPath(part)))
            if b't="e"' not in xml:
                continue
            found: Positions = {}
            for m in _ERROR_CELL.finditer(xml):
                if m[0].endswith(b"/>"):
                    continue  # an error cell without a value: nothing to show
                close = _CLOSE.search(xml, m.end())
                ref = _REF.search(m[0])
                value = _VALUE.search(xml, m.end(), close.start()) if close else None
                if ref and value:
                    text = value[1].decode("utf-8", "replace").strip() or "#VALUE!"
                    found[(int(ref[2]) - 1, _col_index(ref[1]))] = text
            if found:
                out[sheet.get("name")] = found
    return out


_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_CALC_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"


def _ods(data: bytes, names: list[str]) -> dict[str, Positions]:
    """Positions counted over rows and cells the way the ods merge scan counts them."""
    from defusedxml.ElementTree import iterparse

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        content = zf.read("content.xml")
    if b'value-type="error"' not in content:
        return {}
    out: dict[str, Positions] = {}
    table, row, col, row_repeat = None, 0, 0, 1
    for event, el in iterparse(io.BytesIO(content), events=("start", "end")):
        tag = el.tag
        if tag == f"{_T}table":
            if event == "start":
                table, row = el.get(f"{_T}name"), 0
            else:
                table = None
                el.clear()
        elif tag == f"{_T}table-row":
            if event == "start":
                col = 0
                row_repeat = int(el.get(f"{_T}number-rows-repeated", "1"))
            else:
                row += row_repeat
                el.clear()
        elif event == "end" and tag in (f"{_T}table-cell", f"{_T}covered-table-cell"):
            repeat = int(el.get(f"{_T}number-columns-repeated", "1"))
            if table in names and el.get(_CALC_TYPE) == "error":
                text = "".join(p.text or "" for p in el.iter(_TEXT_P)).strip() or "#VALUE!"
                for r in range(row, row + row_repeat):
                    for c in range(col, col + repeat):
                        out.setdefault(table, {})[(r, c)] = text
            col += repeat
    return out
