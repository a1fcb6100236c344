"""Line charts of one initiative's indicators: one unit per chart, straight lines."""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.report.context import Ctx, fmt_for_unit


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
    chart.title = title
    chart.y_axis.title = ctx.choice("units", unit)
    chart.x_axis.title = ctx.col("period")
    chart.y_axis.numFmt = fmt_for_unit(unit)
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False  # openpyxl hides axes by default in newer Excel versions
    chart.y_axis.delete = False
    chart.display_blanks = "gap"  # a withheld number is a gap, not a zero
    chart.width, chart.height = size
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
