"""An initiative's two pages.

Page one: its name and facts, its mission and intentions in its own words, its phases, two
quotes from the stories its audience may read, and its place in the network (partners by
kind, by name: no counts of people). Page two: each indicator as a small chart on its own
scale, and its latest reflection as far as the audience may read it.

Everything comes from the report's context (``evaluation.report.context.Ctx``) over a
``Disclosed``: the same labels, the same withheld mark, the same cut to the window.
"""

from __future__ import annotations

import math

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Table, TableStyle

from evaluation.analysis import reflection_timeline
from evaluation.analysis._common import blank, neutral_sort
from evaluation.brief.charts import series, series_chart
from evaluation.brief.context import BriefCtx as Ctx
from evaluation.brief.layout import (
    HEIGHT,
    SHADE,
    WIDTH,
    fitted,
    gap,
    para,
    role_marks,
    styles,
)
from evaluation.catalogue import fold, load_catalogue
from evaluation.formatting import format_date, format_number
from evaluation.model import PHASE_ORDER
from evaluation.report.charts import short_period
from evaluation.report.context import rubric_step

QUOTES = 2
MOST_CHARTS = 20
GRID_HEIGHT = 22.0 * cm  # the indicators' share of page two
LABEL_LINES = 3  # a chart's label wraps to at most this many lines, then an ellipsis


def shown_number(value: object, suppressed: bool, unit: str, ctx: Ctx) -> str:
    """A number as the brief writes it: the neutral mark when withheld, a share as %."""
    if suppressed:
        return ctx.withheld()
    if blank(value):
        return "–"
    v = float(value)  # type: ignore[arg-type]
    if unit == "share":
        return f"{format_number(v * 100, ctx.lang, 0)}%"
    if unit == "rubric":
        return str(rubric_step(v))
    return format_number(v, ctx.lang)


def _header(ctx: Ctx, iid: str, window: str, audience: str) -> list[Flowable]:
    s = styles()
    prof = ctx.part("initiatives", iid)
    p = prof.iloc[-1] if len(prof) else None
    out: list[Flowable] = [para(ctx.names.get(iid, iid), s.title)]
    if p is not None:
        facts = [
            str(p["city"]) if not blank(p["city"]) else None,
            ctx.s_brief("founded", year=int(p["founded_year"]))
            if not blank(p["founded_year"])
            else None,
            ctx.choice("organisation_forms", p["organisation_form"]),
            ctx.choices("authorship", p["written_with"]),
        ]
        out.append(para(" · ".join(f for f in facts if f), s.subtitle))
    out.append(para(ctx.s_brief("window_line", window=window, audience=audience), s.subtitle))
    return out


def _own_words(ctx: Ctx, iid: str) -> list[Flowable]:
    s = styles()
    prof = ctx.part("initiatives", iid)
    p = prof.iloc[-1] if len(prof) else None
    out: list[Flowable] = [para(ctx.s_brief("own_words"), s.heading)]
    mission = None if p is None or blank(p["mission"]) else str(p["mission"])
    out.append(
        fitted(f"“{mission}”", s.quote, WIDTH - 10, 4.3 * cm)
        if mission
        else para(ctx.s_brief("no_mission"), s.body)
    )
    if p is not None and not blank(p["intentions"]):
        out.append(gap(4))
        out.append(para(ctx.col("intentions"), s.cell_bold))
        out.append(fitted(str(p["intentions"]), s.body, WIDTH, 2.0 * cm))
    return out


def _phases(ctx: Ctx, iid: str) -> list[Flowable]:
    s = styles()
    prof = ctx.part("initiatives", iid)
    p = prof.iloc[-1] if len(prof) else None
    primary = None if p is None else p["primary_phase"]
    secondary = (
        set()
        if p is None or blank(p["secondary_phases"])
        else set(str(p["secondary_phases"]).split(";"))
    )
    cells, shade = [], []
    for k, ph in enumerate(PHASE_ORDER):
        role = "primary" if ph == primary else "secondary" if ph in secondary else "none"
        mark = role_marks()[role]
        cells.append(
            [
                para(f"{mark} {ctx.choice('phases', ph)}", s.cell_bold),
                para(ctx.choice("phase_roles", role) or "", s.cell),
            ]
        )
        if role == "primary":
            shade.append(("BACKGROUND", (k, 0), (k, 0), SHADE))
    table = Table([cells], colWidths=[WIDTH / 3] * 3)
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, "#999999"),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, "#999999"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                *shade,
            ]
        )
    )
    return [para(ctx.s_brief("phases"), s.heading), table]


def _quotes(ctx: Ctx, iid: str) -> list[Flowable]:
    """Two stories this audience may read (``Disclosed`` holds only those), newest first,
    then by title; a story told twice is quoted once."""
    s = styles()
    out: list[Flowable] = [para(ctx.s_brief("quotes"), s.heading)]
    st = ctx.part("stories", iid)
    st = st[st["text"].notna()]
    st = neutral_sort(st, text=["title"], order=["title"])
    st = st.sort_values("date", ascending=False, kind="stable")
    seen: set[str] = set()
    n = 0
    for r in st.itertuples():
        text = " ".join(str(r.text).split())
        if not text or fold(text) in seen:
            continue
        seen.add(fold(text))
        out.append(fitted(f"“{text}”", s.quote, WIDTH - 10, 3.1 * cm))
        source = [
            ctx.choice("voices", r.voice),
            format_date(r.date, ctx.lang) if not blank(r.date) else None,
            ctx.choice("phases", r.phase),
        ]
        out.append(para("— " + ", ".join(x for x in source if x), s.source))
        n += 1
        if n == QUOTES:
            break
    if not n:
        out.append(para(ctx.s_brief("no_quotes"), s.body))
    return out


def partners(ctx: Ctx, iid: str) -> dict[str, list[str]]:
    """The initiative's partners by kind (the partner-type list's order), each by name, in
    either direction of a tie: who it named, and the initiatives that named it."""
    net = ctx.ds.network
    kinds = load_catalogue().choices("partner_types").codes
    found: dict[str, set[str]] = {}
    mine = net[net["initiative_id"].astype(str) == iid]
    for r in mine.itertuples():
        if not blank(r.partner_initiative_id):
            name = ctx.names.get(str(r.partner_initiative_id), str(r.partner))
        else:
            name = str(r.partner).strip()
        found.setdefault(str(r.partner_type), set()).add(name)
    named_me = net[net["partner_initiative_id"].astype(str) == iid]
    for other in named_me["initiative_id"].astype(str).unique():
        found.setdefault("initiative", set()).add(ctx.names.get(other, other))
    order = [k for k in kinds if k in found] + sorted(set(found) - set(kinds))
    return {k: sorted(found[k], key=fold) for k in order}


def _network(ctx: Ctx, iid: str) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [para(ctx.s_brief("network"), s.heading)]
    ties = partners(ctx, iid)
    if not ties:
        return [*out, para(ctx.s_brief("no_network"), s.body)]
    total = sum(len(v) for v in ties.values())
    out.append(para(ctx.s_brief("network_count", n=total, kinds=len(ties)), s.body))
    out.append(gap(3))
    rows = [
        [
            para(ctx.choice("partner_types", kind) or kind, s.cell_bold),
            fitted(", ".join(names), s.cell, WIDTH * 0.72 - 12, 1.1 * cm),
        ]
        for kind, names in ties.items()
    ]
    table = Table(rows, colWidths=[WIDTH * 0.28, WIDTH * 0.72])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, "#cccccc"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return [*out, table]


def chart_cell(
    label: str,
    periods: list[str],
    ys: list[float | None],
    hidden: list[bool],
    unit: str,
    caption: str,
    lang: str,
    width: float,
    chart_h: float,
) -> list[Flowable]:
    """A small chart with its label above (two lines at most) and one line under it."""
    s = styles()
    return [
        fitted(label, s.cell_bold, width - 6, LABEL_LINES * s.cell_bold.leading + 1),
        series_chart(periods, ys, hidden, unit, lang, width / cm - 0.15, chart_h / cm),
        fitted(caption, s.small, width - 6, s.small.leading + 1),
    ]


def chart_grid(cells: list[list[Flowable]], cols: int, width: float) -> Table:
    """The cells ``cols`` to a row, each part on a table row of its own so that the charts
    of a row line up whatever the length of their labels (a label sits on its chart)."""
    rows: list[list[Flowable | str]] = []
    styles_: list[tuple] = [
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
    for i in range(0, len(cells), cols):
        group = cells[i : i + cols]
        group += [["", "", ""]] * (cols - len(group))
        k = len(rows)
        rows += [[c[part] for c in group] for part in range(3)]
        styles_ += [
            ("VALIGN", (0, k), (-1, k), "BOTTOM"),
            ("VALIGN", (0, k + 1), (-1, k + 2), "TOP"),
            ("TOPPADDING", (0, k), (-1, k), 4),
            ("BOTTOMPADDING", (0, k + 2), (-1, k + 2), 4),
        ]
    table = Table(rows, colWidths=[width] * cols)
    table.setStyle(TableStyle(styles_))
    return table


def _indicator_cells(ctx: Ctx, iid: str, width: float, chart_h: float) -> list[list[Flowable]]:
    """One cell per indicator: its label, its chart on its own scale, its latest value."""
    values = ctx.part("values", iid)
    values = values[values["unit"] != "text"]
    periods = [p for p in ctx.periods if p in set(values["period"])]
    cells = []
    for code, part in values.groupby("indicator", sort=False):
        unit = str(part["unit"].iloc[0])
        ys, hidden = series(part, periods, "value", "value_suppressed")
        last = part.iloc[-1]
        latest = ctx.s_brief(
            "latest",
            period=short_period(str(last["period"]), ctx.lang),
            value=shown_number(last["value"], bool(last["value_suppressed"]), unit, ctx),
        )
        label = ctx.indicator_label(str(code), iid)
        if bool(part["own"].astype(bool).any()):
            label = ctx.s_brief("own_label", label=label)
        cells.append(chart_cell(label, periods, ys, hidden, unit, latest, ctx.lang, width, chart_h))
    return cells


def _indicators(ctx: Ctx, iid: str) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [
        para(ctx.s_brief("indicators"), s.heading),
        para(ctx.s_brief("indicators_caption"), s.small),
        gap(4),
    ]
    n_all = ctx.part("values", iid)
    n_all = n_all[n_all["unit"] != "text"]["indicator"].nunique()
    if not n_all:
        return [*out, para(ctx.s_brief("no_indicators"), s.body)]
    shown = min(n_all, MOST_CHARTS)
    cols = 3 if shown <= 12 else 4
    rows = math.ceil(shown / cols)
    width = WIDTH / cols
    text_h = 2 * s.cell_bold.leading + s.small.leading + 10
    chart_h = min(4.2 * cm, GRID_HEIGHT / rows - text_h)
    cells = _indicator_cells(ctx, iid, width, chart_h)[:shown]
    table = chart_grid(cells, cols, width)
    out.append(table)
    if n_all > shown:
        out.append(para(ctx.s_brief("more_indicators", n=n_all - shown), s.small))
    return out


def _reflection(ctx: Ctx, iid: str, height: float) -> list[Flowable]:
    """The latest period's reflection answers that this audience may read."""
    s = styles()
    refl = reflection_timeline(ctx.dataset_of(iid), iid)
    if len(refl):
        refl = refl[refl["answer"].notna() | refl["self_view"].notna()]
    if not len(refl):
        return [
            para(ctx.s_brief("reflection"), s.heading),
            para(ctx.s_brief("no_reflection"), s.body),
        ]
    period = [p for p in ctx.periods if p in set(refl["period"])][-1]
    rows = refl[refl["period"] == period]
    out: list[Flowable] = [para(ctx.s_brief("reflection_of", period=ctx.period(period)), s.heading)]
    left = height - 1.0 * cm
    per_item = max(left / max(len(rows), 1), 0.9 * cm)
    for r in rows.itertuples():
        question = ctx.choice("reflection_questions", r.question) or str(r.question)
        parts = []
        if not blank(r.answer):
            parts.append(" ".join(str(r.answer).split()))
        if not blank(r.self_view):
            parts.append(ctx.choice("rubric_steps", rubric_step(r.self_view)) or "")
        out.append(para(question, s.cell_bold))
        out.append(fitted(" — ".join(parts), s.cell, WIDTH, per_item - s.cell_bold.leading))
        out.append(gap(2))
    return out


def _closing(ctx: Ctx) -> list[Flowable]:
    s = styles()
    return [
        gap(6),
        para(ctx.s_brief("withheld_note", threshold=ctx.threshold, mark=ctx.withheld()), s.small),
        para(ctx.s_brief("neutral_note"), s.small),
    ]


def initiative_pages(
    ctx: Ctx, iid: str, window: str, audience: str
) -> tuple[list[Flowable], list[Flowable]]:
    """The two pages' contents (each fits its page: ``evaluation.brief.layout``)."""
    first = [
        *_header(ctx, iid, window, audience),
        *_own_words(ctx, iid),
        *_phases(ctx, iid),
        *_quotes(ctx, iid),
        *_network(ctx, iid),
    ]
    used = sum(f.wrap(WIDTH, HEIGHT)[1] for f in first)
    first += _reflection(ctx, iid, HEIGHT - used - 0.3 * cm)
    second = [*_indicators(ctx, iid), *_closing(ctx)]
    return first, second
