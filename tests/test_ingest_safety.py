"""Hostile and unusual uploads are refused by ``check_file`` with a stable code, never a crash.

Every file here is built on disk by the test itself: real workbooks written by openpyxl and
converted by LibreOffice, a real zip bomb, a real password-protected workbook, and a few
containers assembled byte by byte where no tool writes them (a binary .xlsb, a forged zip
directory). The checks must return quickly; speed is measured in benchmarks/, not here.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.ingest import extent
from evaluation.ingest.safety import (
    DEFAULT_LIMITS,
    MB,
    OLE2_SIGNATURE,
    Limits,
    check_file,
    limits_from_env,
)
from evaluation.problems import Problem

LOCATED = {"cell_too_far", "merge_too_large", "too_many_cells"}


def refused(path: Path, limits: Limits = DEFAULT_LIMITS, name: str | None = None) -> str:
    """The single refusal code for a file on disk (fails if it was accepted)."""
    fmt, problems = check_file(path.read_bytes(), name or path.name, limits)
    assert fmt is None, f"{path.name} was accepted as {fmt}"
    assert len(problems) == 1, problems
    problem = problems[0]
    assert isinstance(problem, Problem)
    assert problem.severity == "error"
    if problem.code in LOCATED:  # a sheet's extent is refused at the cell that reaches furthest
        assert problem.sheet and problem.cell and problem.cell.startswith(f"{problem.sheet}!")
    else:
        assert problem.sheet is None and problem.cell is None
    # the message renders in both languages with the params the check supplied
    assert problem.message("nl") and problem.message("en") and problem.hint("en")
    return problem.code


def small_xlsx(path: Path, rows: int = 5) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Indicatoren"
    ws.append(["Indicator", "Waarde", "Toelichting"])
    for i in range(rows):
        ws.append([f"new_contacts_{i}", i, "een avond met de buren"])
    wb.save(path)
    return path


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes | None]) -> Path:
    """Copy a zip member by member, replacing (or, with None, dropping) some members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in replace:
                continue
            zout.writestr(info.filename, zin.read(info.filename))
        for name, data in replace.items():
            if data is not None:
                zout.writestr(name, data)
    return dst


def ole2_container(names: list[str], content: bytes = b"") -> bytes:
    """A compound-file header and one directory sector naming ``names`` (root first).

    Enough structure for a signature check: the 512-byte header with the OLE2 signature and
    sector shift, then 128-byte directory entries with UTF-16LE names, name lengths and types.
    ``content`` is appended as an extra sector, to show that names in stream data don't count.
    """
    header = bytearray(512)
    header[0:8] = OLE2_SIGNATURE
    struct.pack_into("<HHH", header, 24, 0x3E, 3, 0xFFFE)  # minor, major version, byte order
    struct.pack_into("<H", header, 30, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 48, 0)  # first directory sector
    directory = bytearray()
    for i, name in enumerate(["Root Entry", *names]):
        entry = bytearray(128)
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(raw)] = raw
        struct.pack_into("<H", entry, 64, len(raw))
        entry[66] = 5 if i == 0 else 2
        directory += entry
    directory += bytes(-len(directory) % 512)
    return bytes(header) + bytes(directory) + content + bytes(-len(content) % 512)


# --- accepted -------------------------------------------------------------------------------


def test_small_xlsx_passes(tmp_path):
    path = small_xlsx(tmp_path / "verslag.xlsx")
    assert check_file(path.read_bytes(), path.name) == ("xlsx", [])


def test_xlsx_passes_whatever_its_name(tmp_path):
    """The content decides the format: a renamed or nameless xlsx is still read."""
    data = small_xlsx(tmp_path / "verslag.xlsx").read_bytes()
    assert check_file(data, "verslag.xls") == ("xlsx", [])
    assert check_file(data, None) == ("xlsx", [])


@pytest.fixture(scope="module")
def libreoffice_files(soffice, tmp_path_factory) -> dict[str, Path]:
    """An xlsx converted by real LibreOffice to .ods and to the old .xls format."""
    d = tmp_path_factory.mktemp("lo")
    src = small_xlsx(d / "verslag.xlsx")
    profile = (d / "profile").as_uri()  # own profile: other soffice runs may be going on
    out: dict[str, Path] = {}
    for fmt in ("ods", "xls"):
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt]
            + ["--outdir", str(d / fmt), str(src)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        out[fmt] = d / fmt / f"verslag.{fmt}"
        assert out[fmt].exists(), f"LibreOffice wrote no .{fmt}"
    return out


@pytest.mark.system
def test_libreoffice_ods_passes(libreoffice_files):
    path = libreoffice_files["ods"]
    assert check_file(path.read_bytes(), path.name) == ("ods", [])


@pytest.mark.system
def test_ods_sheet_over_the_row_limit_is_named(libreoffice_files):
    path = libreoffice_files["ods"]
    fmt, problems = check_file(path.read_bytes(), path.name, Limits(max_rows=3))
    assert fmt is None
    assert [p.code for p in problems] == ["sheet_too_large"]
    assert problems[0].params["sheet"] == "Indicatoren"
    assert "'Indicatoren'" in problems[0].message("en")


@pytest.mark.system
def test_password_protected_ods(libreoffice_files, tmp_path):
    """LibreOffice marks an encrypted member in the manifest with <manifest:encryption-data>."""
    src = libreoffice_files["ods"]
    with zipfile.ZipFile(src) as zf:
        manifest = zf.read("META-INF/manifest.xml")
    end = b"</manifest:manifest>"
    assert end in manifest
    locked = manifest.replace(
        end,
        b'<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml">'
        b'<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AA=="/>'
        b"</manifest:file-entry>" + end,
    )
    path = rewrite_zip(src, tmp_path / "geheim.ods", {"META-INF/manifest.xml": locked})
    assert refused(path) == "encrypted_file"


# --- refused --------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    path = tmp_path / "leeg.xlsx"
    path.write_bytes(b"")
    assert refused(path) == "empty_file"


def test_oversize_file_reports_the_limit(tmp_path):
    path = small_xlsx(tmp_path / "verslag.xlsx")
    limits = Limits(max_bytes=path.stat().st_size - 1)
    assert refused(path, limits) == "file_too_large"
    _, problems = check_file(path.read_bytes(), path.name, Limits(max_bytes=1 * MB))
    assert problems == []
    big = tmp_path / "groot.xlsx"
    big.write_bytes(path.read_bytes() + bytes(3 * MB))
    _, problems = check_file(big.read_bytes(), big.name, Limits(max_bytes=2 * MB))
    assert problems[0].params == {"size_mb": "3.0", "limit_mb": "2"}
    assert "(3.0 MB)" in problems[0].message("en") and "2 MB" in problems[0].message("nl")


def test_upload_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("EVALUATION_MAX_UPLOAD_MB", "5")
    assert limits_from_env().max_bytes == 5 * MB
    monkeypatch.setenv("EVALUATION_MAX_UPLOAD_MB", "not a number")
    assert limits_from_env().max_bytes == 20 * MB
    monkeypatch.delenv("EVALUATION_MAX_UPLOAD_MB")
    assert limits_from_env() == Limits()


def test_random_bytes_named_xlsx(tmp_path):
    path = tmp_path / "verslag.xlsx"
    path.write_bytes(os.urandom(50_000))
    assert refused(path) == "not_a_spreadsheet"


def test_pdf_named_xlsx(tmp_path):
    path = tmp_path / "verslag.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")
    assert refused(path) == "not_a_spreadsheet"


def test_word_document_zip(tmp_path):
    path = tmp_path / "verslag.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    assert refused(path) == "not_a_spreadsheet"
    assert refused(path, name="verslag.xlsx") == "not_a_spreadsheet"


def test_truncated_xlsx(tmp_path):
    whole = small_xlsx(tmp_path / "heel.xlsx", rows=200).read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert refused(path) == "not_a_spreadsheet"


def test_xlsm_with_vba_project(tmp_path):
    src = small_xlsx(tmp_path / "heel.xlsx")
    path = rewrite_zip(src, tmp_path / "macro.xlsm", {"xl/vbaProject.bin": os.urandom(2048)})
    assert refused(path) == "macro_enabled"
    # renaming it does not help: the VBA project is in the content
    assert refused(path, name="macro.xlsx") == "macro_enabled"


def test_macro_enabled_content_type_without_vba(tmp_path):
    src = small_xlsx(tmp_path / "heel.xlsx")
    with zipfile.ZipFile(src) as zf:
        types = zf.read("[Content_Types].xml")
    plain = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    assert plain in types
    macro = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    path = rewrite_zip(
        src, tmp_path / "macro.xlsx", {"[Content_Types].xml": types.replace(plain, macro)}
    )
    assert refused(path) == "macro_enabled"


def test_xlsm_name_is_refused(tmp_path):
    data = small_xlsx(tmp_path / "heel.xlsx").read_bytes()
    path = tmp_path / "verslag.xlsm"
    path.write_bytes(data)
    assert refused(path) == "macro_enabled"


def test_binary_workbook(tmp_path):
    path = tmp_path / "verslag.xlsb"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", os.urandom(4096))
        zf.writestr("xl/worksheets/sheet1.bin", os.urandom(4096))
    assert refused(path) == "binary_workbook"
    assert refused(path, name="verslag.xlsx") == "binary_workbook"


@pytest.mark.system
def test_legacy_xls_from_libreoffice(libreoffice_files):
    path = libreoffice_files["xls"]
    assert path.read_bytes().startswith(OLE2_SIGNATURE)
    assert refused(path) == "legacy_xls"
    assert refused(path, name="verslag.xlsx") == "legacy_xls"


def test_password_protected_workbook(tmp_path):
    """A workbook encrypted the way Excel does it (Agile encryption in an OLE2 container)."""
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    src = small_xlsx(tmp_path / "open.xlsx")
    path = tmp_path / "geheim.xlsx"
    with src.open("rb") as fin, path.open("wb") as fout:
        ooxml.OOXMLFile(fin).encrypt("wachtwoord", fout)
    assert path.read_bytes().startswith(OLE2_SIGNATURE)
    assert refused(path) == "encrypted_file"


def test_encrypted_package_stream_names(tmp_path):
    path = tmp_path / "geheim.xlsx"
    path.write_bytes(ole2_container(["EncryptionInfo", "EncryptedPackage"]))
    assert refused(path) == "encrypted_file"


def test_other_ole2_documents_are_not_spreadsheets(tmp_path):
    """An old Word file is refused as not a spreadsheet, even when its text says Workbook."""
    words = "Workbook".encode("utf-16-le") + b"\x00\x00"
    path = tmp_path / "verslag.doc"
    path.write_bytes(ole2_container(["WordDocument"], content=b"\x01" * 130 + words))
    assert refused(path) == "not_a_spreadsheet"
    xls = tmp_path / "oud.xls"
    xls.write_bytes(ole2_container(["Workbook"]))
    assert refused(xls) == "legacy_xls"


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """A real xlsx-shaped zip bomb: 220 MB of zeros in a ~1 MB sheet, written in chunks."""
    path = tmp_path_factory.mktemp("bomb") / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = bytes(4 * MB)
            for _ in range(55):
                fh.write(chunk)
    return path


def test_zip_bomb_total_size(zip_bomb):
    assert zip_bomb.stat().st_size < 2 * MB
    assert refused(zip_bomb) == "zip_bomb"


def test_zip_bomb_ratio(tmp_path):
    """Well under the total-size limit, the compression ratio alone gives a bomb away."""
    path = tmp_path / "klein.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            for _ in range(6):
                fh.write(bytes(4 * MB))  # 24 MB of zeros deflate about 1000 to 1
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size < DEFAULT_LIMITS.max_uncompressed_bytes
    assert info.file_size / info.compress_size > DEFAULT_LIMITS.max_ratio
    assert refused(path) == "zip_bomb"


def test_zip_bomb_too_many_entries(tmp_path):
    src = small_xlsx(tmp_path / "heel.xlsx")
    path = tmp_path / "veel.xlsx"
    shutil.copy(src, path)
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(DEFAULT_LIMITS.max_entries + 1):
            zf.writestr(f"xl/media/image{i}.png", b"")
    assert refused(path) == "zip_bomb"


def test_forged_central_directory_is_refused_before_decompressing(tmp_path):
    """The directory claims a 4 GB member that is really tiny: refused on the claim alone."""
    src = small_xlsx(tmp_path / "heel.xlsx")
    data = bytearray(src.read_bytes())
    at = data.find(b"PK\x01\x02")  # first central directory record
    assert at > 0
    struct.pack_into("<I", data, at + 24, 0xFFFFFFFE)  # uncompressed size
    path = tmp_path / "vervalst.xlsx"
    path.write_bytes(bytes(data))
    assert refused(path) == "zip_bomb"


def test_sheet_with_a_million_rows(tmp_path):
    """A sheet with a cell in row 1,048,576 is refused at that cell, before it is read."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Indicatoren"
    ws["A1"] = "Indicator"
    ws["L1048576"] = "x"
    path = tmp_path / "miljoen.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        assert b'<dimension ref="A1:L1048576"' in zf.read("xl/worksheets/sheet1.xml")
    assert path.stat().st_size < 20_000
    assert refused(path) == "cell_too_far"
    _, problems = check_file(path.read_bytes(), path.name)
    assert problems[0].params["sheet"] == "Indicatoren"
    assert problems[0].params["rows"] == "1.048.576"
    assert problems[0].cell == "Indicatoren!L1048576"


def test_too_many_columns(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["XFD1"] = "x"
    path = tmp_path / "breed.xlsx"
    wb.save(path)
    assert refused(path) == "cell_too_far"


@pytest.mark.parametrize("chunk", [7, 13, 4096, MB])
def test_sheet_without_dimension_is_counted(tmp_path, monkeypatch, chunk):
    """Without a <dimension>, rows are counted by streaming the sheet, exactly, even when
    tags are cut between chunks."""
    monkeypatch.setattr(extent, "CHUNK_BYTES", chunk)
    src = small_xlsx(tmp_path / "heel.xlsx", rows=150)
    with zipfile.ZipFile(src) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    start = sheet.find(b"<dimension")
    end = sheet.find(b"/>", start) + 2
    assert start > 0
    stripped = sheet[:start] + sheet[end:]
    path = rewrite_zip(src, tmp_path / "zonder.xlsx", {"xl/worksheets/sheet1.xml": stripped})
    assert refused(path, Limits(max_rows=150)) == "cell_too_far"  # header and 150 rows
    assert check_file(path.read_bytes(), path.name, Limits(max_rows=151)) == ("xlsx", [])


# --- never an exception ---------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096), st.sampled_from([None, "a.xlsx", "a.ods", "a.xls", "a.xlsm"]))
def test_arbitrary_bytes_never_raise(data, name):
    fmt, problems = check_file(data, name)
    assert fmt is None and len(problems) == 1


def _valid_xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


VALID = _valid_xlsx_bytes()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=8))
def test_damaged_xlsx_never_raises(flips):
    """Bytes flipped anywhere in a real xlsx: accepted or refused, never an exception."""
    data = bytearray(VALID)
    for at, value in flips:
        data[at] = value
    fmt, problems = check_file(bytes(data), "verslag.xlsx")
    assert (fmt == "xlsx" and problems == []) or (fmt is None and len(problems) == 1)


def test_sparse_sheet_without_dimension_is_refused(tmp_path):
    """Two cells, at A1 and L1048576, and no <dimension>: the last row number gives it away."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Indicator"
    wb.active["L1048576"] = "x"
    src = tmp_path / "ijl.xlsx"
    wb.save(src)
    with zipfile.ZipFile(src) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    start = sheet.find(b"<dimension")
    stripped = sheet[:start] + sheet[sheet.find(b"/>", start) + 2 :]
    path = rewrite_zip(src, tmp_path / "zonder.xlsx", {"xl/worksheets/sheet1.xml": stripped})
    assert b"<dimension" not in stripped
    assert refused(path) == "cell_too_far"
