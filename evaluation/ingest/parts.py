"""Where a sheet's cells sit in the file: the xlsx part of a sheet, and a walk over ods cells.

Two readers look into a workbook's XML besides calamine: the merged ranges (``grid``) and the
formula errors (``cells``). Both need the same two things, kept here once:

- for xlsx, which zip part holds a named sheet (``xl/workbook.xml`` names the sheets, its
  relationships say where each one is);
- for ods, the position of every cell in ``content.xml``, counted over rows and cells with
  their repeats (``table:number-rows-repeated``, ``table:number-columns-repeated``) the way
  LibreOffice lays them out.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def col_index(letters: bytes) -> int:
    """The 0-based index of a column's letters: ``A`` -> 0, ``AB`` -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n - 1


def xlsx_sheet_parts(
    zf: zipfile.ZipFile, names: list[str]
) -> Iterator[tuple[str, zipfile.ZipInfo]]:
    """(sheet name, zip entry) of each named sheet, in workbook order."""
    import defusedxml.ElementTree as SafeET

    wb = SafeET.fromstring(zf.read("xl/workbook.xml"))
    rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for sheet in wb.iter():
        if not sheet.tag.endswith("}sheet") or sheet.get("name") not in names:
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        yield sheet.get("name"), zf.getinfo(str(PurePosixPath(part)))


def ods_cells(content: bytes, names: list[str]) -> Iterator[tuple[str, int, int, int, Element]]:
    """(table name, 0-based row, 0-based column, rows repeated, element) of every cell of the
    named tables in an ods ``content.xml``, each when its element is complete (its text
    inside it is there to read)."""
    from defusedxml.ElementTree import iterparse

    t = ODS_TABLE
    cell_tags = (f"{t}table-cell", f"{t}covered-table-cell")
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
        elif event == "end" and tag in cell_tags:
            if table in names:
                yield table, row, col, row_repeat, el
            col += int(el.get(f"{t}number-columns-repeated", "1"))
