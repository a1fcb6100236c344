"""The network's published narratives as a sheet of the report (issue 14, point 8).

The narrative is the network's own text, published on purpose and the same for every
audience; the caller reads the published versions of the report's periods from the store
(``evaluation.narrative.published_in``) and passes them in, so the report never opens the
store. Drafts never reach a report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from evaluation.formatting import format_date, format_period
from evaluation.i18n import t
from evaluation.report.cells import TITLE_FONT, WRAP, heading, put, set_widths, sheet_name

if TYPE_CHECKING:
    from evaluation.narrative import Version


def add_narrative_sheet(
    wb: Workbook, versions: Sequence[Version], lang: str = "nl", index: int = 1
) -> Any:
    """Add the network's published narratives (one per period, in time order) as a sheet at
    ``index`` (after the reading guide); returns the sheet. The caller reads them from the
    store (``evaluation.narrative.published_in``): the report never opens the store."""
    taken = {ws.title.casefold() for ws in wb.worksheets}
    ws = wb.create_sheet(sheet_name(t("narrative.report_sheet", lang), taken), index)
    put(ws, 1, 1, t("narrative.title", lang), lang).font = TITLE_FONT
    row = 3
    if not versions:
        put(ws, row, 1, t("narrative.report_none", lang), lang)
    for v in versions:
        heading(ws, row, format_period(v.period, lang), lang)
        caption = t(
            "narrative.published_caption",
            lang,
            period=format_period(v.period, lang),
            version=v.version,
            date=format_date(v.written_at.date(), lang),
        )
        put(ws, row + 1, 1, caption, lang)
        cell = put(ws, row + 2, 1, v.text, lang)
        cell.alignment = WRAP
        lines = sum(max(1, len(p) // 100 + 1) for p in v.text.split("\n"))
        ws.row_dimensions[row + 2].height = 15.0 * lines + 3
        row += 4
    set_widths(ws, {1: 110})
    return ws
