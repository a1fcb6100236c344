"""The brief's small charts, drawn by matplotlib without a display (the Agg renderer, used
through ``Figure`` objects: no global pyplot state, safe in a server thread) and placed in
the PDF as images at print resolution.

Why matplotlib: it runs headless anywhere Python does (CI has no browser for plotly's static
export), and it gives exact control of the rules the brief keeps: one indicator per chart
on its own axis, whole-number ticks on a count axis, shares as %, straight lines between
points and no line across a withheld or missing period (a withheld period is shaded and
named in words under the chart, never drawn as a number).
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Sequence

from reportlab.lib.units import cm
from reportlab.platypus import Image

from evaluation.formatting import format_number
from evaluation.i18n import t

DPI = 220
LINE_COLOUR = "#2f4b7c"
WITHHELD_COLOUR = "#e6e6e6"
AXIS_COLOUR = "#777777"
TEXT_POINTS = 6.5
LABEL_CHARS = 22  # a bar's label wraps after this many characters
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def _setup() -> None:
    """Debian's DejaVu for the charts' texts too, where it is installed (matplotlib ships
    the same family, so the charts read alike either way)."""
    from matplotlib import font_manager

    from evaluation.brief.layout import FONT_FILES, font_dir

    path = font_dir() / FONT_FILES["regular"]
    if path.is_file() and str(path) not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))


def series(
    part, periods: Sequence[str], value: str, flag: str
) -> tuple[list[float | None], list[bool]]:
    """One indicator's values over ``periods`` (None where not reported or withheld) and
    which periods are withheld, from its rows (``period``, ``value`` and the ``flag``
    column that marks a withheld one)."""
    import pandas as pd

    by = {str(r["period"]): r for r in part.to_dict("records")}
    ys: list[float | None] = []
    hidden: list[bool] = []
    for p in periods:
        r = by.get(p)
        if r is None:
            hidden.append(False)
            ys.append(None)
            continue
        hide = bool(r[flag])
        hidden.append(hide)
        ys.append(None if hide or pd.isna(r[value]) else float(r[value]))
    return ys, hidden


def axis_period(period: str, lang: str) -> str:
    """A quarter as a small chart's axis shows it: "K1" over "'25"; another period as is."""
    m = _QUARTER.match(str(period))
    if not m:
        return str(period)
    return t("brief.chart.quarter", lang, quarter=m.group(2), year=m.group(1)[2:])


def _figure(width_cm: float, height_cm: float):
    from matplotlib.figure import Figure

    _setup()
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    ax = fig.add_subplot(1, 1, 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(AXIS_COLOUR)
        ax.spines[side].set_linewidth(0.6)
    ax.tick_params(labelsize=TEXT_POINTS, colors="#333333", width=0.6, length=2.5, pad=1.5)
    ax.grid(axis="y", color="#dddddd", linewidth=0.5)
    ax.set_axisbelow(True)
    return fig, ax


def _image(fig, width_cm: float, height_cm: float) -> Image:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    buf.seek(0)
    return Image(buf, width=width_cm * cm, height=height_cm * cm)


def _value_axis(ax, unit: str, top: float, lang: str) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    if unit == "share":
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_locator(FixedLocator([0, 0.5, 1]))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _: f"{format_number(v * 100, lang, 0)}%")
        )
        return
    if unit == "rubric":
        ax.set_ylim(0.5, 4.5)
        ax.yaxis.set_major_locator(FixedLocator([1, 2, 3, 4]))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: str(int(v))))
        return
    # counts (and hours) from zero; a count axis has whole-number ticks only
    ax.set_ylim(0, max(top * 1.15, 1 if unit == "count" else 0.1))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=unit == "count", min_n_ticks=2))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang)))


def series_chart(
    periods: Sequence[str],
    values: Sequence[float | None],
    withheld: Sequence[bool],
    unit: str,
    lang: str,
    width_cm: float,
    height_cm: float,
) -> Image:
    """One indicator over the periods, on its own axis: straight lines between reported
    points, a gap at a missing one, a shaded column at a withheld one."""
    fig, ax = _figure(width_cm, height_cm)
    xs = list(range(len(periods)))
    ys = [math.nan if v is None else float(v) for v in values]
    for x, hidden in zip(xs, withheld, strict=True):
        if hidden:
            ax.axvspan(x - 0.4, x + 0.4, color=WITHHELD_COLOUR, linewidth=0, zorder=0)
    ax.plot(xs, ys, color=LINE_COLOUR, linewidth=1.1, marker="o", markersize=2.4, zorder=3)
    known = [y for y in ys if not math.isnan(y)]
    _value_axis(ax, unit, max(known, default=0.0), lang)
    if not known:  # nothing to read off an axis: no ticks that look like values
        ax.set_yticks([])
    ax.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
    ax.set_xticks(xs)
    ax.set_xticklabels([axis_period(p, lang) for p in periods])
    # room in points for the tick labels: two lines under the axis, and beside it the widest
    # value label (a character is about 0.6 of the point size wide)
    w_pt, h_pt = width_cm / 2.54 * 72, height_cm / 2.54 * 72
    formatter = ax.yaxis.get_major_formatter()
    lo, hi = ax.get_ylim()
    ticks = [v for v in ax.get_yticks() if lo <= v <= hi]
    widest = max((len(formatter(v, 0)) for v in ticks), default=1)
    left = (widest * 0.6 * TEXT_POINTS + 7) / w_pt
    fig.subplots_adjust(
        left=min(0.4, left), right=0.97, top=1 - 5 / h_pt, bottom=min(0.5, 24 / h_pt)
    )
    return _image(fig, width_cm, height_cm)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    withheld: Sequence[bool],
    lang: str,
    width_cm: float,
    height_cm: float,
) -> Image:
    """Horizontal bars of counts on one axis with whole-number ticks; a withheld bar is not
    drawn, the neutral mark stands in its place."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    fig, ax = _figure(width_cm, height_cm)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    ys = list(range(len(labels)))[::-1]
    nums = [0.0 if (v is None or h) else float(v) for v, h in zip(values, withheld, strict=True)]
    ax.barh(ys, nums, color=LINE_COLOUR, height=0.55, zorder=3)
    top = max(nums, default=0.0)
    ax.set_xlim(0, max(top * 1.25, 1))
    mark = t("analysis.suppressed", lang)
    for y, v, h in zip(ys, nums, withheld, strict=True):
        text = mark if h else format_number(v, lang)
        ax.text(v, y, f" {text}", va="center", ha="left", fontsize=TEXT_POINTS, color="#333333")
    wrapped = [textwrap.fill(str(label), LABEL_CHARS) for label in labels]
    ax.set_yticks(ys)
    ax.set_yticklabels(wrapped)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang)))
    # room on the left for the longest line of a label (a character is about half a point
    # size wide), so that no label is cut at the figure's edge
    longest = max((len(line) for w in wrapped for line in w.split("\n")), default=1)
    left = min(0.55, (longest * 0.55 * TEXT_POINTS + 8) / (width_cm / 2.54 * 72))
    fig.subplots_adjust(left=left, right=0.92, top=0.95, bottom=0.16)
    return _image(fig, width_cm, height_cm)
