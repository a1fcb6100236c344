"""File safety checks that run before any workbook is parsed.

An uploaded file is untrusted. Before a reader (openpyxl, calamine) opens it, this module
decides from its bytes alone whether it is a spreadsheet we can read, and refuses it with a
stable problem code otherwise: too large, empty, an old ``.xls``, password-protected,
macro-enabled, a binary ``.xlsb``, something else entirely, a zip bomb, or a sheet that
claims a million rows. The checks look at signatures, the zip central directory and the first
few kilobytes of each sheet, so they take milliseconds, and they never raise: a file that
trips anything unexpected is refused as ``not_a_spreadsheet`` rather than crashing an upload.
The sheets' sizes are measured by ``sheet_sizes`` (with ``extent``); this module decides what
kind of file it is and whether its package is sound.

Known limits, on purpose:

- An xlsx sheet's size is taken from its ``<dimension>`` element when present (every common
  writer emits one); only a sheet without one is counted by a bounded streaming scan. A file
  that lies in its dimension is still bounded by the uncompressed-size limit.
- An ods sheet is measured by a bounded streaming scan of ``content.xml`` that lays out
  ``table:number-rows-repeated`` and ``-columns-repeated`` as a reader does, counting only
  filled cells: LibreOffice's empty repeated rows below the data reach nowhere.
- Parts no spreadsheet program writes are refused before a reader sees them: member names
  out of the package or given twice, XML with a document type or entity declaration
  (``tampered_package``), embedded objects, ActiveX controls and archives in the package
  (``embedded_object``).
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

from evaluation.ingest.sheet_sizes import is_ods, ods_sheet_sizes, read_small, xlsx_sheet_sizes
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
        tampered = _tampered_names(infos)
        if tampered:
            return _refuse("tampered_package", part=tampered)
        names = {info.filename for info in infos}
        if "xl/workbook.bin" in names or suffix == ".xlsb":
            return _refuse("binary_workbook")
        if "xl/workbook.xml" in names:
            if suffix == ".xlsm" or _macro_enabled(zf, names):
                return _refuse("macro_enabled")
            embedded = _embedded_object(zf, names)
            if embedded:
                return _refuse("embedded_object", part=embedded)
            declared = _xml_declarations(zf, infos)
            if declared:
                return _refuse("tampered_package", part=declared)
            problems = xlsx_sheet_sizes(zf, names, limits)
            return (None, problems) if problems else ("xlsx", [])
        if is_ods(zf, names):
            manifest = read_small(zf, "META-INF/manifest.xml") or b""
            if b"encryption-data" in manifest:  # saved with a password in LibreOffice
                return _refuse("encrypted_file")
            declared = _xml_declarations(zf, infos)
            if declared:
                return _refuse("tampered_package", part=declared)
            problems = ods_sheet_sizes(zf, limits)
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


def _shown_name(name: str) -> str:
    """A member's name as a message may show it: printable, at most 80 characters."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in name)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _tampered_names(infos: list[zipfile.ZipInfo]) -> str | None:
    """The first member whose name no spreadsheet program writes, or None: a path out of the
    package (``..``, an absolute path, a drive, a backslash), a NUL, or a name given twice
    (one reader takes the first copy, another the last: what this module checked need not be
    what the reader reads)."""
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if (
            name.startswith(("/", "\\"))
            or "\\" in name
            or "\0" in name
            or ".." in parts
            or re.match(r"[A-Za-z]:", name)
            or name.lower() in seen
        ):
            return _shown_name(name)
        seen.add(name.lower())
    return None


# folders and content types of parts that carry other programs' content: embedded objects
# (OLE, packaged files), ActiveX controls
_EMBEDDED_FOLDERS = ("embeddings/", "activex/")
_EMBEDDED_TYPES = ("oleobject", "activex")
ZIP_LOCAL_SIGNATURE = b"PK\x03\x04"


def _embedded_object(zf: zipfile.ZipFile, names: set[str]) -> str | None:
    """The first part that embeds an object, an ActiveX control or an archive, or None.

    Found by folder (``xl/embeddings/``, ``xl/activeX/``, in any folder), by a declared
    content type, or by content: a part that is itself a zip or a compound file (OLE2; a VBA
    project was refused before this). A report has none of these; an embedded package runs
    whatever it holds when someone opens the stored file and double-clicks it.
    """
    for name in sorted(names):
        if any(folder in name.lower() for folder in _EMBEDDED_FOLDERS):
            return _shown_name(name)
    content_types = read_small(zf, "[Content_Types].xml")
    if content_types:
        for el in SafeET.fromstring(content_types).iter():
            if any(m in el.get("ContentType", "").lower() for m in _EMBEDDED_TYPES):
                return _shown_name(el.get("PartName") or el.get("Extension") or "?")
    for info in zf.infolist():
        if info.is_dir() or info.file_size < 4:
            continue
        with zf.open(info) as fh:
            head = fh.read(len(OLE2_SIGNATURE))
        if head.startswith(ZIP_LOCAL_SIGNATURE) or head == OLE2_SIGNATURE:
            return _shown_name(info.filename)
    return None


_PROLOG_BYTES = 64 * 1024
_PROLOG_SKIP = ((b"<?", b"?>"), (b"<!--", b"-->"))


def _declares(head: bytes) -> bool:
    """Whether an XML part's prolog holds a declaration (``<!DOCTYPE``, with any entities),
    or is longer than ``_PROLOG_BYTES`` (no writer pads it; a declaration could hide after).
    ``head`` is the part's first bytes; UTF-16 is read as such."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    head = head.removeprefix(b"\xef\xbb\xbf")
    at = 0
    while True:
        while at < len(head) and head[at] in b" \t\r\n":
            at += 1
        for start, end in _PROLOG_SKIP:
            if head.startswith(start, at):
                close = head.find(end, at)
                if close < 0:
                    return True  # a prolog past the bytes read
                at = close + len(end)
                break
        else:
            return head.startswith(b"<!", at) or at >= _PROLOG_BYTES


def _xml_declarations(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str | None:
    """The first XML part with a document type (and entity) declaration, or None.

    No spreadsheet program writes one; they are how an XML file expands a few bytes into
    gigabytes ("billion laughs") or reads a file of the server into a cell (an external
    entity, XXE). A declaration must come in the prolog, before the root element, so each
    part's prolog is read (at most 64 KB), whatever the part is called; SVG pictures, which
    carry a harmless ``<!DOCTYPE svg>`` when drawing programs write them, are left alone.
    """
    for info in infos:
        if info.is_dir() or info.filename.lower().endswith(".svg"):
            continue
        with zf.open(info) as fh:
            head = fh.read(_PROLOG_BYTES)
        if head.lstrip()[:1] not in (b"<", b"\xef", b"\xff", b"\xfe") and b"\x00<" not in head[:4]:
            continue  # not XML
        if _declares(head):
            return _shown_name(info.filename)
    return None


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
    content_types = read_small(zf, "[Content_Types].xml")
    if content_types:
        root = SafeET.fromstring(content_types)
        for el in root.iter():
            if any(m in el.get("ContentType", "").lower() for m in _MACRO_MARKERS):
                return True
    for n in names:
        if n.lower().endswith(".rels"):
            rels_low = (read_small(zf, n) or b"").lower()
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


__all__ = ["DEFAULT_LIMITS", "Limits", "check_file", "limits_from_env", "ole2_stream_names"]
