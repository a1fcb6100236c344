"""Line charts of one initiative's indicators: one unit per chart, straight lines.

The charts are small (two beside a table on an A4 page), so their texts are set small:
spreadsheets otherwise draw an 18-point title and leave the plot no room.
"""

from __future__ import annotations

import re

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.i18n import t
from evaluation.report.context import Ctx, fmt_for_unit

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
TITLE_POINTS = 9
TEXT_POINTS = 7


def short_period(period: str, lang: str) -> str:
    """A quarter as a chart's axis shows it ("K1 2025"); another period as its code."""
    m = _QUARTER.match(str(period))
    if not m:
        return str(period)
    return t("report.chart.quarter", lang, year=m.group(1), quarter=m.group(2))


def _text(points: int, bold: bool = False) -> RichText:
    props = CharacterProperties(sz=points * 100, b=bold)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _title(text: str) -> Title:
    props = CharacterProperties(sz=TITLE_POINTS * 100, b=True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def line_chart(
    ws: Worksheet,
    title: str,
    unit: str,
    ctx: Ctx,
    data_cols: tuple[int, int],
    cat_col: int,
    header_row_no: int,
    last_row: int,
    anchor: str,
    size: tuple[float, float] = (15, 7.5),
) -> None:
    chart = LineChart()
    chart.title = _title(title)
    chart.y_axis.title = _title(ctx.choice("units", unit) or unit)
    chart.y_axis.numFmt = fmt_for_unit(unit)
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False  # openpyxl hides axes by default in newer Excel versions
    chart.y_axis.delete = False
    chart.display_blanks = "gap"  # a withheld number is a gap, not a zero
    chart.width, chart.height = size
    chart.legend.position = "b"  # below: the plot keeps the chart's width
    chart.legend.txPr = _text(TEXT_POINTS)
    chart.x_axis.txPr = _text(TEXT_POINTS)
    chart.y_axis.txPr = _text(TEXT_POINTS)
    data = Reference(
        ws, min_col=data_cols[0], max_col=data_cols[1], min_row=header_row_no, max_row=last_row
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(
        Reference(ws, min_col=cat_col, min_row=header_row_no + 1, max_row=last_row)
    )
    for series in chart.series:
        series.smooth = False  # straight lines between the points: nothing in between is known
        series.marker.symbol = "circle"  # a single period still shows as a point
    ws.add_chart(chart, anchor)
