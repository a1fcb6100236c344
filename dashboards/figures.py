"""Plotly figures for the dashboard: pure functions from tidy frames (and a language) to Figures.

Why pure: a figure can then be tested without Streamlit, reused in a report, and cached by
the page. None of these functions calls Streamlit, reads the store or decides access; they
draw what they are given.

House rules every builder keeps (DESIGN.md section 5):
- initiatives appear by name (case-folded), phases in the path's order, periods in time;
  never sorted by a value, so no chart reads as a league table;
- no colour carries a judgement (no red/amber/green) and no meaning rests on colour alone:
  shapes, dash patterns, text labels and legends carry it too;
- every figure has a title and labelled axes in the reader's language, and numbers use the
  language's separators (``layout.separators``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboards.texts import figure_text
from evaluation.catalogue import fold, load_catalogue
from evaluation.formatting import format_count, format_number, format_period, plotly_separators
from evaluation.i18n import t
from evaluation.model import PHASE_ORDER
from evaluation.story import double_count_label

# a calm, colour-blind-safe qualitative palette (Okabe-Ito) without red-amber-green meaning
PALETTE = ("#0072B2", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#999999", "#D55E00", "#000000")
# marker symbols per partner type: the shape names the kind, the colour only repeats it
PARTNER_SYMBOLS = {
    "initiative": "circle",
    "municipality": "square",
    "coa": "diamond",
    "employer": "triangle-up",
    "school": "pentagon",
    "housing_corporation": "hexagon",
    "fund": "star",
    "other": "cross",
}
# line dash per relation type, so relations differ without colour
RELATION_DASH = {
    "referral_in": "solid",
    "referral_out": "longdashdot",
    "collaboration": "dash",
    "learning_exchange": "dot",
    "advisory_role": "dashdot",
    "co_funding": "longdash",
}
NEUTRAL_LINE = "#7f7f7f"
# above this many initiatives the network names them on hover only
LABELLED_NODES = 40
# a small multiple's title wraps after this many characters (a panel is ~170 px at 1280 px)
PANEL_TITLE_CHARS = 22


def _array(values: list) -> np.ndarray:
    """A long list for a trace, as an object array: plotly checks a Python list element by
    element (a tenth of a second for a big network's edges) and an array at once; the figure
    it writes out is the same (blanks stay ``null``, numbers and texts as they were)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _label(list_name: str, code: object, lang: str) -> str:
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    return load_catalogue().choices(list_name).label(str(code), lang)


def phase_label(code: object, lang: str) -> str:
    return _label("phases", code, lang)


# the trace types these figures draw: the template keeps plotly_white's defaults for these only
TRACE_TYPES = ("bar", "heatmap", "scatter")
# plotly_white's layout parts a 2-D chart reads (no maps, polar, ternary or 3-D scenes)
TEMPLATE_LAYOUT = ("annotationdefaults", "autotypenumbers", "coloraxis", "colorscale",
                   "colorway", "font", "hoverlabel", "hovermode", "paper_bgcolor",
                   "plot_bgcolor", "shapedefaults", "title", "xaxis", "yaxis")  # fmt: skip


@cache
def template() -> go.layout.Template:
    """plotly_white as these charts use it, built once: its layout for 2-D charts and its
    defaults for the trace types drawn here (``TRACE_TYPES``), so each figure carries 1.5 KB
    of template instead of 6.6 KB and is not validated against the whole of it again (30 ms a
    figure). Tick labels are left where they are (``ticklabeloverflow="allow"``): the margins
    grow to hold them (``automargin``), and plotly then need not measure every label on every
    draw to hide the ones past the chart's edge."""
    white = pio.templates["plotly_white"].to_plotly_json()
    layout = {k: v for k, v in white["layout"].items() if k in TEMPLATE_LAYOUT}
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {**layout[axis], "ticklabeloverflow": "allow"}
    data = {k: v for k, v in white["data"].items() if k in TRACE_TYPES}
    return go.layout.Template(layout=layout, data=data)


def _base_layout(fig: go.Figure, title: str, lang: str, height: int | None = None) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        separators=plotly_separators(lang),
        template=template(),
        font={"size": 14},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.25, "x": 0},
    )
    if height:
        fig.update_layout(height=height)
    return fig


def _wrap(text: str, width: int = 18) -> str:
    """Break a long axis label over lines (plotly does not wrap), so it needs no rotation."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "<br>".join([*lines, line])


def _by_name(names: pd.Series) -> list[str]:
    """Distinct names in neutral order: case-folded, accents ignored."""
    return sorted({str(n) for n in names.dropna()}, key=lambda n: (fold(n), n))


def empty_figure(message: str, title: str, lang: str) -> go.Figure:
    """A figure that says there is nothing to show, rather than an empty frame."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base_layout(fig, title, lang, height=240)


# --- the collective story ------------------------------------------------------------------


def phase_puzzle(puzzle: pd.DataFrame, lang: str) -> go.Figure:
    """Initiatives (rows, by name) against the three phases (columns).

    ``puzzle``: one row per initiative and phase it is active in, columns ``name``, ``phase``,
    ``role`` (``primary`` or ``secondary``). A filled square marks the main accent, an open
    square a phase the initiative is active in too: shape, not colour, tells them apart.
    """
    title = t("ui.figures.puzzle_title", lang)
    if puzzle is None or not len(puzzle):
        return empty_figure(t("ui.app.no_data", lang), title, lang)
    names = _by_name(puzzle["name"])
    # narrow, flat phase names (issue 19: at 18 characters they were rotated into each other)
    phases = [_wrap(phase_label(p, lang), 12) for p in PHASE_ORDER]
    fig = go.Figure()
    styles = {
        "primary": ("square", PALETTE[0], 22),
        "secondary": ("square-open", PALETTE[0], 18),
    }
    for role, (symbol, colour, size) in styles.items():
        part = puzzle[puzzle["role"] == role]
        fig.add_trace(
            go.Scatter(
                x=_array([_wrap(phase_label(p, lang), 12) for p in part["phase"]]),
                y=_array([str(n) for n in part["name"]]),
                mode="markers",
                name=t(f"ui.figures.puzzle_{role}", lang),
                marker={"symbol": symbol, "size": size, "color": colour, "line": {"width": 2}},
                hovertemplate="%{y}<br>%{x}<extra>"
                + t(f"ui.figures.puzzle_{role}", lang)
                + "</extra>",
            )
        )
    fig.update_xaxes(
        title=t("ui.common.phase", lang),
        categoryorder="array",
        categoryarray=phases,
        range=[-0.5, len(phases) - 0.5],
        tickangle=0,
    )
    # the first name on top: plotly draws the first category at the bottom, so reverse
    fig.update_yaxes(
        title=t("ui.common.initiative", lang),
        categoryorder="array",
        categoryarray=list(reversed(names)),
        type="category",
    )
    fig = _base_layout(fig, title, lang, height=min(4000, max(280, 220 + 30 * len(names))))
    fig.update_layout(legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0})
    fig.update_layout(margin={"t": 90})
    return fig


# where a node's name may sit, in order of preference (plotly's textposition values), and the
# offset of its box from the marker's centre, in units of (label width, label height)
LABEL_SPOTS = (
    ("top center", (-0.5, 0.0), (0, 1)),
    ("bottom center", (-0.5, -1.0), (0, -1)),
    ("middle right", (0.0, -0.5), (1, 0)),
    ("middle left", (-1.0, -0.5), (-1, 0)),
    ("top right", (0.0, 0.0), (1, 1)),
    ("top left", (-1.0, 0.0), (-1, 1)),
    ("bottom right", (0.0, -1.0), (1, -1)),
    ("bottom left", (-1.0, -1.0), (-1, -1)),
)
# the network's plot area, in pixels, at the narrowest it is drawn (the axes' ranges are set
# so that every name fits there, and so at every wider width too): the story page's at 1280
# px (measured 651 x 570, its change 651 x 550), and the profile's, in a column of three
# fifths of the page beside its legend (measured 270 x 570 in Dutch: issue 19, the leftmost
# name ran out of the chart there)
NETWORK_AREA_PX = (640.0, 560.0)
PROFILE_NETWORK_AREA_PX = (260.0, 570.0)
CHAR_PX, LINE_PX, MARKER_PX = 7.0, 16.0, 11.0
# room the placement keeps between the outer markers and the plot's edge (a line of text
# above or below them), and the air a label's box keeps around it (issue 19: two names a
# few pixels apart on the story's network overlapped in the browser)
EDGE_PX, LABEL_AIR_PX = 30.0, 3.0
# the air the axes' ranges keep around every box: the model's text is an estimate (a
# browser's line is a few pixels taller, a wide letter wider)
RANGE_AIR_PX = 6.0


# per spot: where its box starts, in label widths and heights (fx, fy) and in marker radii
# (dx, dy) from the marker's centre
_SPOT_SHIFT = np.array([(fx, fy, dx, dy) for _, (fx, fy), (dx, dy) in LABEL_SPOTS], dtype=float)
_SPOT_INDEX = {name: k for k, (name, _, _) in enumerate(LABEL_SPOTS)}


def network_scale(
    xs: list[float], ys: list[float], area_px: tuple[float, float] = NETWORK_AREA_PX
) -> tuple[float, tuple[float, float, float, float]]:
    """Pixels per data unit at which the markers at ``xs``, ``ys`` fill a plot area of
    ``area_px`` with ``EDGE_PX`` to spare (the axes share the scale), and that area, in
    pixels of the same scale (x0, y0, x1, y1): centred on the markers, as plotly widens the
    axis that has room to spare."""
    w, h = area_px
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    fits = [
        (room - 2 * EDGE_PX) / span
        for room, span in ((w, x1 - x0), (h, y1 - y0))
        if span > 0 and room > 2 * EDGE_PX
    ]
    scale = min(fits) if fits else 1.0
    cx, cy = (x0 + x1) / 2 * scale, (y0 + y1) / 2 * scale
    return scale, (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def label_boxes(
    x: list[float], y: list[float], labels: list[str], spots: list[str], scale: float
) -> np.ndarray:
    """The box (x0, y0, x1, y1) of each label at its spot, in pixels at ``scale`` pixels per
    data unit (the model ``label_spots`` places them by)."""
    rows = []
    for px, py, text, spot in zip(x, y, labels, spots, strict=True):
        fx, fy, dx, dy = _SPOT_SHIFT[_SPOT_INDEX[spot]]
        w, h = CHAR_PX * len(str(text)) + 4, LINE_PX
        x0, y0 = px * scale + fx * w + dx * MARKER_PX, py * scale + fy * h + dy * MARKER_PX
        rows.append((x0, y0, x0 + w, y0 + h))
    return np.array(rows, dtype=float).reshape(-1, 4)


def label_spots(
    x: list[float],
    y: list[float],
    labels: list[str],
    others: list[tuple[float, float]] = (),
    area_px: tuple[float, float] = NETWORK_AREA_PX,
) -> list[str]:
    """A ``textposition`` for each label, so that names overlap each other (and the other
    markers) as little as can be and stay inside the plot area: each label, in the order
    given, takes the first spot of ``LABEL_SPOTS`` that costs least, the area it shares with
    what is already placed and the area of it outside the plot (``area_px``, the narrowest
    the chart is drawn at; a name there is cut off). Deterministic: the same network is
    always labelled the same way."""
    if not labels:
        return []
    xs = list(x) + [p[0] for p in others]
    ys = list(y) + [p[1] for p in others]
    scale, frame = network_scale(xs, ys, area_px)
    fx0, fy0, fx1, fy1 = frame
    # the boxes as arrays (x0, y0, x1, y1): each candidate spot is measured against every
    # placed name and every marker at once (a Python loop over the pairs took about half a
    # second of each story page of a 200-initiative portfolio)
    mx, my = np.asarray(xs, dtype=float) * scale, np.asarray(ys, dtype=float) * scale
    markers = np.stack([mx - MARKER_PX, my - MARKER_PX, mx + MARKER_PX, my + MARKER_PX], 1)
    placed = np.empty((len(labels), 4))
    spots = []
    for i, (px, py, text) in enumerate(zip(x, y, labels, strict=True)):
        w, h = CHAR_PX * len(str(text)) + 4, LINE_PX
        x0 = px * scale + _SPOT_SHIFT[:, 0] * w + _SPOT_SHIFT[:, 2] * MARKER_PX
        y0 = py * scale + _SPOT_SHIFT[:, 1] * h + _SPOT_SHIFT[:, 3] * MARKER_PX
        boxes = np.stack([x0, y0, x0 + w, y0 + h], 1)
        air = LABEL_AIR_PX  # between two names, not between a name and a marker
        aired = boxes + np.array([-air, -air, air, air])
        others = np.delete(markers, i, axis=0)
        inside = (np.minimum(boxes[:, 2], fx1) - np.maximum(boxes[:, 0], fx0)).clip(0) * (
            np.minimum(boxes[:, 3], fy1) - np.maximum(boxes[:, 1], fy0)
        ).clip(0)
        costs = _overlaps(aired, placed[:i]) + _overlaps(boxes, others) + (w * h - inside)
        best = None
        for k, cost in enumerate(costs.tolist()):
            if best is None or cost < costs[best] - 1e-9:
                best = k
            if cost < 1e-9:
                break
        spots.append(LABEL_SPOTS[best][0])
        placed[i] = boxes[best]
    return spots


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each of ``boxes`` (rows x0, y0, x1, y1), the area it shares with all ``others``."""
    if not len(others):
        return np.zeros(len(boxes))
    w = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(
        boxes[:, None, 0], others[None, :, 0]
    )
    h = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(
        boxes[:, None, 1], others[None, :, 1]
    )
    return np.where((w > 0) & (h > 0), w * h, 0.0).sum(axis=1)


def network_ranges(
    x: list[float],
    y: list[float],
    labels: list[str],
    spots: list[str],
    others: list[tuple[float, float]] = (),
    area_px: tuple[float, float] = NETWORK_AREA_PX,
) -> tuple[list[float], list[float]]:
    """The x and y ranges that hold every marker and every label's box (``label_boxes``,
    with ``RANGE_AIR_PX`` around each) in a plot area of ``area_px``, at the largest scale
    up to the placement's (``network_scale``) at which they fit.

    Plotly pads its automatic ranges around the markers only, so a name beside an outer
    marker ran out of the plot and was cut off (issue 19). With these ranges, a wider plot
    area only draws the network at a larger scale, where the names (a fixed size in
    pixels) take less room: they fit there too; and plotly widens one range to keep the
    axes' shared scale, it never narrows one."""
    xs = np.asarray(list(x) + [p[0] for p in others], dtype=float)
    ys = np.asarray(list(y) + [p[1] for p in others], dtype=float)
    top, _ = network_scale(xs.tolist(), ys.tolist(), area_px)
    r = MARKER_PX + RANGE_AIR_PX
    # every box as offsets in pixels from its point: the markers', then the labels'
    px = np.concatenate([xs, np.asarray(x, dtype=float)])
    py = np.concatenate([ys, np.asarray(y, dtype=float)])
    offsets = np.tile([-r, -r, r, r], (len(xs), 1))
    if len(labels):
        at_one = label_boxes(x, y, labels, spots, 1.0)
        own = np.stack([np.asarray(x, float), np.asarray(y, float)] * 2, 1)
        air = np.array([-RANGE_AIR_PX, -RANGE_AIR_PX, RANGE_AIR_PX, RANGE_AIR_PX])
        offsets = np.concatenate([offsets, at_one - own + air])
    else:
        px, py = xs, ys

    def extent(scale: float) -> tuple[float, float, float, float]:
        return (
            float(np.min(px * scale + offsets[:, 0])),
            float(np.min(py * scale + offsets[:, 1])),
            float(np.max(px * scale + offsets[:, 2])),
            float(np.max(py * scale + offsets[:, 3])),
        )

    def overflow(scale: float) -> float:
        x0, y0, x1, y1 = extent(scale)
        return max((x1 - x0) / area_px[0], (y1 - y0) / area_px[1])

    # the largest scale that fits, from the placement's down to an eighth of it: the room
    # a layout needs is not monotone in the scale (names beside the outer markers, turned
    # inwards, cross each other when the network is drawn small); where none fits (a name
    # wider than the area), the one that overflows least
    steps = [top * 8 ** (-k / 120) for k in range(121)]
    sizes = [overflow(step) for step in steps]
    fitting = [k for k, size in enumerate(sizes) if size <= 1.0]
    if not fitting:
        scale = steps[min(range(len(steps)), key=lambda k: (sizes[k], k))]
    elif fitting[0] == 0:
        scale = top
    else:
        low, high = steps[fitting[0]], steps[fitting[0] - 1]
        for _ in range(30):
            mid = (low + high) / 2
            low, high = (mid, high) if overflow(mid) <= 1.0 else (low, mid)
        scale = low
    x0, y0, x1, y1 = extent(scale)
    return [x0 / scale, x1 / scale], [y0 / scale, y1 / scale]


@dataclass(frozen=True)
class NetworkNames:
    """The initiatives named beside their markers on a network and where their names sit."""

    x: list[float]
    y: list[float]
    labels: list[str]
    spots: list[str]

    @classmethod
    def of(
        cls, named: pd.DataFrame, others: pd.DataFrame, area_px: tuple[float, float]
    ) -> NetworkNames:
        """``named``'s names (columns ``x``, ``y``, ``label``, in drawing order) placed by
        ``label_spots`` among their own and ``others``' markers."""
        x, y = named["x"].astype(float).tolist(), named["y"].astype(float).tolist()
        labels = [str(s) for s in named["label"]]
        around = list(zip(others["x"].astype(float), others["y"].astype(float), strict=True))
        return cls(x, y, labels, label_spots(x, y, labels, around, area_px))


def fit_network_axes(
    fig: go.Figure,
    nodes: pd.DataFrame,
    names: NetworkNames | None,
    area_px: tuple[float, float],
) -> None:
    """Hidden axes sharing one scale, with ranges that hold every marker of ``nodes`` and
    every name of ``names`` in a plot area of ``area_px`` and any wider one."""
    xs, ys = nodes["x"].astype(float).tolist(), nodes["y"].astype(float).tolist()
    if names is None:
        xr, yr = network_ranges([], [], [], [], list(zip(xs, ys, strict=True)), area_px)
    else:
        # the named markers are among the nodes: counting them twice changes no range
        others = list(zip(xs, ys, strict=True))
        xr, yr = network_ranges(names.x, names.y, names.labels, names.spots, others, area_px)
    fig.update_xaxes(visible=False, range=xr)
    fig.update_yaxes(visible=False, range=yr, scaleanchor="x")


def network(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    lang: str,
    title: str | None = None,
    area_px: tuple[float, float] = NETWORK_AREA_PX,
) -> go.Figure:
    """An interactive network: initiatives and their partners, linked by what they do together.

    ``nodes``: ``node``, ``label``, ``kind`` (a partner type; ``initiative`` for programme
    initiatives), ``x``, ``y``, optional ``degree``. ``edges``: ``source``, ``target``,
    ``relation``, ``count``. Each kind of partner has its own marker shape and a legend
    entry; each kind of relation its own dash pattern; labels sit next to the markers.
    ``area_px``: the plot area at the narrowest the figure is drawn (by default the story
    page's at 1280 px; the profile passes its column's): names are placed to stay inside
    it, and the axes' ranges hold every name there (``network_ranges``).
    """
    title = title or t("ui.figures.network_title", lang)
    if nodes is None or not len(nodes):
        return empty_figure(t("ui.figures.network_empty", lang), title, lang)
    pos = {r.node: (float(r.x), float(r.y)) for r in nodes.itertuples()}
    fig = go.Figure()
    names = None
    relations = load_catalogue().choices("relation_types").codes
    if edges is not None and len(edges):
        for rel in relations:
            part = edges[edges["relation"] == rel]
            xs: list[float | None] = []
            ys: list[float | None] = []
            for e in part.itertuples():
                if e.source in pos and e.target in pos:
                    (x0, y0), (x1, y1) = pos[e.source], pos[e.target]
                    xs += [x0, x1, None]
                    ys += [y0, y1, None]
            if not xs:
                continue
            fig.add_trace(
                go.Scatter(
                    x=_array(xs),
                    y=_array(ys),
                    mode="lines",
                    hoverinfo="skip",
                    name=_label("relation_types", rel, lang),
                    line={"color": NEUTRAL_LINE, "width": 1.5, "dash": RELATION_DASH.get(rel)},
                    legendgroup="relations",
                )
            )
    kinds = load_catalogue().choices("partner_types").codes
    for i, kind in enumerate(kinds):
        part = nodes[nodes["kind"] == kind]
        if not len(part):
            continue
        part = part.assign(_key=part["label"].map(lambda s: fold(s)))
        part = part.sort_values("_key", kind="stable")
        degree = part["degree"] if "degree" in part else pd.Series(0, index=part.index)
        kind_label = _label("partner_types", kind, lang)
        hover = [
            t("ui.figures.network_hover", lang, name=figure_text(lbl), type=kind_label, n=int(d))
            for lbl, d in zip(part["label"], degree.fillna(0), strict=True)
        ]
        is_ini = kind == "initiative"
        # names beside the markers while they stay legible; a big portfolio names on hover
        labelled = is_ini and len(part) <= LABELLED_NODES
        spots = "top center"
        if labelled:
            names = NetworkNames.of(part, nodes[nodes["kind"] != kind], area_px)
            spots = names.spots
        fig.add_trace(
            go.Scatter(
                x=part["x"],
                y=part["y"],
                mode="markers+text" if labelled else "markers",
                text=_array([figure_text(s) for s in part["label"]]),
                textposition=spots,
                hovertext=_array(hover),
                hoverinfo="text",
                name=kind_label,
                legendgroup="kinds",
                marker={
                    "symbol": PARTNER_SYMBOLS.get(kind, "circle"),
                    "size": 20 if is_ini else 14,
                    "color": PALETTE[i % len(PALETTE)],
                    "line": {"width": 1, "color": "#333333"},
                },
            )
        )
    fit_network_axes(fig, nodes, names, area_px)
    fig = _base_layout(fig, title, lang, height=640)
    fig.update_layout(
        dragmode="pan",
        hovermode="closest",
        legend={"orientation": "v", "yanchor": "top", "y": 1, "x": 1.01, "xanchor": "left"},
    )
    return fig


def output_totals(totals: pd.DataFrame, lang: str) -> go.Figure:
    """The conventional outputs, added up, as context: bars in catalogue order, values written.

    ``totals``: ``indicator`` (catalogue code), ``value``, optional ``value_suppressed``. The
    order is the catalogue's, never the size of the value; each bar carries its number as text.
    """
    title = t("ui.figures.totals_title", lang)
    if totals is None or not len(totals):
        return empty_figure(t("ui.app.no_data", lang), title, lang)
    cat = load_catalogue()
    # a sum that can hold the same person twice says so in its own label (issue 14)
    labels = [
        _wrap(double_count_label(c, cat.indicator(c).label(lang), lang), 34)
        if c in cat.indicator_codes
        else figure_text(c)
        for c in totals["indicator"]
    ]
    sup = _flags(totals, "value")
    values = [
        0.0 if s or v is None else float(v) for v, s in zip(totals["value"], sup, strict=True)
    ]
    text = [format_count(v, s, lang) for v, s in zip(totals["value"], sup, strict=True)]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            text=text,
            textposition="outside",
            marker={"color": PALETTE[2]},
            cliponaxis=False,
            name=t("ui.common.value", lang),
        )
    )
    _bar_axes(fig, labels, values, t("ui.figures.indicator", lang), t("ui.common.value", lang),
              headroom=1.5)  # fmt: skip
    # wrapped labels need room: 20 pixels a line and some air per bar, besides the title and
    # the value axis (issue 19: at 16 a line the two-line labels ran into each other)
    rows = sum(20 * (lbl.count("<br>") + 1) + 14 for lbl in labels)
    return _base_layout(fig, title, lang, height=max(240, 140 + rows))


def _bar_axes(
    fig: go.Figure, labels: list, values: list, y_title: str, x_title: str, headroom: float
) -> None:
    """Axes of a horizontal bar chart: bars top-down in the order given (never by size),
    and room beyond the longest bar for its number written outside it."""
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)), title=y_title)
    top = max(values) if values else 0
    fig.update_xaxes(title=x_title, range=[0, top * headroom or 1])


def _flags(frame: pd.DataFrame, column: str) -> list[bool]:
    """The ``<column>_suppressed`` flags of an analysis result (all False when absent)."""
    name = f"{column}_suppressed"
    if name not in frame:
        return [False] * len(frame)
    return [bool(x) for x in frame[name].fillna(False)]


# --- one initiative ------------------------------------------------------------------------


def indicator_small_multiples(
    series: pd.DataFrame, lang: str, title: str, columns: int = 3
) -> go.Figure:
    """One small chart per indicator, each on its own scale, periods along the bottom.

    ``series``: ``indicator``, ``label``, ``period``, ``value``, optional ``value_suppressed``
    and ``unit`` (its name labels the value axis), with periods already in time order (the
    order of first appearance is kept). Indicators keep the order they arrive in (catalogue
    order), never sorted by value. A panel is about 170 pixels wide on a 1280-pixel screen, so
    (issue 19) only the first and the last period are written under it, short and on two
    lines ("1e kw." over "2024"), and the panel's title is wrapped to its width; the room
    between the rows is made for those lines. The hover names every period in full.
    """
    if series is None or not len(series):
        return empty_figure(t("ui.app.no_data", lang), title, lang)
    periods = list(dict.fromkeys(series["period"]))
    indicators = list(dict.fromkeys(series["indicator"]))
    labels = {r.indicator: figure_text(r.label) for r in series.itertuples()}
    cols = min(columns, len(indicators))
    rows = math.ceil(len(indicators) / cols)
    period_text = [format_period(p, lang) for p in periods]
    tick_at = sorted({0, len(periods) - 1}) if len(periods) > 3 else range(len(periods))
    ticks = [period_text[i] for i in tick_at]
    tick_text = [short_period(periods[i], lang) for i in tick_at]
    units = load_catalogue().choices("units")
    titles = {ind: _wrap(labels[ind], PANEL_TITLE_CHARS) for ind in indicators}
    title_lines = max(text.count("<br>") + 1 for text in titles.values())
    # The grid is laid out by hand (domains per panel) and the figure built once from plain
    # dicts: make_subplots plus per-panel updates cost several times more, per profile view.
    # Heights in pixels: a panel, the two tick lines under it, the title lines above the
    # next; the figure's title and the first row's panel titles above the grid.
    panel_px, ticks_px, line_px = 150, 34, 16
    gap_px = ticks_px + line_px * title_lines + 8
    top_px, bottom_px = 60 + line_px * title_lines + 6, ticks_px + 6
    grid_px = rows * panel_px + (rows - 1) * gap_px
    h_gap, v_gap = 0.1, gap_px / grid_px
    width = (1 - h_gap * (cols - 1)) / cols
    height = panel_px / grid_px
    data: list[dict] = []
    layout: dict = {"annotations": []}
    for n, ind in enumerate(indicators):
        row, col = divmod(n, cols)
        x0 = col * (width + h_gap)
        y1 = 1 - row * (height + v_gap)
        axis = "" if n == 0 else str(n + 1)
        part = series[series["indicator"] == ind]
        part = part.assign(_sup=_flags(part, "value")).set_index("period")
        sup = part["_sup"]
        y = [
            None if (p not in part.index or bool(sup.get(p, False))) else part.at[p, "value"]
            for p in periods
        ]
        text = [
            ""
            if p not in part.index
            else format_count(part.at[p, "value"], bool(sup.get(p, False)), lang)
            for p in periods
        ]
        unit = part["unit"].iloc[0] if "unit" in part and len(part) else None
        if unit == "share":  # a share reads as a percentage, as in the report
            text = [
                x if not x or y_ is None else f"{format_number(100 * y_, lang, 0)}%"
                for x, y_ in zip(text, y, strict=True)
            ]
        data.append(
            {
                "type": "scatter",
                "x": period_text,
                "y": y,
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                "mode": "lines+markers",
                "name": labels[ind],
                "showlegend": False,
                "text": text,
                # the name by reference: a "%{...}" in an own indicator's label stays text
                "hovertemplate": "%{x}: %{text}<extra>%{fullData.name}</extra>",
                "line": {"color": PALETTE[0]},
                "marker": {"size": 8},
            }
        )
        unit_label = units.label(unit, lang).split(" (")[0] if unit else t("ui.common.value", lang)
        layout[f"xaxis{axis}"] = {
            "domain": [max(0.0, x0), min(1.0, x0 + width)],
            "anchor": f"y{axis}",
            "type": "category",
            "categoryorder": "array",
            "categoryarray": period_text,
            "tickangle": 0,
            "tickvals": ticks,
            "ticktext": tick_text,
            "tickfont": {"size": 10},
        }
        layout[f"yaxis{axis}"] = {
            "domain": [max(0.0, y1 - height), min(1.0, y1)],
            "anchor": f"x{axis}",
            "rangemode": "tozero",
            "title": {"text": unit_label, "font": {"size": 11}},
        }
        shown = [v for v in y if v is not None]
        if unit == "share":  # 0 % to 100 %, never 0-0,6
            layout[f"yaxis{axis}"].update({"tickformat": ".0%", "range": [0, 1.05]})
        elif unit in ("count", "people") and shown:
            # whole numbers of people: no 0,5 between 0 and 1
            layout[f"yaxis{axis}"].update(
                {"tickformat": ",d", "dtick": 1 if max(shown) <= 5 else None}
            )
        if all(v is None for v in y):
            # no mark to draw: the panel says why instead of standing empty (issue 19)
            why = "panel_withheld" if bool(sup.any()) else "panel_empty"
            layout[f"yaxis{axis}"]["showticklabels"] = False  # no scale, no unit
            layout[f"yaxis{axis}"]["title"] = {"text": ""}
            layout["annotations"].append(
                {
                    "text": _wrap(t(f"ui.figures.{why}", lang), 18),
                    "x": x0 + width / 2,
                    "y": y1 - height / 2,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "center",
                    "yanchor": "middle",
                    "showarrow": False,
                    "font": {"size": 11, "color": "#555555"},
                }
            )
        layout["annotations"].append(
            {
                "text": titles[ind],
                "x": x0 + width / 2,
                "y": y1,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "yshift": 4,
                "showarrow": False,
                "font": {"size": 12},
            }
        )
    fig = go.Figure({"data": data, "layout": layout})
    _base_layout(fig, title, lang, height=top_px + grid_px + bottom_px)
    return fig.update_layout(margin={"t": top_px, "b": bottom_px, "l": 10, "r": 10})


def short_period(period: object, lang: str) -> str:
    """A period as a short tick label on two lines: ``1e kw.<br>2024`` / ``Q1<br>2024``;
    other periods as their full text, wrapped."""
    text = str(period)
    if len(text) == 7 and text[4:6] == "-Q" and text[6].isdigit():
        short = t("ui.common.quarter_short", lang, year=text[:4], q=text[6])
        head, _, year = short.rpartition(" ")
        return f"{head}<br>{year}"
    return _wrap(format_period(period, lang), 12)


def partner_kinds(kinds: pd.DataFrame, lang: str) -> go.Figure:
    """An initiative's partners by kind: bars in the choice list's order, counts written.

    ``kinds``: ``partner_type``, ``partners`` (different partners of that kind), every kind
    present (zeros included: a missing bridge is part of the picture).
    """
    title = t("ui.figures.partner_types_title", lang)
    if kinds is None or not len(kinds):
        return empty_figure(t("ui.figures.network_empty", lang), title, lang)
    order = load_catalogue().choices("partner_types").codes
    counts = dict(zip(kinds["partner_type"], kinds["partners"], strict=True))
    present = [k for k in order if k in counts]
    labels = [_label("partner_types", k, lang) for k in present]
    values = [int(counts[k]) for k in present]
    fig = _list_order_bars(
        labels,
        values,
        values,
        PALETTE[3],
        x_title=t("ui.figures.partner_kind", lang),
        y_title=t("ui.profile.partners", lang),
    )
    return _base_layout(fig, title, lang, height=320)


def _list_order_bars(
    labels: list[str], values: list[int], text: list, colour: str, x_title: str, y_title: str
) -> go.Figure:
    """Bars in a choice list's order (never by value) with the count written on each."""
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=values,
            text=text,
            textposition="outside",
            marker={"color": colour},
            name=y_title,
        )
    )
    fig.update_xaxes(title=x_title, categoryorder="array", categoryarray=labels)
    fig.update_yaxes(title=y_title, rangemode="tozero")
    return fig


def self_views(reflections: pd.DataFrame, lang: str) -> go.Figure:
    """The initiative's own self-view per process quality over time, on the fixed 1-4 rubric.

    ``reflections``: ``question``, ``period``, ``self_view`` (periods in time order). Each
    quality is its own line with its own marker shape; never compared with others.
    """
    title = t("ui.figures.reflections_title", lang)
    rows = reflections.dropna(subset=["self_view"]) if reflections is not None else None
    if rows is None or not len(rows):
        return empty_figure(t("ui.common.none_yet", lang), title, lang)
    questions = load_catalogue().choices("reflection_questions")
    periods = list(dict.fromkeys(rows["period"]))
    period_text = [format_period(p, lang) for p in periods]
    symbols = ("circle", "square", "diamond", "triangle-up", "x", "star")
    fig = go.Figure()
    present = [q for q in questions.codes if q in set(rows["question"])]
    for i, q in enumerate(present):
        part = rows[rows["question"] == q]
        fig.add_trace(
            go.Scatter(
                x=[format_period(p, lang) for p in part["period"]],
                y=part["self_view"].astype(float),
                mode="lines+markers",
                name=_wrap(questions.label(q, lang), 30),
                marker={"symbol": symbols[i % len(symbols)], "size": 10},
                line={"color": PALETTE[i % len(PALETTE)]},
            )
        )
    fig.update_xaxes(
        title=t("ui.common.period", lang),
        categoryorder="array",
        categoryarray=period_text,
        tickvals=period_text,
        ticktext=[short_period(p, lang) for p in periods],
        tickangle=0,
    )
    steps = load_catalogue().choices("rubric_steps")
    fig.update_yaxes(
        title=t("ui.figures.rubric_step", lang),
        range=[0.5, 4.5],
        tickvals=[1, 2, 3, 4],
        ticktext=[steps.label(str(s), lang).split(" - ")[-1].split(":")[0] for s in (1, 2, 3, 4)],
    )
    _base_layout(fig, title, lang, height=420)
    # beside the chart, each quality's name wrapped (issue 19): under it, the long names ran
    # into the period labels and the axis title
    return fig.update_layout(
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}
    )


# --- voices ---------------------------------------------------------------------------------


def voice_balance(balance: pd.DataFrame, lang: str) -> go.Figure:
    """How many stories each voice tells: bars in the voice list's order, counts written.

    ``balance``: ``voice``, ``n_stories`` (optional ``n_stories_suppressed``). Every voice is
    drawn, zeros included (an absent voice is part of the story). Order is the choice list's
    (newcomer first), never by count: the balance is read across the bars, not as a ranking.
    """
    title = t("ui.figures.voices_title", lang)
    if balance is None or not len(balance):
        return empty_figure(t("ui.voices.none", lang), title, lang)
    codes = load_catalogue().choices("voices").codes
    sup = dict(zip(balance["voice"], _flags(balance, "n_stories"), strict=True))
    counts = dict(zip(balance["voice"], balance["n_stories"], strict=True))
    present = [c for c in codes if c in counts]
    labels = [_label("voices", c, lang) for c in present]
    values = [0 if sup[c] else int(counts[c] or 0) for c in present]
    text = [format_count(counts[c], sup[c], lang) for c in present]
    fig = _list_order_bars(
        labels,
        values,
        text,
        PALETTE[4],
        x_title=t("ui.voices.filter_voice", lang),
        y_title=t("ui.figures.stories", lang),
    )
    return _base_layout(fig, title, lang, height=340)


def themes_over_time(themes: pd.DataFrame, lang: str) -> go.Figure:
    """Themes (rows, list order) by period (columns): a grid with the count written in each cell.

    ``themes``: ``theme``, ``period``, ``n_stories`` (periods in time order). The number is
    printed in every cell, so the shade only repeats what the text says.
    """
    title = t("ui.figures.themes_title", lang)
    if themes is None or not len(themes):
        return empty_figure(t("ui.voices.none", lang), title, lang)
    codes = [c for c in load_catalogue().choices("themes").codes if c in set(themes["theme"])]
    periods = list(dict.fromkeys(themes["period"]))
    grid = themes.pivot_table(index="theme", columns="period", values="n_stories", aggfunc="sum")
    grid = grid.reindex(index=codes, columns=periods).fillna(0)
    fig = go.Figure(
        go.Heatmap(
            z=grid.values,
            x=[format_period(p, lang) for p in periods],
            y=[_label("themes", c, lang) for c in codes],
            text=grid.values.astype(int),
            texttemplate="%{text}",
            colorscale=[[0, "#f7fbff"], [1, "#6baed6"]],
            showscale=False,
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(title=t("ui.voices.filter_theme", lang), autorange="reversed")
    fig.update_xaxes(title=t("ui.common.period", lang), side="bottom")
    return _base_layout(fig, title, lang, height=max(280, 80 + 30 * len(codes)))


def formal_bridges(formal: pd.DataFrame, lang: str) -> go.Figure:
    """Per kind of formal organisation: how many initiatives have a tie with at least one.

    ``formal``: ``partner_type``, ``n_initiatives`` (every formal kind, zeros included: a
    missing bridge is part of the picture). Bars follow the partner-type list; each bar has a
    pattern of its own besides its label, and the count written on it.
    """
    title = t("ui.figures.formal_title", lang)
    if formal is None or not len(formal):
        return empty_figure(t("ui.figures.network_empty", lang), title, lang)
    counts = dict(zip(formal["partner_type"], formal["n_initiatives"], strict=True))
    order = [c for c in load_catalogue().choices("partner_types").codes if c in counts]
    labels = [_label("partner_types", c, lang) for c in order]
    values = [int(counts[c]) for c in order]
    shapes = ("/", "\\", "x", "-", "|", "+", ".")
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            text=values,
            textposition="outside",
            marker={
                "color": PALETTE[0],
                "pattern": {"shape": [shapes[i % len(shapes)] for i in range(len(order))]},
            },
            cliponaxis=False,
            name=t("ui.figures.initiatives_with_bridge", lang),
        )
    )
    _bar_axes(fig, labels, values, t("ui.figures.partner_kind", lang),
              t("ui.figures.initiatives_with_bridge", lang), headroom=1.25)  # fmt: skip
    return _base_layout(fig, title, lang, height=340)
