"""The appendix tables: stories, the network (Kumu's From/To/Type), the data and the data
dictionary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.analysis import build_graph
from evaluation.analysis._common import neutral_sort
from evaluation.report.cells import (
    NUMBER_FORMATS,
    WRAP,
    header_row,
    heading,
    put,
    set_widths,
)
from evaluation.report.context import (
    KUMU_COLUMNS,
    REFERRALS,
    Ctx,
    as_date,
    fmt_for_unit,
    write_table,
)


def stories_sheet(ws: Worksheet, ctx: Ctx) -> None:
    st = ctx.stories.copy()
    st["_name"] = st["initiative_id"].map(lambda i: ctx.names.get(str(i), str(i)))
    st = neutral_sort(
        st, text=["_name"], period=["period"], periods=ctx.periods, order=["_name", "period"]
    )
    rows = [
        [
            r["_name"],
            ctx.period(r["period"]),
            as_date(r["date"]),
            r["title"],
            r["text"],
            ctx.choice("voices", r["voice"]),
            ctx.choice("phases", r["phase"]),
            ctx.choices("themes", r["themes"]),
            r["why_it_matters"],
        ]
        for r in st.to_dict("records")
    ]
    headers = [ctx.col(k) for k in ("initiative", "period", "date", "title", "text", "voice")]
    headers += [ctx.col(k) for k in ("phase", "themes", "why_it_matters")]
    write_table(ws, 1, headers, rows, ctx, empty_note=False)
    set_widths(ws, {1: 24, 2: 16, 3: 16, 4: 30, 5: 80, 6: 16, 7: 20, 8: 30, 9: 50})
    for r in range(2, len(rows) + 2):
        for c in (5, 9):
            ws.cell(row=r, column=c).alignment = WRAP
    ws.freeze_panes = "A2"


def network_sheet(ws: Worksheet, ctx: Ctx) -> None:
    """Ties in Kumu's connection shape: From, To, Type, then extra columns.

    Numbers of people referred are not repeated here: they are on the Collective story sheet
    per period, protected there; a sum over periods beside them could give a withheld
    period away. Counts of other relations (not people) are kept.
    """
    g = build_graph(ctx.ds)  # counts as disclosed (people referred are not written here)
    relation_order = ctx.cat.choices("relation_types").codes
    recs = []
    for u, v, data in g.edges(data=True):
        rel = data["relation"]
        recs.append(
            {
                "from": _node_label(ctx, g, u),
                "to": _node_label(ctx, g, v),
                "relation": rel,
                "from_type": g.nodes[u]["partner_type"],
                "to_type": g.nodes[v]["partner_type"],
                "periods": period_runs(ctx, data["periods"]),
                "count": None if rel in REFERRALS else data["count"],
            }
        )
    frame = pd.DataFrame(
        recs, columns=["from", "to", "relation", "from_type", "to_type", "periods", "count"]
    )
    frame = neutral_sort(
        frame,
        text=["from", "to"],
        choice={"relation": tuple(relation_order)},
        order=["from", "to", "relation"],
    )
    rows = [
        [
            r["from"],
            r["to"],
            ctx.choice("relation_types", r["relation"]),
            ctx.choice("partner_types", r["from_type"]),
            ctx.choice("partner_types", r["to_type"]),
            r["periods"],
            r["count"],
        ]
        for r in frame.to_dict("records")
    ]
    headers = list(KUMU_COLUMNS) + [
        ctx.col(k) for k in ("from_type", "to_type", "periods", "count")
    ]
    write_table(ws, 1, headers, rows, ctx, formats={6: NUMBER_FORMATS["count"]}, empty_note=False)
    set_widths(ws, {1: 30, 2: 30, 3: 22, 4: 20, 5: 20, 6: 46, 7: 14})
    for r in range(2, len(rows) + 2):  # a tie of many periods prints them all, wrapped
        ws.cell(row=r, column=6).alignment = WRAP
    ws.freeze_panes = "A2"


def _quarter_index(period: object) -> int | None:
    text = str(period)
    if len(text) == 7 and text[4:6] == "-Q" and text[:4].isdigit() and text[6] in "1234":
        return int(text[:4]) * 4 + int(text[6]) - 1
    return None


def period_runs(ctx: Ctx, periods: Sequence[object]) -> str:
    """Periods as written in a cell: consecutive quarters as one range ("1e kwartaal 2024 tot
    en met 4e kwartaal 2025"), every other period on its own; nothing left out."""
    order: dict[object, int] = {p: i for i, p in enumerate(ctx.periods)}
    runs: list[list[object]] = []
    for p in sorted(periods, key=lambda p: (order.get(p, len(order)), str(p))):
        q = _quarter_index(p)
        last = _quarter_index(runs[-1][-1]) if runs else None
        if q is not None and last is not None and q == last + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    shown = [
        ctx.period(r[0]) or ""
        if len(r) == 1
        else ctx.s("meta.period_range", first=ctx.period(r[0]), last=ctx.period(r[-1]))
        for r in runs
    ]
    return ", ".join(shown)


def _node_label(ctx: Ctx, g: Any, node: str) -> str:
    data = g.nodes[node]
    if data.get("kind") == "initiative":
        return ctx.names.get(node, str(data.get("label") or node))
    return str(data.get("label") or node)


def data_sheet(ws: Worksheet, ctx: Ctx) -> None:
    obs = ctx.observations.copy()
    obs["iname"] = obs["initiative_id"].map(lambda i: ctx.names.get(str(i), str(i)))
    order = list(ctx.cat.indicator_codes)
    own = sorted(set(obs["indicator"]) - set(order))
    obs = neutral_sort(
        obs,
        text=["iname", "initiative_id"],
        period=["period"],
        choice={"indicator": tuple(order + own)},
        periods=ctx.periods,
        order=["iname", "initiative_id", "period", "indicator"],
    )
    keys = ["initiative", "initiative_id", "period", "period_start", "period_end"]
    keys += ["indicator_code", "indicator", "dimension", "unit", "own", "phase", "activity_type"]
    keys += ["value", "numerator", "denominator", "text_value"]
    if ctx.show_texts:
        keys.append("note")
    keys.append("submission_id")
    header_row(ws, 1, 1, [ctx.col(k) for k in keys], ctx.lang)
    label_cache: dict[tuple[str, str], str] = {}
    lang = ctx.lang
    for i, r in enumerate(obs.itertuples(index=False), start=2):
        iid, code = str(r.initiative_id), str(r.indicator)
        if (iid, code) not in label_cache:
            label_cache[(iid, code)] = ctx.indicator_label(code, iid)
        fmt = fmt_for_unit(r.unit)
        values: list[tuple[object, str | None]] = [
            (r.iname, None),
            (iid, None),
            (r.period, None),
            (as_date(r.period_start), None),
            (as_date(r.period_end), None),
            (code, None),
            (label_cache[(iid, code)], None),
            (ctx.choice("dimensions", r.dimension), None),
            (ctx.choice("units", r.unit), None),
            (ctx.yes_no(r.own), None),
            (ctx.choice("phases", r.phase), None),
            (r.activity_type, None),
            (ctx.number(r.value, bool(r.value_suppressed)), fmt),
            (ctx.number(r.numerator, bool(r.numerator_suppressed)), NUMBER_FORMATS["count"]),
            (ctx.number(r.denominator, bool(r.denominator_suppressed)), NUMBER_FORMATS["count"]),
            (r.text_value, None),
        ]
        if ctx.show_texts:
            values.append((r.note, None))
        values.append((r.submission_id, "0"))
        for j, (v, f) in enumerate(values, start=1):
            put(ws, i, j, v, lang, f)
    set_widths(ws, {1: 24, 2: 20, 3: 10, 4: 14, 5: 14, 6: 28, 7: 34, 12: 28, 16: 20, 17: 30})
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def dictionary_sheet(ws: Worksheet, ctx: Ctx) -> None:
    lang = ctx.lang
    heading(ws, 1, ctx.s("dictionary.catalogue"), lang)
    rows = []
    for ind in ctx.cat.indicators:
        rows.append(
            [
                ind.code,
                ind.label(lang),
                ind.definition(lang),
                ctx.choice("dimensions", ind.dimension),
                ctx.choice("units", ind.unit),
                ", ".join(ctx.choice("phases", p) or p for p in ind.phases),
                ctx.cat.concepts.label(ind.concept, lang),
                ind.why.get(lang, ""),
                ind.source.get("section", ""),
                ind.source.get("passage", ""),
            ]
        )
    keys = ["indicator_code", "label", "definition", "dimension", "unit", "phases", "concept"]
    keys += ["why", "source_section", "source_passage"]
    row = write_table(ws, 2, [ctx.col(k) for k in keys], rows, ctx)
    for r in range(3, 3 + len(rows)):
        for c in (3, 8, 10):
            ws.cell(row=r, column=c).alignment = WRAP
    heading(ws, row, ctx.s("dictionary.own"), lang)
    own = ctx.ds.own_indicators.copy()
    own["_name"] = own["initiative_id"].map(lambda i: ctx.names.get(str(i), str(i)))
    own = own.drop_duplicates(["initiative_id", "indicator"], keep="last")
    own = neutral_sort(own, text=["_name", "indicator"], order=["_name", "indicator"])
    rows = [
        [
            r["_name"],
            r["indicator"],
            r["label"],
            r["definition"],
            ctx.choice("dimensions", r["dimension"]),
            ctx.choice("units", r["unit"]),
            ctx.choice("phases", r["phase"]),
        ]
        for r in own.to_dict("records")
    ]
    keys = ["initiative", "indicator_code", "label", "definition", "dimension", "unit", "phase"]
    write_table(ws, row + 1, [ctx.col(k) for k in keys], rows, ctx)
    set_widths(ws, {1: 28, 2: 30, 3: 60, 4: 40, 5: 20, 6: 24, 7: 30, 8: 60, 9: 30, 10: 60})
