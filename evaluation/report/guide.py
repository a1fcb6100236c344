"""The reading guide: the framework in brief, how to read each sheet, what was left out."""

from __future__ import annotations

import datetime as dt

from openpyxl.worksheet.worksheet import Worksheet

from evaluation.formatting import format_date
from evaluation.i18n import t
from evaluation.model import PHASE_ORDER
from evaluation.report.cells import (
    TITLE_FONT,
    WRAP,
    heading,
    put,
    set_widths,
)
from evaluation.report.context import (
    Ctx,
    paragraph,
    withheld_counts,
)

# characters across: one column of text that fits A4 upright at full size, so the guide
# reads at 11 points whatever the spreadsheet does with scaling
GUIDE_WIDTH = 72


def guide_sheet(ws: Worksheet, ctx: Ctx, sheet_titles: dict[str, str], n_initiatives: int) -> None:
    lang = ctx.lang
    set_widths(ws, {1: GUIDE_WIDTH})
    title = put(ws, 1, 1, ctx.s("title"), lang)
    title.font, title.alignment = TITLE_FONT, WRAP  # wider than the column: on two lines
    periods = ctx.periods
    meta = [
        (ctx.s("audience.label"), ctx.s(f"audience.{ctx.audience}")),
        (ctx.s("meta.created"), dt.date.today()),
        (ctx.s("meta.initiatives"), n_initiatives),
        (
            ctx.s("meta.periods"),
            ctx.s(
                "meta.period_range",
                first=ctx.period(periods[0]),
                last=ctx.period(periods[-1]),
            )
            if periods
            else ctx.s("meta.none"),
        ),
    ]
    row = 3
    for label, value in meta:
        shown = format_date(value, lang) if isinstance(value, dt.date) else value
        put(ws, row, 1, f"{label}: {shown}", lang)
        row += 1
    row += 1

    def section(title_key: str, texts: list[str]) -> None:
        nonlocal row
        heading(ws, row, t(title_key, lang), lang)
        row += 1
        for text in texts:
            row = paragraph(ws, row, text, lang)
        row += 1

    section("about.headings.what", [t("about.intro", lang)])
    section("about.headings.reading_guide", [t("about.reading_guide", lang)])
    section(
        "about.headings.phases",
        [t(f"about.phases.{p}", lang) for p in ("intro", *PHASE_ORDER)],
    )
    section("about.headings.relational_autonomy", [t("about.relational_autonomy", lang)])
    section("about.headings.no_targets", [t("about.no_targets", lang)])
    section(
        "report.guide.how_to_read",
        [f"{sheet_titles[k]}: {ctx.s(f'guide.sheets.{k}')}" for k in sheet_titles],
    )
    privacy = [
        t("about.small_numbers", lang),
        ctx.s("guide.threshold", threshold=ctx.threshold),
        ctx.s("guide.withheld", **withheld_counts(ctx)),
        ctx.s("guide.stories_left_out", n=ctx.n_stories_left_out, shown=len(ctx.stories)),
    ]
    if not ctx.show_texts:
        privacy.append(ctx.s("guide.public_texts"))
    privacy.append(ctx.s("guide.no_names"))
    section("report.guide.privacy", privacy)
