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

from evaluation.ingest.parts import ODS_TABLE, col_index, ods_cells, xlsx_sheet_parts

log = logging.getLogger(__name__)

Positions = dict[tuple[int, int], str]  # (0-based row, 0-based column) -> the error's text

# one cell's start tag of type "e" (the attributes stay inside the tag: no ">" among them)
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*\bt="e"[^>]*>')
_CLOSE = re.compile(rb"</(?:\w+:)?c>")
_REF = re.compile(rb'\br="([A-Za-z]+)(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def formula_errors(data: bytes, kind: str, names: list[str]) -> dict[str, Positions]:
    """Sheet name -> the formula-error cells of each named sheet that has any."""
    try:
        return _xlsx(data, names) if kind == "xlsx" else _ods(data, names)
    except Exception:
        log.info("could not look for formula errors", exc_info=True)
        return {}


def _xlsx(data: bytes, names: list[str]) -> dict[str, Positions]:
    out: dict[str, Positions] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name, info in xlsx_sheet_parts(zf, names):
            xml = zf.read(info)
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
                    found[(int(ref[2]) - 1, col_index(ref[1]))] = text
            if found:
                out[name] = found
    return out


_TEXT_P = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_CALC_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"


def _ods(data: bytes, names: list[str]) -> dict[str, Positions]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        content = zf.read("content.xml")
    if b'value-type="error"' not in content:
        return {}
    out: dict[str, Positions] = {}
    for table, row, col, row_repeat, el in ods_cells(content, names):
        if el.get(_CALC_TYPE) != "error":
            continue
        repeat = int(el.get(f"{ODS_TABLE}number-columns-repeated", "1"))
        text = "".join(p.text or "" for p in el.iter(_TEXT_P)).strip() or "#VALUE!"
        for r in range(row, row + row_repeat):
            for c in range(col, col + repeat):
                out.setdefault(table, {})[(r, c)] = text
    return out
