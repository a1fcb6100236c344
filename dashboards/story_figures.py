"""Figures of the story page: hand-overs per phase, the flows between phases with their
numbers written on them, and the network's change between two periods.

Pure drawing, like ``dashboards.figures``: frames and a language in, a Figure out; the
numbers come already disclosed (a withheld one is written as the neutral mark, never drawn
as a size). No colour carries a judgement; dash patterns and words carry the meaning too.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboards.figures import (
    NETWORK_AREA_PX,
    NEUTRAL_LINE,
    PALETTE,
    PARTNER_SYMBOLS,
    NetworkNames,
    _array,
    _base_layout,
    _label,
    _wrap,
    empty_figure,
    fit_network_axes,
    phase_label,
)
from dashboards.texts import figure_text
from evaluation.catalogue import fold, load_catalogue
from evaluation.formatting import format_count
from evaluation.i18n import t
from evaluation.model import PHASE_ORDER
from evaluation.story import Handovers


def _written(pair: tuple[float | None, bool], lang: str) -> str:
    value, hidden = pair
    return format_count(value or 0, hidden, lang)


def phase_handovers(moves: Handovers, phase: str, lang: str) -> go.Figure:
    """One phase's hand-overs: from an earlier phase, within it, to the next phase (bars in
    that order; each number written beside its bar, a withheld one as the neutral mark)."""
    k = PHASE_ORDER.index(phase)
    rows = []
    if k > 0:
        rows.append((t("story.labels.from_earlier", lang), moves.came_in))
    rows.append((t("story.labels.within", lang), moves.within))
    if k + 1 < len(PHASE_ORDER):
        rows.append((t("story.labels.to_next", lang), moves.onward))
    labels = [r[0] for r in rows]
    values = [0.0 if p[1] or p[0] is None else float(p[0]) for _, p in rows]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            text=[_written(p, lang) for _, p in rows],
            textposition="outside",
            cliponaxis=False,
            marker={"color": PALETTE[PHASE_ORDER.index(phase)]},
            name=t("story.labels.handovers", lang),
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)))
    fig.update_xaxes(
        title=_wrap(t("story.labels.handovers", lang), 30),
        range=[0, (max(values) or 1) * 1.6],
        showticklabels=max(values) > 0,  # all withheld: no scale to read a size from
    )
    fig = _base_layout(fig, t("ui.story.phase_chart_title", lang), lang, height=280)
    fig.update_layout(margin={"l": 10, "r": 30, "t": 50, "b": 10}, showlegend=False)
    return fig


def flow_map(pairs: pd.DataFrame, lang: str) -> go.Figure:
    """The three phases side by side, with an arrow for every flow to another phase and its
    number written on it; hand-overs within a phase are written under that phase, apart.

    ``pairs``: ``from_phase``, ``to_phase``, ``value``, ``withheld`` (already disclosed).
    """
    title = t("ui.figures.sankey_title", lang)
    if pairs is None or not len(pairs):
        return empty_figure(t("ui.story.flows_empty", lang), title, lang)
    fig = go.Figure()
    xs = {p: float(i) * 2 for i, p in enumerate(PHASE_ORDER)}
    fig.add_trace(
        go.Scatter(
            x=[xs[p] for p in PHASE_ORDER],
            y=[0.0] * 3,
            mode="markers+text",
            marker={"symbol": "square", "size": 40, "color": [PALETTE[i] for i in range(3)]},
            text=[_wrap(phase_label(p, lang), 22) for p in PHASE_ORDER],
            textposition="bottom center",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for r in pairs.itertuples():
        if r.from_phase not in xs or r.to_phase not in xs:
            continue
        number = format_count(r.value or 0, bool(r.withheld), lang)
        a, b = xs[r.from_phase], xs[r.to_phase]
        if a == b:
            fig.add_annotation(
                x=a, y=-0.55, showarrow=False,
                text=f"{t('story.labels.within', lang)}: <b>{number}</b>",
            )  # fmt: skip
            continue
        forward = b > a
        # forward arrows above the phases (a longer jump higher), backward ones below
        y = (0.3 if abs(b - a) <= 2 else 0.6) if forward else -0.85
        step = 0.3 if forward else -0.3
        fig.add_annotation(
            x=b - step, y=y, ax=a + step, ay=y,
            xref="x", yref="y", axref="x", ayref="y",
            showarrow=True, arrowhead=3, arrowsize=1.4, arrowwidth=2, arrowcolor=NEUTRAL_LINE,
            text="",
        )  # fmt: skip
        fig.add_annotation(
            x=(a + b) / 2, y=y + 0.1, showarrow=False, text=f"<b>{number}</b>",
            font={"size": 15},
        )  # fmt: skip
    fig.update_xaxes(visible=False, range=[-0.8, 4.8])
    fig.update_yaxes(visible=False, range=[-1.0, 0.8])
    fig = _base_layout(fig, title, lang, height=420)
    fig.add_annotation(
        x=0, y=1.0, xref="paper", yref="paper", showarrow=False, xanchor="left",
        text=t("story.labels.handovers", lang), font={"size": 12},
    )  # fmt: skip
    return fig


CHANGE_DASH = {"added": "solid", "continued": "dot", "ended": "dash"}
# the change's plot area at the narrowest it is drawn: the story page's width at 1280 px, a
# little lower than the network's (the figure is 620 px high)
CHANGE_AREA_PX = (NETWORK_AREA_PX[0], 550.0)
CHANGE_WIDTH = {"added": 3.5, "continued": 1.2, "ended": 1.5}


def network_change(nodes: pd.DataFrame, edges: pd.DataFrame, lang: str) -> go.Figure:
    """The network of two periods together: new ties solid and thick, continued ties
    dotted, ended ties dashed (each with a legend entry). Every node carries its id as
    ``customdata``, so a click on an initiative can open its profile.

    ``nodes``: as ``views.network_frames``; ``edges``: ``source``, ``target``, ``change``.
    """
    title = t("ui.story.change_figure_title", lang)
    if nodes is None or not len(nodes):
        return empty_figure(t("ui.figures.network_empty", lang), title, lang)
    pos = {r.node: (float(r.x), float(r.y)) for r in nodes.itertuples()}
    fig = go.Figure()
    names = None
    for change in ("continued", "ended", "added"):
        part = edges[edges["change"] == change] if len(edges) else edges
        xs: list[float | None] = []
        ys: list[float | None] = []
        for e in part.itertuples():
            if e.source in pos and e.target in pos:
                xs += [pos[e.source][0], pos[e.target][0], None]
                ys += [pos[e.source][1], pos[e.target][1], None]
        if not xs:
            continue
        fig.add_trace(
            go.Scatter(
                x=_array(xs), y=_array(ys), mode="lines", hoverinfo="skip",
                name=t(f"ui.story.change_{change}", lang),
                line={"color": NEUTRAL_LINE if change != "added" else PALETTE[0],
                      "width": CHANGE_WIDTH[change], "dash": CHANGE_DASH[change]},
            )
        )  # fmt: skip
    kinds = load_catalogue().choices("partner_types").codes
    for i, kind in enumerate(kinds):
        part = nodes[nodes["kind"] == kind]
        if not len(part):
            continue
        part = part.iloc[sorted(range(len(part)), key=lambda j: fold(part["label"].iloc[j]))]
        is_ini = kind == "initiative"
        kind_label = _label("partner_types", kind, lang)
        hint = t("ui.story.click_hint", lang) if is_ini else ""
        hover = [f"{figure_text(lbl)}<br>{kind_label}{hint}" for lbl in part["label"]]
        spots = "top center"
        if is_ini:
            names = NetworkNames.of(part, nodes[nodes["kind"] != kind], CHANGE_AREA_PX)
            spots = names.spots
        fig.add_trace(
            go.Scatter(
                x=part["x"], y=part["y"],
                mode="markers+text" if is_ini else "markers",
                text=_array([figure_text(s) for s in part["label"]]),
                textposition=spots,
                hovertext=_array(hover), hoverinfo="text",
                customdata=_array(list(part["node"])),
                name=kind_label,
                marker={"symbol": PARTNER_SYMBOLS.get(kind, "circle"),
                        "size": 20 if is_ini else 13, "color": PALETTE[i % len(PALETTE)],
                        "line": {"width": 1, "color": "#333333"}},
            )
        )  # fmt: skip
    fit_network_axes(fig, nodes, names, CHANGE_AREA_PX)
    fig = _base_layout(fig, title, lang, height=620)
    fig.update_layout(
        hovermode="closest",
        clickmode="event+select",
        legend={"orientation": "v", "yanchor": "top", "y": 1, "x": 1.01, "xanchor": "left"},
    )
    return fig
