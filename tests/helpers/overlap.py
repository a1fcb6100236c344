"""Which text labels of a Plotly chart in the browser overlap: the bounding boxes of the
chart's SVG text elements as the browser laid them out (titles, tick labels, legend entries,
annotations, node labels), compared pair by pair within one chart."""

from __future__ import annotations

from dataclasses import dataclass

# every visible, non-empty SVG text of one chart (not the hover layer), with its box
_BOXES = """(chart) => {
    const out = [];
    for (const node of chart.querySelectorAll('svg text')) {
        const text = (node.textContent || '').trim();
        if (!text || node.closest('.hoverlayer')) continue;
        const style = getComputedStyle(node);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        if (parseFloat(style.opacity) === 0 || parseFloat(style.fillOpacity) === 0) continue;
        const r = node.getBoundingClientRect();
        if (r.width < 1 || r.height < 1) continue;
        out.push({text: text, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
    }
    return out;
}"""

# boxes may touch: a font's line box is a little taller than its letters
TOLERANCE_PX = 1.5


@dataclass(frozen=True)
class Box:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def _cross(a: Box, b: Box) -> bool:
    dx = min(a.x1, b.x1) - max(a.x0, b.x0)
    dy = min(a.y1, b.y1) - max(a.y0, b.y0)
    return dx > TOLERANCE_PX and dy > TOLERANCE_PX


def label_boxes(chart) -> list[Box]:
    """The text boxes of one chart (a Playwright locator of a ``.js-plotly-plot``)."""
    return [Box(**b) for b in chart.evaluate(_BOXES)]


def overlapping_pairs(boxes: list[Box]) -> list[tuple[Box, Box]]:
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _cross(a, b)]


# the names written beside a scatter's markers (``mode="markers+text"``), and the plot area
# they are drawn in: the drag rectangle of the chart's (one) x-y subplot
_POINT_TEXTS = """(chart) => {
    const area = chart.querySelector('.draglayer .xy .nsewdrag, .draglayer .nsewdrag');
    const a = area ? area.getBoundingClientRect() : null;
    const out = [];
    for (const node of chart.querySelectorAll('.scatterlayer .textpoint text')) {
        const text = (node.textContent || '').trim();
        if (!text) continue;
        const style = getComputedStyle(node);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        const r = node.getBoundingClientRect();
        if (r.width < 1 || r.height < 1) continue;
        out.push({text: text, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
    }
    return {
        area: a ? {text: '', x0: a.left, y0: a.top, x1: a.right, y1: a.bottom} : null,
        texts: out,
    };
}"""


def point_labels(chart) -> tuple[Box | None, list[Box]]:
    """The plot area of one chart and the boxes of the names beside its markers."""
    got = chart.evaluate(_POINT_TEXTS)
    area = Box(**got["area"]) if got["area"] else None
    return area, [Box(**b) for b in got["texts"]]


def outside(boxes: list[Box], area: Box) -> list[Box]:
    """The boxes that do not lie wholly inside ``area`` (plotly clips a scatter's text at
    its plot area: a name running over the edge is cut off)."""
    tol = TOLERANCE_PX
    return [
        b
        for b in boxes
        if b.x0 < area.x0 - tol
        or b.y0 < area.y0 - tol
        or b.x1 > area.x1 + tol
        or b.y1 > area.y1 + tol
    ]
