"""How far a sheet's cells reach (``evaluation.ingest.extent``), decided before any reader
allocates its grid: the quick pass over cells written the common way agrees with reading the
sheet tag by tag, on sheets of random shape written into real zip members."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.ingest import extent
from evaluation.ingest.safety import DEFAULT_LIMITS

LIMITS = replace(DEFAULT_LIMITS, max_rows=5_000, max_columns=60, max_cells=100_000)


def _sheet(cells: list[tuple[int, int]]) -> zipfile.ZipFile:
    """A worksheet member holding ``cells`` (row, column), one row element per row, in the
    order given (a reader must not trust the order)."""
    rows: dict[int, list[int]] = {}
    for row, col in cells:
        rows.setdefault(row, []).append(col)
    body = b"".join(
        b'<row r="%d">' % row
        + b"".join(
            b'<c r="%s%d"><v>1</v></c>' % (extent._col_letters(col).encode(), row) for col in cols
        )
        + b"</row>"
        for row, cols in rows.items()
    )
    xml = b'<worksheet xmlns="x"><sheetData>' + body + b"</sheetData></worksheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    return zipfile.ZipFile(io.BytesIO(buf.getvalue()))


CELLS = st.lists(
    st.tuples(st.integers(1, 8_000), st.integers(1, 90)), min_size=1, max_size=60, unique=True
)


@settings(max_examples=150, deadline=None)
@given(CELLS)
def test_the_quick_pass_decides_as_reading_every_tag(cells):
    zf = _sheet(cells)
    info = zf.getinfo("xl/worksheets/sheet1.xml")
    problem = extent.sheet_extent(zf, info, "Blad", LIMITS)
    exact = extent._exact_extent(zf, info, LIMITS)
    rows, cols = max(r for r, _ in cells), max(c for _, c in cells)
    too_far = rows > LIMITS.max_rows or cols > LIMITS.max_columns or rows * cols > LIMITS.max_cells
    assert (problem is not None) == too_far
    assert extent._beyond(exact.rows, exact.cols, LIMITS) == too_far
    if problem is not None:  # named at a cell the sheet really holds
        named = problem.cell.split("!", 1)[1]
        assert named in {f"{extent._col_letters(c)}{r}" for r, c in cells}
        assert problem.code == "cell_too_far"


def test_a_reference_written_another_way_is_read_tag_by_tag():
    """Lower-case letters or a dollar sign do not match the quick pattern: the exact pass
    decides (and still finds the far cell)."""
    zf = _sheet([(1, 1), (9_000, 2)])
    xml = zf.read("xl/worksheets/sheet1.xml").replace(b'r="B9000"', b'r="$b$9000"')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        out.writestr("xl/worksheets/sheet1.xml", xml)
    zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    problem = extent.sheet_extent(zf, zf.getinfo("xl/worksheets/sheet1.xml"), "Blad", LIMITS)
    assert problem is not None and problem.cell == "Blad!B9000"
