"""The 40 kinds of hostile file of issue 16: each committed and small, each problem told in
Dutch and in English at its place, and the bounds added for the kinds the first 17 fixtures
did not cover (an .ods that repeats a filled row or cell a million times, tampered zip
names, XML entity declarations, embedded objects and archives).

``tests/test_hostile.py`` runs every fixture through ``evaluation validate`` (time, peak
memory, no traceback) and ``evaluation import`` into a real SQLite file (what is kept); this
file checks what a user reads, and the safety checks on each new kind directly, on the
committed files and on small variants built here.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from evaluation.ingest import read_workbook
from evaluation.ingest.safety import check_file
from tests.fixtures.build_hostile import (
    _ODS_HEADER,
    BASE,
    FIXED_TIME,
    HOSTILE,
    _ods,
    _text_cell,
    path_of,
)

MAX_FIXTURE_BYTES = 300 * 1024


def test_forty_kinds_each_committed_and_small():
    assert len(HOSTILE) == 40
    for name in HOSTILE:
        path = path_of(name)
        assert path.exists(), f"run tests/fixtures/build_hostile.py ({path.name} is missing)"
        assert path.stat().st_size <= MAX_FIXTURE_BYTES, name


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_problem_is_told_in_both_languages_at_its_place(name):
    result = read_workbook(path_of(name))
    expect = HOSTILE[name][2]
    assert result.problems or expect.accepted
    for p in result.problems:
        nl, en = p.message("nl"), p.message("en")
        hint_nl, hint_en = p.hint("nl"), p.hint("en")
        for text in (nl, en, hint_nl, hint_en):
            assert text and "{" not in text and "problems." not in text, (p.code, text)
        assert nl != en and hint_nl != hint_en, p.code
        if p.cell:  # a located problem names its cell in either language
            ref = p.cell.rsplit("!", 1)[-1]
            assert ref in nl and ref in en, (p.code, p.cell, en)
        if "part" in p.params:  # a refused part is named
            assert p.params["part"] in nl and p.params["part"] in en
    if expect.cell:
        assert expect.cell in {p.cell for p in result.problems}


# --- the new bounds, each on the committed file and on what must still pass -----------------


def _refused(name: str) -> list[str]:
    data = path_of(name).read_bytes()
    start = time.process_time()
    kind, problems = check_file(data, path_of(name).name)
    assert time.process_time() - start < 2.0, name
    assert kind is None
    return [p.code for p in problems]


def test_an_ods_that_repeats_a_filled_row_a_million_times_is_refused_before_reading():
    """Before the repeats were laid out, calamine read this 853-byte file for over a minute
    (stopped by the benchmark's timeout)."""
    assert _refused("ods_rows_repeated_1048576") == ["sheet_too_large"]
    problem = check_file(path_of("ods_rows_repeated_1048576").read_bytes(), "x.ods")[1][0]
    assert problem.params["rows"] == "1.048.577" and problem.sheet is None
    assert "1.048.577" in problem.message("nl") and "1.048.577" in problem.message("en")


def test_an_ods_that_repeats_a_filled_cell_over_16384_columns_is_refused_before_reading():
    """Before, the reader took 1.1 GB and was stopped by its memory limit."""
    assert _refused("ods_columns_repeated_16384") == ["sheet_too_large"]
    problem = check_file(path_of("ods_columns_repeated_16384").read_bytes(), "x.ods")[1][0]
    assert problem.params["columns"] == "16.384"
    assert "16.384" in problem.message("en")


def test_empty_repeated_rows_and_columns_in_an_ods_reach_nowhere():
    """LibreOffice writes the empty rows below the data, and the empty cells right of it, as
    one repeated element each: a million of them is a normal sheet."""
    empty = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    styled = '<table:table-row><table:table-cell table:number-columns-repeated="1020" ' \
        'table:style-name="ce1"/></table:table-row>'  # fmt: skip
    data = _ods({"Indicatoren": _ODS_HEADER + styled + empty})
    assert check_file(data, "x.ods") == ("ods", [])


def test_filled_repeats_are_counted_as_cells():
    """300 columns over 20,000 rows, every cell filled: within the row and column limits,
    but 6 million cells, more than a sheet may hold."""
    row = (
        '<table:table-row table:number-rows-repeated="20000">'
        + _text_cell("1", 'table:number-columns-repeated="300"')
        + "</table:table-row>"
    )
    kind, problems = check_file(_ods({"Indicatoren": row}), "x.ods")
    assert kind is None and [p.code for p in problems] == ["too_many_cells"]


def _with_members(extra: dict[str, bytes], duplicate: str | None = None) -> bytes:
    """The valid workbook with more members (and one of its own written twice)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(BASE.read_bytes())) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in {**members, **extra}.items():
            zf.writestr(zipfile.ZipInfo(name, FIXED_TIME), data)
        if duplicate:
            with pytest.warns(UserWarning, match="Duplicate name"):
                zf.writestr(zipfile.ZipInfo(duplicate, FIXED_TIME), members[duplicate])
    return buf.getvalue()


@pytest.mark.parametrize(
    "extra",
    ["../evil.sh", "/etc/cron.d/x", "xl\\media\\x.png", "C:/x.png", "xl/../../x.xml"],
)
def test_a_member_named_out_of_the_package_is_refused(extra):
    kind, problems = check_file(_with_members({extra: b"x"}), "x.xlsx")
    assert kind is None and [p.code for p in problems] == ["tampered_package"]
    assert problems[0].params["part"] == extra


def test_a_member_written_twice_is_refused():
    """A duplicate name: the checks may read one copy and the reader the other."""
    data = _with_members({}, duplicate="xl/worksheets/sheet5.xml")
    kind, problems = check_file(data, "x.xlsx")
    assert kind is None and problems[0].code == "tampered_package"
    assert problems[0].params["part"] == "xl/worksheets/sheet5.xml"
    assert _refused("path_traversal_and_duplicates") == ["tampered_package"]


def test_xml_with_entity_declarations_is_refused_before_any_parser():
    """Before, the billion laughs and the external entity reached calamine, which refused
    the workbook as unreadable without saying why."""
    assert _refused("entity_expansion_and_xxe") == ["tampered_package"]
    heads = {
        "plain": b'<?xml version="1.0"?><!DOCTYPE x>',
        "utf-16": '<?xml version="1.0"?><!DOCTYPE x>'.encode("utf-16"),
        "after a long comment": b"<?xml version='1.0'?><!--" + b" " * 70_000 + b"--><!DOCTYPE x>",
    }
    for why, head in heads.items():
        for part in ("docProps/custom.xml", "xl/worksheets/sheet5.dat"):  # any name: content
            data = _with_members({part: head + b"<x/>"})
            problems = check_file(data, "x.xlsx")[1]
            assert [p.code for p in problems] == ["tampered_package"], why
            assert problems[0].params["part"] == part


def test_comments_and_a_picture_with_a_doctype_still_pass():
    """A drawing program's SVG carries ``<!DOCTYPE svg ...>``; comments before the root are
    harmless."""
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>'
    data = _with_members(
        {"xl/media/logo.svg": svg, "docProps/custom.xml": b"<?xml version='1.0'?><!-- c --><x/>"}
    )
    assert check_file(data, "x.xlsx") == ("xlsx", [])


@pytest.mark.parametrize(
    "name", ["activex_and_ole_object", "nested_zip_1gb"], ids=["activex-ole", "nested-zip"]
)
def test_embedded_objects_and_archives_are_refused(name):
    """Before, both were accepted and stored whole, for an administrator to open later."""
    assert _refused(name) == ["embedded_object"]


def test_an_archive_under_any_name_is_refused_by_its_content():
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.txt", b"x")
    kind, problems = check_file(_with_members({"xl/media/image9.png": inner.getvalue()}), "x")
    assert kind is None and problems[0].code == "embedded_object"
    assert problems[0].params["part"] == "xl/media/image9.png"


def test_the_valid_workbook_and_an_external_link_still_pass():
    assert check_file(BASE.read_bytes(), "valid.xlsx") == ("xlsx", [])
    assert check_file(path_of("external_link").read_bytes(), "x.xlsx") == ("xlsx", [])
