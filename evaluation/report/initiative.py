"""One sheet per initiative: its own words, phases, indicators per dimension with charts
on its own scale, notes, stories and reflections."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.analysis import reflection_timeline
from evaluation.analysis._common import neutral_sort
from evaluation.model import PHASE_ORDER
from evaluation.report.cells import (
    HEADER_FONT,
    TITLE_FONT,
    WRAP,
    blank,
    header_row,
    heading,
    merge,
    put,
    set_widths,
)
from evaluation.report.charts import line_chart, short_period
from evaluation.report.context import (
    CHART_COL,
    CHART_COLS,
    CHART_DATA_MIN_COL,
    CHART_ROWS,
    CHART_SIZE,
    DIMENSIONS,
    TOP,
    Ctx,
    as_date,
    fmt_for_unit,
    rubric_step,
    write_table,
)
from evaluation.report.printing import lay_out


def _indicator_block(
    ws: Worksheet,
    row: int,
    ctx: Ctx,
    iid: str,
    values: pd.DataFrame,
    title: str,
    chart_title: Callable[[str], str],
) -> int:
    """A table (periods as rows, indicators as columns), its chart data and line charts."""
    from openpyxl.utils import get_column_letter

    lang = ctx.lang
    heading(ws, row, title, lang)
    codes = list(dict.fromkeys(values["indicator"]))
    periods = [p for p in ctx.periods if p in set(values["period"])]
    firsts = values.drop_duplicates("indicator")
    unit_of = {str(c): str(u) for c, u in zip(firsts["indicator"], firsts["unit"], strict=True)}
    headers = [ctx.col("period")] + [ctx.indicator_label(c, iid) for c in codes]
    header_row(ws, row + 1, 1, headers, lang)
    cell = {(r["indicator"], r["period"]): r for r in values.to_dict("records")}
    # the chart data: numbers only (a withheld number left blank), grouped by unit so that
    # each chart's series are side by side
    charted = [c for c in codes if unit_of[c] != "text"]
    charted.sort(
        key=lambda c: (
            ("count", "hours", "share", "rubric").index(unit_of[c])
            if unit_of[c] in ("count", "hours", "share", "rubric")
            else 9
        )
    )
    data_col = max(CHART_DATA_MIN_COL, len(headers) + 3)
    if charted:
        put(ws, row, data_col, ctx.s("initiative.chart_data"), lang)
        header_row(
            ws,
            row + 1,
            data_col,
            [ctx.col("period")] + [ctx.indicator_label(c, iid) for c in charted],
            lang,
        )
    for i, p in enumerate(periods):
        r = row + 2 + i
        put(ws, r, 1, ctx.period(p), lang)
        if charted:
            put(ws, r, data_col, short_period(p, lang), lang)
        for j, code in enumerate(codes):
            rec = cell.get((code, p))
            if rec is None:
                continue
            unit = unit_of[code]
            if unit == "text":
                shown = rec["text_value"]
            else:
                shown = ctx.number(rec["value"], bool(rec["value_suppressed"]))
            put(ws, r, 2 + j, shown, lang, fmt_for_unit(unit))
            if code in charted and not rec["value_suppressed"] and not blank(rec["value"]):
                put(
                    ws,
                    r,
                    data_col + 1 + charted.index(code),
                    rec["value"],
                    lang,
                    fmt_for_unit(unit),
                )
    last = row + 1 + len(periods)
    # the charts stand beside the table, one under the other, right of its widest row
    chart_col = max(CHART_COL, len(headers) + 2)
    k = 0
    for unit in ("count", "hours", "share", "rubric"):
        idx = [i for i, c in enumerate(charted) if unit_of[c] == unit]
        if not idx or not periods:
            continue
        line_chart(
            ws,
            chart_title(unit),
            unit,
            ctx,
            (data_col + 1 + idx[0], data_col + 1 + idx[-1]),
            data_col,
            row + 1,
            last,
            f"{get_column_letter(chart_col)}{row + k * CHART_ROWS}",
            CHART_SIZE,
        )
        k += 1
    return max(last + 2, row + k * CHART_ROWS + 1)


def initiative_sheet(ws: Worksheet, ctx: Ctx, iid: str) -> None:
    lang = ctx.lang
    set_widths(ws, {1: 17, **{c: 11 for c in range(2, 26)}})
    prof = ctx.part("initiatives", iid)
    p = prof.iloc[-1] if len(prof) else None
    put(ws, 1, 1, ctx.names.get(iid, iid), lang).font = TITLE_FONT
    row = 2
    if p is not None:
        facts = [
            ("initiative_id", iid),
            ("city", p["city"]),
            ("founded_year", p["founded_year"]),
            ("organisation_form", ctx.choice("organisation_forms", p["organisation_form"])),
            ("written_with", ctx.choices("authorship", p["written_with"])),
        ]
        for key, value in facts:
            put(ws, row, 1, ctx.col(key), lang)
            put(ws, row, 2, value, lang, "0" if key == "founded_year" else None)
            row += 1
        # the phases beside the facts (both short), the own words under them, page-wide
        heading(ws, 2, ctx.s("initiative.phases"), lang, col=CHART_COL)
        secondary = (
            set() if blank(p["secondary_phases"]) else set(str(p["secondary_phases"]).split(";"))
        )
        rows: list[list[object]] = [
            [
                ctx.choice("phases", ph),
                ctx.choice(
                    "phase_roles",
                    "primary"
                    if p["primary_phase"] == ph
                    else "secondary"
                    if ph in secondary
                    else "none",
                ),
            ]
            for ph in PHASE_ORDER
        ]
        headers = [ctx.col("phase"), ctx.col("role")]
        phases_end = write_table(ws, 3, headers, rows, ctx, col=CHART_COL, spans=(3, 2))
        row = max(row + 1, phases_end)
        heading(ws, row, ctx.s("initiative.own_words"), lang)
        row += 1
        for key in ("mission", "intentions"):
            put(ws, row, 1, ctx.col(key), lang)
            c = put(ws, row, 2, p[key], lang)
            c.alignment = WRAP
            merge(ws, row, 2, CHART_COL + CHART_COLS - 1)
            row += 1
        row += 1

    mine = ctx.part("values", iid)
    keep: list[tuple[int, int]] = []  # blocks printed on one page: a table with its charts
    own = mine["own"].astype(bool)
    for dim in DIMENSIONS:
        part = mine[(mine["dimension"] == dim) & ~own]
        if not len(part):
            continue
        dim_label = ctx.choice("dimensions", dim) or dim
        start = row
        row = _indicator_block(
            ws,
            row,
            ctx,
            iid,
            part,
            ctx.s("initiative.dimension_table", dimension=dim_label),
            _chart_title(ctx, dim_label),
        )
        keep.append((start, row - 2))
    part = mine[own]
    if len(part):
        start = row
        row = _indicator_block(
            ws,
            row,
            ctx,
            iid,
            part,
            ctx.s("initiative.own_indicators"),
            lambda unit: ctx.s("initiative.own_chart_title", unit=ctx.choice("units", unit)),
        )
        keep.append((start, row - 2))

    if ctx.show_texts:
        heading(ws, row, ctx.s("initiative.notes"), lang)
        notes = mine[mine["notes"].notna()]
        rows = [
            [ctx.period(r["period"]), ctx.indicator_label(r["indicator"], iid), r["notes"]]
            for r in notes.to_dict("records")
        ]
        headers = [ctx.col(k) for k in ("period", "indicator", "note")]
        row = write_table(ws, row + 1, headers, rows, ctx, spans=(1, 3, 8))

    heading(ws, row, ctx.s("initiative.stories"), lang)
    st = ctx.part("stories", iid)
    st = neutral_sort(st, period=["period"], periods=ctx.periods, order=["period"])
    rows = [
        [
            ctx.period(r["period"]),
            as_date(r["date"]),
            r["title"],
            ctx.choice("voices", r["voice"]),
            ctx.choice("phases", r["phase"]),
        ]
        for r in st.to_dict("records")
    ]
    headers = [ctx.col(k) for k in ("period", "date", "title", "voice", "phase")]
    row = write_table(ws, row + 1, headers, rows, ctx, spans=(1, 2, 4, 2, 3))

    refl = reflection_timeline(ctx.dataset_of(iid), iid)  # the answers of this audience
    if len(refl):
        row = _reflections(ws, row, ctx, refl)
    # the print area stops before the chart data; a table wider than the charts widens it
    used = [c for (_, c), cell in ws._cells.items() if c < CHART_DATA_MIN_COL and cell.value]
    charts_end = max((c + CHART_COLS for c in _chart_cols(ws)), default=CHART_COL + CHART_COLS)
    last_col = max([charts_end - 1, *used])
    lay_out(ws, last_col=last_col, last_row=row - 2, landscape=False, keep=keep)


# the look back: a question once, then its answers period by period (answer and self-view
# wide enough to print on one line each, not the question again on every row)
REFLECTION_SPANS = (1, 9, 3)


def _reflections(ws: Worksheet, row: int, ctx: Ctx, refl: pd.DataFrame) -> int:
    """The initiative's look back, grouped by question in the questions' own order; returns
    the first free row after a blank line."""
    lang = ctx.lang
    heading(ws, row, ctx.s("initiative.reflections"), lang)
    headers = [ctx.col(k) for k in ("period", "answer", "self_view")]
    write_table(ws, row + 1, headers, [], ctx, spans=REFLECTION_SPANS, empty_note=False)
    r = row + 2
    width = sum(REFLECTION_SPANS)
    questions = list(dict.fromkeys(refl["question"]))
    order = {c.code: i for i, c in enumerate(ctx.cat.choices("reflection_questions").choices)}
    questions.sort(key=lambda q: order.get(q, len(order)))
    for q in questions:
        c = put(ws, r, 1, ctx.choice("reflection_questions", q), lang)
        c.font, c.alignment = HEADER_FONT, WRAP
        merge(ws, r, 1, width)
        r += 1
        part = refl[refl["question"] == q]
        rows = [
            [
                ctx.period(x["period"]),
                x["answer"],
                ctx.choice("rubric_steps", rubric_step(x["self_view"])),
            ]
            for x in part.to_dict("records")
        ]
        r = _rows(ws, r, rows, ctx, REFLECTION_SPANS)
    return r + 1


def _rows(
    ws: Worksheet, row: int, rows: list[list[object]], ctx: Ctx, spans: tuple[int, ...]
) -> int:
    """Rows of a table without its header (``write_table``'s cells); returns the next row."""
    for values in rows:
        col = 1
        for span, v in zip(spans, values, strict=True):
            c = put(ws, row, col, v, ctx.lang)
            c.alignment = WRAP if span > 1 else TOP
            if span > 1:
                merge(ws, row, col, col + span - 1)
            col += span
        row += 1
    return row


def _chart_cols(ws: Worksheet) -> list[int]:
    """The column each chart starts in (1-based)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    return [column_index_from_string(coordinate_from_string(c.anchor)[0]) for c in ws._charts]


def _chart_title(ctx: Ctx, dimension: str) -> Callable[[str], str]:
    """The title of a dimension's chart of one unit."""

    def title(unit: str) -> str:
        return ctx.s("initiative.chart_title", dimension=dimension, unit=ctx.choice("units", unit))

    return title
