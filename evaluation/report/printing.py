"""Print setup: every sheet of the report laid out for A4.

Why computed here and not left to the spreadsheet: a chart is a drawing over the cells, and
neither Excel nor LibreOffice moves a page break to keep a drawing whole. So this module
fixes every row's height (estimated from the wrapped text it holds), computes the scale at
which the print area fits the page width, and from both where each page ends; a manual page
break goes before any chart (or block kept together) that would otherwise cross a page end.

The scale is written into the sheet (not "fit to width", which lets each application pick its
own): Excel and LibreOffice then print the same rows on a page, and the breaks computed here
hold in both. The width is estimated for the widest renderer known (LibreOffice drawing the
workbook's Calibri with DejaVu Sans where neither Calibri nor Carlito is installed), so the
columns fit the page width everywhere; where a renderer draws them narrower, the page keeps
a margin on the right.

Each sheet gets a print area (chart data and other helper columns outside it), repeated
header rows where it is one long table, the sheet's name in the page header and the page
number in the footer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

# A4 in points (1/72 inch), portrait
PAGE_WIDTH = 595.3
PAGE_HEIGHT = 841.9
SIDE_MARGIN_IN = 0.4
TOP_MARGIN_IN = 0.7  # room for the page header
HEADER_IN = 0.3
ROW_POINTS = 15.0  # a row of one line of 11-point text (Excel's standard row)
LINE_POINTS = 13.8  # each line of wrapped 11-point text
POINTS_PER_CM = 72 / 2.54
DEFAULT_WIDTH = 8.43  # Excel's default column width, in characters
MIN_SCALE = 10  # the smallest scale Excel accepts
# LibreOffice with DejaVu Sans for Calibri: 7.03 points a character of column width, measured
# from a PDF of the report (11 characters print 77.2 points wide at 100 %, 17 print 119.4)
DEJAVU_CHAR_POINTS = 7.1
# characters of text a column holds per character of its width (LibreOffice with DejaVu Sans,
# measured: bold headers break "nieuwkomers" after 9 of a column of 11; plain text fits more)
BOLD_FIT = 0.85
TEXT_FIT = 1.0
HEIGHT_SAFETY = 0.98  # row heights are stored rounded; a page is counted a little short


def column_points(ws: Worksheet, col: int) -> float:
    """A column's printed width in points at 100 %: the wider of Excel's rule (7 pixels a
    character, plus 5) and LibreOffice's drawing with DejaVu Sans."""
    width = ws.column_dimensions[get_column_letter(col)].width or DEFAULT_WIDTH
    return max((width * 7 + 5) * 0.75, width * DEJAVU_CHAR_POINTS)


def _chars(ws: Worksheet, col: int, span: int = 1) -> float:
    return sum(
        ws.column_dimensions[get_column_letter(c)].width or DEFAULT_WIDTH
        for c in range(col, col + span)
    )


def wrapped_lines(text: str, fits: float) -> int:
    """The lines ``text`` takes when wrapped at word ends in a line of ``fits`` characters
    (a word longer than a line is broken, as spreadsheets do)."""
    fits = max(fits, 1.0)
    total = 0
    for para in text.split("\n"):
        lines, used = 1, 0.0
        for word in para.split():
            w = len(word)
            if used and used + 1 + w > fits:
                lines, used = lines + 1, 0.0
            if used:
                used += 1
            if w > fits:
                extra = math.ceil(w / fits) - 1
                lines += extra
                used = w - extra * fits
            else:
                used += w
        total += lines
    return total


def fit_row_heights(ws: Worksheet, last_col: int, last_row: int) -> None:
    """Give every printed row without a height one from its text: its lines of wrapped text.

    Rows below the print area keep the spreadsheet's own height (the Data sheet's rows)."""
    spans: dict[tuple[int, int], int] = {}
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = rng.max_col - rng.min_col + 1
    by_row: dict[int, list[Cell]] = {}
    for (r, c), cell in ws._cells.items():  # the written cells only (iter_rows makes all)
        if r <= last_row and c <= last_col and cell.value is not None:
            by_row.setdefault(r, []).append(cell)
    for r in range(1, last_row + 1):
        if ws.row_dimensions[r].height is not None:
            continue
        lines, size = 1, 11.0
        for cell in by_row.get(r, ()):
            if cell.font is not None and cell.font.sz:
                size = max(size, float(cell.font.sz))
            if cell.alignment is not None and cell.alignment.wrap_text:
                width = _chars(ws, cell.column, spans.get((r, cell.column), 1))
                bold = cell.font is not None and bool(cell.font.b)
                fits = width * (BOLD_FIT if bold else TEXT_FIT) * 11.0 / size
                lines = max(lines, wrapped_lines(str(cell.value), fits))
        # one line: the standard row; more: each line and a little room
        points = ROW_POINTS if lines == 1 else lines * LINE_POINTS + 2
        ws.row_dimensions[r].height = round(points * size / 11.0, 1)


def _row_points(ws: Worksheet, row: int) -> float:
    return ws.row_dimensions[row].height or ROW_POINTS


def chart_rows(ws: Worksheet) -> list[tuple[int, int]]:
    """The rows (1-based, inclusive) each chart covers, from its anchor and its height."""
    out = []
    for chart in ws._charts:
        anchor = chart.anchor
        if isinstance(anchor, str):  # "A30" until the workbook is saved
            first = coordinate_from_string(anchor)[1]
        else:
            first = anchor._from.row + 1
        need, r = chart.height * POINTS_PER_CM, first
        while need > 0:
            need -= _row_points(ws, r)
            r += 1
        out.append((first, r - 1))
    return out


def _breaks(
    ws: Worksheet, page_points: float, keep: Iterable[tuple[int, int]], last_row: int
) -> list[int]:
    """Rows after which a page ends, so that no block in ``keep`` crosses a page end."""
    # blocks that overlap are one block (a heading kept with a table beside a chart)
    starts: dict[int, int] = {}
    first_of: int | None = None
    for first, last in sorted(keep):
        if first_of is not None and first <= starts[first_of]:
            starts[first_of] = max(starts[first_of], last)
        else:
            first_of = first
            starts[first] = last
    breaks, used, r = [], 0.0, 1
    while r <= last_row:
        end = starts.get(r, r)
        block = sum(_row_points(ws, x) for x in range(r, end + 1))
        if used + block > page_points and used > 0:
            breaks.append(r - 1)
            used = 0.0
        if block > page_points:  # taller than a page: it starts a page, the rest follows
            used = block % page_points
        else:
            used += block
        r = end + 1
    return breaks


def _headings(ws: Worksheet, last_row: int) -> list[tuple[int, int]]:
    """A heading (a row that opens with large text) kept with the two rows under it: a page
    never ends on a heading whose text or table starts on the next page."""
    out = []
    for r in range(1, last_row):
        cell = ws._cells.get((r, 1))
        if cell is None or cell.value is None:
            continue
        if cell.font is not None and (cell.font.sz or 11) >= 13:
            out.append((r, min(r + 2, last_row)))
    return out


def lay_out(
    ws: Worksheet,
    *,
    last_col: int,
    landscape: bool = True,
    title_rows: int = 0,
    keep: Sequence[tuple[int, int]] = (),
    last_row: int | None = None,
) -> None:
    """Print area ``A1`` to (``last_row``, ``last_col``), scaled to fit the page width of A4.

    ``title_rows`` repeats the sheet's first rows (its header) on every page; ``keep`` are
    row ranges that must stay on one page (the charts' rows are always kept).
    """
    last_row = last_row or max(ws.max_row, 1)
    fit_row_heights(ws, last_col, last_row)
    width, height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
    usable_w = width - 2 * SIDE_MARGIN_IN * 72
    usable_h = height - 2 * TOP_MARGIN_IN * 72
    content = sum(column_points(ws, c) for c in range(1, last_col + 1))
    scale = max(MIN_SCALE, min(100, math.floor(100 * usable_w / content)))
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    # the print area at the scale computed here fits the page width in every application
    # (see the module's docstring): the page breaks below hold in all of them
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = scale
    ws.page_margins = PageMargins(
        left=SIDE_MARGIN_IN,
        right=SIDE_MARGIN_IN,
        top=TOP_MARGIN_IN,
        bottom=TOP_MARGIN_IN,
        header=HEADER_IN,
        footer=HEADER_IN,
    )
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    page_points = usable_h * HEIGHT_SAFETY * 100 / scale
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"
        page_points -= sum(_row_points(ws, r) for r in range(1, title_rows + 1))
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "&P / &N"
    blocks = [*chart_rows(ws), *keep, *_headings(ws, last_row)]
    ws.row_breaks = RowBreak()
    if blocks:
        for row in _breaks(ws, page_points, blocks, last_row):
            ws.row_breaks.append(Break(id=row))
