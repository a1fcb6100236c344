"""The portfolio's three pages: the collective story of the story page, in print.

Page one: the window, how many initiatives reported, the network's own words for the last
period that has them, the puzzle in one sentence, and the first phase. Page two: the other
two phases. Each phase: its text (``evaluation.story``), its hand-overs as bars, two of its
quotes. Page three: continuity between phases, the bridges to the formal field, the network
in one sentence, the output totals as context (each on its own scale), and what initiatives
say about funders' demands, gathered without names where at least three shared it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Table, TableStyle

from evaluation import story
from evaluation.analysis import build_graph, phase_puzzle
from evaluation.analysis._common import FORMAL_PARTNER_TYPES
from evaluation.brief.charts import bar_chart, series
from evaluation.brief.context import BriefCtx
from evaluation.brief.initiative import chart_cell, chart_grid, shown_number
from evaluation.brief.layout import HEIGHT, WIDTH, fitted, gap, para, shortened, styles
from evaluation.catalogue import load_catalogue
from evaluation.disclosure import Disclosed, sum_published
from evaluation.formatting import format_date, format_period
from evaluation.i18n import t
from evaluation.model import PHASE_ORDER
from evaluation.report.charts import short_period

QUOTES = 2
TEXT_HEIGHT = 6.8 * cm  # a phase's text beside its hand-overs
SENTENCE_CHARS = 240  # a sentence of a phase's text at most (then cut at a word, with …)


def counts_figure(
    labels: list[str],
    values: list[float | None],
    hidden: list[bool],
    lang: str,
    width: float,
    height_cm: float,
) -> list[Flowable]:
    """Counts as bars on one axis; none when every one is withheld (the sentence beside it
    says so: an empty chart would say nothing more)."""
    if hidden and all(hidden):
        return []
    return [bar_chart(labels, values, hidden, lang, width / cm - 0.3, height_cm)]


def _phase_block(ps: story.PhaseStory, ctx: BriefCtx) -> list[Flowable]:
    s = styles()
    lang = ctx.lang
    k = PHASE_ORDER.index(ps.phase)
    bars = [("from_earlier", ps.handovers.came_in)] if k > 0 else []
    bars.append(("within", ps.handovers.within))
    if k + 1 < len(PHASE_ORDER):
        bars.append(("to_next", ps.handovers.onward))
    chart_w = WIDTH * 0.38
    right = [para(ctx.s_brief("handovers"), s.cell_bold)]
    right += counts_figure(
        [t(f"story.labels.{key}", lang) for key, _ in bars],
        [v for _, (v, _h) in bars],
        [h for _, (_v, h) in bars],
        lang,
        chart_w,
        2.8,
    )
    takeaway = story.phase_bars_takeaway(ps.handovers, ps.phase, lang)
    right.append(fitted(takeaway, s.small, chart_w - 8, 2.0 * cm))
    # each sentence kept short, so that a long list of names (a large portfolio) leaves room
    # for the sentences after it (hand-overs, bridges)
    text = " ".join(shortened(x, SENTENCE_CHARS) for x in ps.sentences)
    left = [fitted(text, s.body, WIDTH * 0.62 - 14, TEXT_HEIGHT)]
    row = Table([[left, right]], colWidths=[WIDTH * 0.62, chart_w])
    row.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    out: list[Flowable] = [para(ps.label, s.heading), row]
    for q in ps.quotes[:QUOTES]:
        out.append(fitted(f"“{q.text}”", s.quote, WIDTH - 10, 1.9 * cm))
        source = t("story.quote.from", lang, voice=q.voice, initiative=q.initiative, date=q.date)
        out.append(para(f"— {source}", s.source))
    if not ps.quotes:
        out.append(para(ctx.s_brief("no_phase_quotes"), s.small))
    return out


def _header(
    ctx: BriefCtx, window: Disclosed, audience: str, narratives: Sequence[Any]
) -> list[Flowable]:
    s = styles()
    lang = ctx.lang
    label = story.window_label(window.periods, lang)
    out: list[Flowable] = [
        para(ctx.s_brief("portfolio_title"), s.title),
        para(ctx.s_brief("window_line", window=label, audience=audience), s.subtitle),
        gap(4),
        para(story.reported_line(window, lang), s.body),
    ]
    if narratives:
        v = narratives[-1]
        out.append(para(t("narrative.title", lang), s.heading))
        out.append(fitted(v.text, s.body, WIDTH, 4.6 * cm))
        caption = t(
            "narrative.published_caption",
            lang,
            period=format_period(v.period, lang),
            version=v.version,
            date=format_date(v.written_at.date(), lang),
        )
        out.append(para(caption, s.small))
    puzzle = phase_puzzle(window.dataset, viewer=window.principal)
    out.append(para(ctx.s_brief("puzzle"), s.heading))
    out.append(fitted(story.puzzle_takeaway(puzzle, lang), s.body, WIDTH, 1.4 * cm))
    return out


def _phase_pairs(window: Disclosed, lang: str) -> tuple[list[str], list[float | None], list[bool]]:
    """People handed on between phases over the window, per phase pair (published only when
    every period's flow is), in the path's order."""
    flows = window.phase_flows
    labels, values, hidden = [], [], []
    phases = {p: load_catalogue().choices("phases").label(p, lang) for p in PHASE_ORDER}
    for a in PHASE_ORDER:
        for b in PHASE_ORDER:
            if a == b or not len(flows):
                continue
            sub = flows[(flows["from_phase"] == a) & (flows["to_phase"] == b)]
            if not len(sub):
                continue
            value, withheld = sum_published(sub["people"], sub["people_suppressed"])
            labels.append(f"{phases[a]} → {phases[b]}")
            values.append(value)
            hidden.append(withheld)
    return labels, values, hidden


def _network_frames(window: Disclosed) -> tuple[pd.DataFrame, pd.DataFrame]:
    g = build_graph(window.dataset)
    nodes = pd.DataFrame(
        [{"node": n, "kind": d.get("partner_type", "other")} for n, d in g.nodes(data=True)],
        columns=["node", "kind"],
    )
    edges = pd.DataFrame(list(g.edges()), columns=["source", "target"])
    return nodes, edges


def _context_page(ctx: BriefCtx, window: Disclosed) -> list[Flowable]:
    s = styles()
    lang = ctx.lang
    out: list[Flowable] = [para(ctx.s_brief("continuity"), s.heading)]
    labels, values, hidden = _phase_pairs(window, lang)
    half = WIDTH / 2
    left: list[Flowable] = [fitted(story.flows_takeaway(window, lang), s.body, half - 12, 3 * cm)]
    if labels:
        left.append(gap(4))
        left += counts_figure(labels, values, hidden, lang, half, 3.4)
    net = window.dataset.network
    formal = net[net["partner_type"].isin(FORMAL_PARTNER_TYPES)]
    counts = formal.drop_duplicates(["partner_type", "initiative_id"])[
        "partner_type"
    ].value_counts()
    kinds = [ctx.choice("partner_types", k) or k for k in FORMAL_PARTNER_TYPES]
    right: list[Flowable] = [
        para(ctx.s_brief("bridges"), s.cell_bold),
        bar_chart(
            kinds,
            [float(counts.get(k, 0)) for k in FORMAL_PARTNER_TYPES],
            [False] * len(FORMAL_PARTNER_TYPES),
            lang,
            half / cm - 0.4,
            3.4,
        ),
        fitted(story.formal_takeaway(window, lang), s.small, half - 12, 1.2 * cm),
    ]
    row = Table([[left, right]], colWidths=[half, half])
    row.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0)])
    )
    out.append(row)
    nodes, edges = _network_frames(window)
    out.append(para(ctx.s_brief("network_portfolio"), s.heading))
    out.append(fitted(story.network_takeaway(nodes, edges, lang), s.body, WIDTH, 1.4 * cm))
    out += _totals(ctx, window)
    return out


def _totals(ctx: BriefCtx, window: Disclosed) -> list[Flowable]:
    """The output totals per period across the initiatives, each on its own scale."""
    s = styles()
    lang = ctx.lang
    out: list[Flowable] = [
        para(ctx.s_brief("totals"), s.heading),
        para(story.totals_takeaway(lang), s.small),
        gap(3),
    ]
    totals = window.totals
    totals = totals[(totals["dimension"] == "output") & totals["unit"].isin(["count", "hours"])]
    periods = [p for p in window.periods if p in set(totals["period"])]
    cols = 3
    width = WIDTH / cols
    cells = []
    for code, part in totals.groupby("indicator", sort=False):
        unit = str(part["unit"].iloc[0])
        ys, hidden = series(part, periods, "total", "total_suppressed")
        last = part.iloc[-1]
        caption = ctx.s_brief(
            "latest_reporting",
            period=short_period(str(last["period"]), lang),
            value=shown_number(last["total"], bool(last["total_suppressed"]), unit, ctx),
            n=int(last["n_initiatives_reporting"]),
        )
        label = story.double_count_label(str(code), ctx.indicator_label(str(code)), lang)
        cells.append(chart_cell(label, periods, ys, hidden, unit, caption, lang, width, 2.0 * cm))
    if not cells:
        return [*out, para(ctx.s_brief("no_totals"), s.body)]
    return [*out, chart_grid(cells, cols, width)]


def _gathered(ctx: BriefCtx, window: Disclosed, room: float) -> list[Flowable]:
    """What initiatives say about funders' demands, gathered without names: as many
    answers as fit in ``room``, then how many more there are (never cut unannounced)."""
    s = styles()
    lang = ctx.lang
    out: list[Flowable] = [
        para(t("ui.story.gathered_title", lang), s.heading),
        fitted(t("ui.story.gathered_note", lang, n=window.n_gathered), s.small, WIDTH, 1.2 * cm),
    ]
    room -= _height(out) + s.small.leading + 4  # keep a line for the count of the rest
    answers = list(window.gathered)
    for k, answer in enumerate(answers):
        item = fitted(f"• {answer}", s.cell, WIDTH, 1.0 * cm)
        room -= _height([item])
        if room < 0:
            out.append(para(ctx.s_brief("more_answers", n=len(answers) - k), s.small))
            break
        out.append(item)
    return out


def _height(flowables: Sequence[Flowable]) -> float:
    return sum(f.wrap(WIDTH, HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


def portfolio_pages(
    ctx: BriefCtx,
    window: Disclosed,
    whole: Disclosed,
    audience: str,
    narratives: Sequence[Any] = (),
) -> list[list[Flowable]]:
    """The three pages' contents; ``whole`` lends quotes from before the window to a phase
    that has fewer than two in it (as the story page does)."""
    phases = story.phase_stories(window, ctx.lang, earlier=whole)
    first = [*_header(ctx, window, audience, narratives), *_phase_block(phases[0], ctx)]
    second = [*_phase_block(phases[1], ctx), gap(6), *_phase_block(phases[2], ctx)]
    s = styles()
    note = [
        gap(6),
        para(ctx.s_brief("withheld_note", threshold=ctx.threshold, mark=ctx.withheld()), s.small),
    ]
    third = _context_page(ctx, window)
    third += _gathered(ctx, window, HEIGHT - _height(third) - _height(note) - 0.3 * cm)
    return [first, second, third + note]
