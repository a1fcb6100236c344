"""The story page's words and the network over time: page models built from a ``Disclosed``.

Kept apart from ``dashboards.views`` (the charts of the story page stay there): here are the
phase texts of ``evaluation.story`` beside a chart each, the takeaway sentence of every
chart, the reported-count line, and the network's change between two chosen periods.
Nothing here imports Streamlit or protects a number itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from dashboards import story_figures, views
from evaluation import analysis, story
from evaluation.analysis.network import network_diff, partner_node
from evaluation.catalogue import load_catalogue
from evaluation.disclosure import Disclosed, select, sum_published
from evaluation.formatting import format_period
from evaluation.i18n import t


@dataclass
class PhasePanel:
    story: story.PhaseStory
    figure: go.Figure
    takeaway: str


@dataclass
class StoryTexts:
    reported: str
    phases: list[PhasePanel]
    flow_map: go.Figure
    flows_takeaway: str
    puzzle_takeaway: str
    network_takeaway: str
    formal_takeaway: str
    totals_takeaway: str


def flow_pairs(disclosed: Disclosed) -> pd.DataFrame:
    """Per phase pair: the people handed on over the window's periods (published only when
    every period's flow is) and whether it is withheld."""
    flows = disclosed.phase_flows
    rows = []
    if len(flows):
        for (a, b), sub in flows.groupby(["from_phase", "to_phase"], sort=False):
            value, hidden = sum_published(sub["people"], sub["people_suppressed"])
            rows.append({"from_phase": a, "to_phase": b, "value": value, "withheld": hidden})
    return pd.DataFrame(rows, columns=["from_phase", "to_phase", "value", "withheld"])


def story_texts(
    disclosed: Disclosed, view: views.StoryView, lang: str, whole: Disclosed | None = None
) -> StoryTexts:
    """``disclosed``: the window; ``whole``: everything the viewer may see (quotes from
    before the window fill a phase that has fewer than two in it)."""
    panels = []
    for ps in story.phase_stories(disclosed, lang, earlier=whole):
        panels.append(
            PhasePanel(
                story=ps,
                figure=story_figures.phase_handovers(ps.handovers, ps.phase, lang),
                takeaway=story.phase_bars_takeaway(ps.handovers, ps.phase, lang),
            )
        )
    return StoryTexts(
        reported=story.reported_line(disclosed, lang),
        phases=panels,
        flow_map=story_figures.flow_map(flow_pairs(disclosed), lang),
        flows_takeaway=story.flows_takeaway(disclosed, lang),
        puzzle_takeaway=story.puzzle_takeaway(view.puzzle, lang),
        network_takeaway=story.network_takeaway(view.nodes, view.edges, lang),
        formal_takeaway=story.formal_takeaway(disclosed, lang),
        totals_takeaway=story.totals_takeaway(lang),
    )


@dataclass
class ChangePage:
    figure: go.Figure
    takeaway: str
    bridging: str
    new_formal: list[str]
    reported: str


def _change_edges(changes: pd.DataFrame, ds) -> pd.DataFrame:
    """One drawn line per initiative and partner: new when any of its relations is new,
    ended when all ended, else continued."""
    net = ds.network
    node_of = {
        (str(r["initiative_id"]), str(r["partner"]).strip()): partner_node(r)
        for r in net[["initiative_id", "partner", "partner_initiative_id", "partner_type"]]
        .drop_duplicates()
        .to_dict("records")
    }
    names = dict(zip(ds.initiatives["initiative_id"], ds.initiatives["name"], strict=True))
    by_name = {v: k for k, v in names.items()}
    found: dict[tuple[str, str], set[str]] = {}
    for r in changes.itertuples():
        target = node_of.get((str(r.initiative_id), str(r.partner))) or by_name.get(r.partner)
        if target is None:
            continue
        found.setdefault((str(r.initiative_id), target), set()).add(r.change)
    rows = []
    for (s, d), kinds in found.items():
        change = "added" if "added" in kinds else "continued" if "continued" in kinds else "ended"
        rows.append({"source": s, "target": d, "change": change})
    return pd.DataFrame(rows, columns=["source", "target", "change"])


def change_page(disclosed: Disclosed, period_a: str, period_b: str, lang: str) -> ChangePage:
    """The network of periods a and b together, what changed, and the count line of b."""
    ds = disclosed.dataset
    diff = network_diff(ds, period_a, period_b)
    g = nx.compose(analysis.build_graph(ds, period_a), analysis.build_graph(ds, period_b))
    nodes, _ = views.network_frames(g)
    edges = _change_edges(diff["changes"], ds)
    changes = diff["changes"]["change"].value_counts()
    a, b = format_period(period_a, lang), format_period(period_b, lang)
    nobody = t("story.takeaway.nobody", lang)
    kinds = load_catalogue().choices("partner_types")
    return ChangePage(
        figure=story_figures.network_change(nodes, edges, lang),
        takeaway=t(
            "story.takeaway.change",
            lang,
            a=a,
            b=b,
            added=int(changes.get("added", 0)),
            ended=int(changes.get("ended", 0)),
            continued=int(changes.get("continued", 0)),
            new_formal=len(diff["new_formal"]),
        ),
        bridging=t(
            "story.takeaway.change_bridging",
            lang,
            a=a,
            b=b,
            before=", ".join(diff["bridging_a"]) or nobody,
            after=", ".join(diff["bridging_b"]) or nobody,
        ),
        new_formal=[
            f"{r.name} – {r.partner} ({kinds.label(r.partner_type, lang)})"
            for r in diff["new_formal"].itertuples()
        ],
        reported=story.reported_line(select(disclosed, None, period_b, period_b), lang),
    )


def default_pair(periods: list[str], end: str | None) -> tuple[str, str]:
    """The periods the network comparison opens on: the window's last period and the one a
    year (four periods) before it, or the first period there is."""
    if not periods:
        return "", ""
    b = end if end in periods else periods[-1]
    k = periods.index(b)
    return periods[max(0, k - 4)], b
