"""The collective story: phase puzzle, continuity flows, network positions, the portfolio
totals (outputs always beside the relational and process totals)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.analysis import (
    network_positions,
    phase_coverage,
    phase_puzzle,
)
from evaluation.i18n import t
from evaluation.model import PHASE_ORDER
from evaluation.report.cells import (
    NUMBER_FORMATS,
    TITLE_FONT,
    blank,
    header_row,
    heading,
    put,
    set_widths,
)
from evaluation.report.context import (
    Ctx,
    fmt_for_unit,
    paragraph,
    write_table,
)


def _totals_rows(ctx: Ctx, frame: pd.DataFrame) -> list[list[object]]:
    rows = []
    for r in frame.to_dict("records"):
        unit = r["unit"]
        if unit == "share":
            num, den = r["numerator"], r["denominator"]
            hidden = bool(r.get("numerator_suppressed")) or bool(r.get("denominator_suppressed"))
            value = (
                ctx.withheld()
                if hidden
                else (num / den if not blank(num) and not blank(den) and den else None)
            )
        else:
            value = ctx.number(r["total"], bool(r.get("total_suppressed")))
        rows.append(
            [
                ctx.indicator_label(r["indicator"]),
                ctx.period(r["period"]),
                value,
                r["n_initiatives_reporting"],
            ]
        )
    return rows


def _totals_formats(frame: pd.DataFrame) -> list[str | None]:
    return [fmt_for_unit(u) for u in frame["unit"]]


def collective_sheet(ws: Worksheet, ctx: Ctx) -> None:
    lang = ctx.lang
    ds, viewer = ctx.ds, ctx.viewer
    put(ws, 1, 1, ctx.s("sheet.collective"), lang).font = TITLE_FONT
    row = 3

    # the phase puzzle: initiatives by name, a column per phase with the declared role
    heading(ws, row, ctx.s("collective.puzzle"), lang)
    puzzle = phase_puzzle(ds, viewer)  # stories already those of the audience
    rows: list[list[object]] = []
    for iid in ctx.order:
        sub = puzzle[puzzle["initiative_id"] == iid].set_index("phase")
        roles = [ctx.choice("phase_roles", sub["role"].get(p, "none")) for p in PHASE_ORDER]
        rows.append([ctx.names.get(iid, iid), *roles])
    headers = [ctx.col("initiative")] + [ctx.choice("phases", p) or p for p in PHASE_ORDER]
    row = write_table(ws, row + 1, headers, rows, ctx)

    heading(ws, row, ctx.s("collective.coverage"), lang)
    cov = phase_coverage(ds, viewer)
    rows = [
        [
            ctx.choice("phases", r["phase"]),
            r["n_primary"],
            r["n_secondary"],
            r["n_with_activity"],
            r["n_with_stories"],
            t(f"analysis.coverage.{r['coverage']}", lang),
            ", ".join(x for x in str(r["initiatives"] or "").split(";") if x),
        ]
        for r in cov.to_dict("records")
    ]
    headers = [ctx.col(k) for k in ("phase", "n_primary", "n_secondary", "n_with_activity")]
    headers += [ctx.col(k) for k in ("n_with_stories", "coverage", "initiatives")]
    row = write_table(ws, row + 1, headers, rows, ctx)

    # continuity: people handed on (as disclosed to this audience)
    heading(ws, row, ctx.s("collective.flows"), lang)
    flows = ctx.flows
    kind = _kind_label(ctx)
    rows = [
        [
            ctx.period(r["period"]),
            r["from_label"],
            kind(r["from_kind"]),
            ctx.choice("phases", r["from_phase"]),
            r["to_label"],
            kind(r["to_kind"]),
            ctx.choice("phases", r["to_phase"]),
            ctx.number(r["people"], bool(r["people_suppressed"])),
        ]
        for r in flows.to_dict("records")
    ]
    headers = [ctx.col(k) for k in ("period", "from", "from_kind", "from_phase", "to")]
    headers += [ctx.col(k) for k in ("to_kind", "to_phase", "people")]
    row = write_table(ws, row + 1, headers, rows, ctx, formats={7: NUMBER_FORMATS["count"]})

    heading(ws, row, ctx.s("collective.phase_flows"), lang)
    pf = ctx.phase_flows
    rows = [
        [
            ctx.period(r["period"]),
            ctx.choice("phases", r["from_phase"]),
            ctx.choice("phases", r["to_phase"]),
            ctx.number(r["people"], bool(r["people_suppressed"])),
        ]
        for r in pf.to_dict("records")
    ]
    headers = [ctx.col(k) for k in ("period", "from_phase", "to_phase", "people")]
    row = write_table(ws, row + 1, headers, rows, ctx, formats={3: NUMBER_FORMATS["count"]})

    # what initiatives say about funders' demands: gathered, unnamed (Kader 2)
    heading(ws, row, ctx.s("collective.gathered"), lang)
    row = paragraph(
        ws, row + 1, ctx.s("collective.gathered_note", n=ctx.disclosed.n_gathered), lang
    )
    if ctx.disclosed.gathered:
        rows = [[a] for a in ctx.disclosed.gathered]
        row = write_table(ws, row, [ctx.col("answer")], rows, ctx)
    else:
        row += 1

    heading(ws, row, ctx.s("collective.network"), lang)
    pos = network_positions(ds)
    rows = [
        [
            r["name"],
            r["component"],
            r["ties_formal"],
            r["ties_initiatives"],
            t(f"analysis.bridges.{'yes' if r['bridges'] else 'no'}", lang),
        ]
        for r in pos.to_dict("records")
    ]
    headers = [ctx.col(k) for k in ("initiative", "component", "ties_formal")]
    headers += [ctx.col(k) for k in ("ties_initiatives", "bridges")]
    row = write_table(ws, row + 1, headers, rows, ctx)

    # portfolio totals: outputs beside relational and process, never on their own
    heading(ws, row, ctx.s("collective.portfolio"), lang)
    row = paragraph(ws, row + 1, ctx.s("collective.portfolio_note"), lang, span=14)
    if ctx.selected:
        row = paragraph(ws, row, ctx.s("collective.portfolio_whole"), lang, span=14)
    top = row + 1
    end = top
    headers = [ctx.col(k) for k in ("indicator", "period", "total", "n_reporting")]
    totals = ctx.disclosed.totals[ctx.disclosed.totals["period"].isin(set(ctx.periods))]
    for k, dim in enumerate(("output", "relational", "process")):
        frame = totals[totals["dimension"] == dim]
        col = 1 + k * 5
        heading(ws, top, ctx.choice("dimensions", dim) or dim, lang, col=col)
        trows = _totals_rows(ctx, frame)
        header_row(ws, top + 1, col, headers, lang)
        fmts = _totals_formats(frame)
        for i, values in enumerate(trows):
            for j, v in enumerate(values):
                put(ws, top + 2 + i, col + j, v, lang, fmts[i] if j == 2 else None)
        end = max(end, top + 2 + len(trows))
    set_widths(ws, {1: 34, 2: 22, 3: 16, 4: 16, 5: 22, 6: 34, 7: 22, 8: 16, 9: 16, 11: 34})
    ws.freeze_panes = None


def _kind_label(ctx: Ctx) -> Callable[[object], str | None]:
    def label(kind: object) -> str | None:
        if blank(kind):
            return None
        if kind == "initiative":
            return t("analysis.kind.initiative", ctx.lang)
        return ctx.choice("partner_types", kind)

    return label
