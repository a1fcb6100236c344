"""File safety checks that run before any workbook is parsed.

An uploaded file is untrusted. Before a reader (openpyxl, calamine) opens it, this module
decides from its bytes alone whether it is a spreadsheet we can read, and refuses it with a
stable problem code otherwise: too large, empty, an old ``.xls``, password-protected,
macro-enabled, a binary ``.xlsb``, something else entirely, a zip bomb, or a sheet that
claims a million rows. The checks look at signatures, the zip central directory and the first
few kilobytes of each sheet, so they take milliseconds, and they never raise: a file that
trips anything unexpected is refused as ``not_a_spreadsheet`` rather than crashing an upload.

Known limits, on purpose:

- An xlsx sheet's size is taken from its ``<dimension>`` element when present (every common
  writer emits one); only a sheet without one is counted by a bounded streaming scan. A file
  that lies in its dimension is still bounded by the uncompressed-size limit.
- An ods sheet is counted by a bounded streaming scan of ``content.xml`` that counts
  ``<table:table-row>`` elements; ``table:number-rows-repeated`` is not expanded, because
  LibreOffice uses it for the empty rows below the data.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import defusedxml.ElementTree as SafeET

from evaluation.ingest.extent import fmt, sheet_extent, stream, windows
from evaluation.problems import Problem

MB = 1024 * 1024


def _env_upload_mb(default: float = 20.0) -> float:
    """The upload limit in MB from EVALUATION_MAX_UPLOAD_MB; a bad value keeps the default."""
    raw = os.environ.get("EVALUATION_MAX_UPLOAD_MB", "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Limits:
    """How big an upload may be. Generous for a quarterly report, small enough to stay safe."""

    max_bytes: int = int(20 * MB)
    max_uncompressed_bytes: int = 200 * MB
    max_entries: int = 2_000
    max_ratio: float = 200.0  # uncompressed / compressed per member above ratio_floor; zeros: ~1000
    ratio_floor: int = 1 * MB  # tiny members may compress very well without harm
    max_rows: int = 200_000  # per sheet: room above the 100,000 indicator rows we benchmark
    max_columns: int = 500  # per sheet
    # per sheet: rows x columns of the grid from A1 to the last cell (what the reader allocates)
    max_cells: int = 3_000_000
    max_shared_strings: int = 1_000_000  # per workbook, claimed or counted
    max_text_chars: int = 32_767  # per cell: what Excel itself can hold
    max_problems: int = 500  # per upload; the rest are counted in one more problem


def limits_from_env() -> Limits:
    """The default limits, with the upload size from EVALUATION_MAX_UPLOAD_MB if set."""
    return Limits(max_bytes=int(_env_upload_mb() * MB))


DEFAULT_LIMITS = limits_from_env()

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"

_XML_META_MAX = 4 * MB  # workbook.xml, rels and content types larger than this are hostile

_ODS_TABLE_OR_ROW = re.compile(
    rb"<table:table-row[\s/>]|<table:table\s[^>]{0,4000}?table:name=\"([^\"]{0,1000})\""
)


def _refuse(code: str, **params: object) -> tuple[None, list[Problem]]:
    return None, [Problem(code=code, severity="error", params=dict(params))]


def check_file(
    data: bytes, file_name: str | None, limits: Limits = DEFAULT_LIMITS
) -> tuple[str | None, list[Problem]]:
    """The detected format (``"xlsx"`` or ``"ods"``) and no problems, or ``None`` and why not.

    Never raises: anything unexpected refuses the file as ``not_a_spreadsheet``.
    """
    try:
        return _check(data, file_name, limits)
    except Exception:  # a hostile file must never become a traceback
        return _refuse("not_a_spreadsheet")


def _check(data: bytes, file_name: str | None, limits: Limits) -> tuple[str | None, list[Problem]]:
    if not data:
        return _refuse("empty_file")
    if len(data) > limits.max_bytes:
        return _refuse(
            "file_too_large",
            size_mb=_mb(len(data)),
            limit_mb=_mb(limits.max_bytes),
        )
    suffix = PurePosixPath((file_name or "").replace("\\", "/")).suffix.lower()
    if suffix == ".xlsb":
        return _refuse("binary_workbook")
    if data.startswith(OLE2_SIGNATURE):
        return _check_ole2(data)
    if data.startswith(ZIP_SIGNATURES):
        return _check_zip(data, suffix, limits)
    if suffix == ".xlsm":
        return _refuse("macro_enabled")
    return _refuse("not_a_spreadsheet")


def _mb(n: int) -> str:
    """A size in MB as people read it: one decimal under 10 MB, whole numbers above."""
    value = n / MB
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


# --- OLE2 compound files: legacy .xls and encrypted OOXML -----------------------------------


_OLE2_WANTED = ("Workbook", "Book", "EncryptionInfo", "EncryptedPackage", "WordDocument")
_VBA_STREAMS = ("VBA", "_VBA_PROJECT", "dir", "PROJECT")


def ole2_stream_names(data: bytes, wanted: tuple[str, ...] = _OLE2_WANTED) -> set[str]:
    """Names of the directory entries in an OLE2 compound file, found without a full parse.

    A directory entry is 128 bytes, aligned to 128 in the sectors after the 512-byte header,
    with a UTF-16LE name, its length in bytes (with the terminator) at offset 64 and its type
    (1 storage, 2 stream, 5 root) at 66. We look for the names we care about with
    ``bytes.find`` and keep a hit only where that structure holds, so a name that appears in
    a stream's content does not count.
    """
    found: set[str] = set()
    for name in wanted:
        needle = name.encode("utf-16-le") + b"\x00\x00"
        start = 512
        while True:
            at = data.find(needle, start)
            if at < 0:
                break
            start = at + 1
            if (at - 512) % 128:
                continue
            entry = data[at : at + 128]
            if len(entry) < 68:
                break
            (name_len,) = struct.unpack_from("<H", entry, 64)
            if name_len == len(needle) and entry[66] in (1, 2, 5):
                found.add(name)
                break
    return found


def _check_ole2(data: bytes) -> tuple[str | None, list[Problem]]:
    names = ole2_stream_names(data)
    if {"EncryptionInfo", "EncryptedPackage"} & names:
        return _refuse("encrypted_file")
    if {"Workbook", "Book"} & names:
        return _refuse("legacy_xls")
    return _refuse("not_a_spreadsheet")


# --- zip containers: xlsx and ods ------------------------------------------------------------


def _check_zip(data: bytes, suffix: str, limits: Limits) -> tuple[str | None, list[Problem]]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return _refuse("not_a_spreadsheet")
    with zf:
        infos = zf.infolist()
        bomb = _zip_bomb(infos, limits)
        if bomb:
            return bomb
        names = {info.filename for info in infos}
        if "xl/workbook.bin" in names or suffix == ".xlsb":
            return _refuse("binary_workbook")
        if "xl/workbook.xml" in names:
            if suffix == ".xlsm" or _macro_enabled(zf, names):
                return _refuse("macro_enabled")
            problems = _xlsx_sheet_sizes(zf, names, limits)
            return (None, problems) if problems else ("xlsx", [])
        if _is_ods(zf, names):
            manifest = _read_small(zf, "META-INF/manifest.xml") or b""
            if b"encryption-data" in manifest:  # saved with a password in LibreOffice
                return _refuse("encrypted_file")
            problems = _ods_sheet_sizes(zf, limits)
            return (None, problems) if problems else ("ods", [])
        if suffix == ".xlsm":
            return _refuse("macro_enabled")
        return _refuse("not_a_spreadsheet")


def _zip_bomb(infos: list[zipfile.ZipInfo], limits: Limits) -> tuple[None, list[Problem]] | None:
    """Refuse from the central directory alone, before a single byte is decompressed."""
    if len(infos) > limits.max_entries:
        return _refuse("zip_bomb")
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            return _refuse("zip_bomb")
        if info.file_size > limits.ratio_floor and (
            info.compress_size <= 0 or info.file_size / info.compress_size > limits.max_ratio
        ):
            return _refuse("zip_bomb")
    return None


def _read_small(zf: zipfile.ZipFile, name: str) -> bytes | None:
    """A metadata member's bytes, or None when it is missing or too large to be genuine."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _XML_META_MAX:
        raise ValueError(f"{name} is implausibly large")
    with zf.open(info) as fh:
        return fh.read(_XML_META_MAX + 1)


# content types and relationship types that carry macros: VBA projects (and their
# signatures), macro-enabled workbooks, Excel 4.0 macro sheets, VBA data
_MACRO_MARKERS = ("vbaproject", "macroenabled", "macrosheet", "vbadata", "ms-excel.intl")


def _macro_enabled(zf: zipfile.ZipFile, names: set[str]) -> bool:
    """Whether the package holds macros anywhere, under whatever name.

    A macro is found by its part's name (``vbaProject*`` or a ``macrosheets`` folder, in any
    folder), by a macro content type (declared for the part or for its extension), by a
    macro relationship in any ``.rels`` part, or by content: a compound file (OLE2) that holds
    a ``VBA`` storage or ``_VBA_PROJECT`` stream, whatever it is called.
    """
    for n in names:
        low = n.lower()
        if "vbaproject" in PurePosixPath(low).name or "macrosheets/" in low:
            return True
    content_types = _read_small(zf, "[Content_Types].xml")
    if content_types:
        root = SafeET.fromstring(content_types)
        for el in root.iter():
            if any(m in el.get("ContentType", "").lower() for m in _MACRO_MARKERS):
                return True
    for n in names:
        if n.lower().endswith(".rels"):
            rels_low = (_read_small(zf, n) or b"").lower()
            if any(m.encode() in rels_low for m in _MACRO_MARKERS):
                return True
    return any(_holds_vba(zf, info) for info in zf.infolist() if not info.is_dir())


def _holds_vba(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a member is a compound file naming a VBA storage or stream."""
    if info.file_size < len(OLE2_SIGNATURE):
        return False
    with zf.open(info) as fh:
        if fh.read(len(OLE2_SIGNATURE)) != OLE2_SIGNATURE:
            return False
        head = OLE2_SIGNATURE + fh.read(min(info.file_size, 4 * MB))
    return bool({"VBA", "_VBA_PROJECT"} & ole2_stream_names(head, _VBA_STREAMS))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(zf: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    """(sheet name, part path) for each worksheet, in workbook order.

    Falls back to the part names when the workbook's relationships cannot be followed, so a
    sheet is never left unchecked.
    """
    parts: list[tuple[str, str]] = []
    workbook = _read_small(zf, "xl/workbook.xml")
    rels = _read_small(zf, "xl/_rels/workbook.xml.rels")
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
            "columns": cols,
            "max_columns": limits.max_columns,
        },
    )


def _xlsx_sheet_sizes(zf: zipfile.ZipFile, names: set[str], limits: Limits) -> list[Problem]:
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


def _is_ods(zf: zipfile.ZipFile, names: set[str]) -> bool:
    if "content.xml" not in names:
        return False
    mimetype = _read_small(zf, "mimetype")
    if mimetype is not None:
        return mimetype.decode("ascii", "replace").strip() == ODS_MIMETYPE
    manifest = _read_small(zf, "META-INF/manifest.xml")
    return manifest is not None and ODS_MIMETYPE.encode() in manifest


def _ods_sheet_sizes(zf: zipfile.ZipFile, limits: Limits) -> list[Problem]:
    """Rows per table in content.xml, by a bounded streaming scan (repeats not expanded)."""
    info = zf.getinfo("content.xml")
    counts: dict[str, int] = {}
    current = ""
    done = 0
    tail = b""
    offset = 0
    for chunk in stream(zf, info, limits):
        buffer = tail + chunk
        for m in _ODS_TABLE_OR_ROW.finditer(buffer):
            start = offset + m.start()
            if start < done:
                continue  # counted in the previous chunk's pass over the tail
            done = offset + m.end()
            if m.group(1) is not None:
                current = m.group(1).decode("utf-8", "replace")
                counts.setdefault(current, 0)
            else:
                counts[current] = counts.get(current, 0) + 1
        keep = min(len(buffer), 5200)
        tail = buffer[-keep:]
        offset += len(buffer) - keep
    problems = []
    for sheet, rows in counts.items():
        problem = _too_large(sheet, rows, 0, limits)
        if problem:
            problems.append(problem)
    return problems


__all__ = ["DEFAULT_LIMITS", "Limits", "check_file", "limits_from_env", "ole2_stream_names"]
