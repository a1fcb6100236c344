"""The network's published narrative for the report (issue 14, point 8).

Why here and not in ``evaluation.report``: the report is built from a ``Disclosed`` and the
submissions, and the narrative is neither; it is the network's own text, published on
purpose, and the same for every audience. ``published_in`` gives the published version of
each period of a selection; ``add_narrative_sheet`` lays them out on a sheet of a report
workbook (placed right after the reading guide, so the report opens with the network's own
words). Drafts never reach a report.

``load_sample`` saves the sample's narrative and funder reflections
(``sample_data/spec/narrative.yaml``) when the sample workbooks are loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from evaluation.access import Principal
from evaluation.catalogue import load_yaml
from evaluation.formatting import format_date, format_period
from evaluation.i18n import t
from evaluation.report.cells import TITLE_FONT, WRAP, heading, put, set_widths, sheet_name
from evaluation.store.narrative import (
    PUBLISHED,
    Version,
    add_comment,
    has_texts,
    published,
    save_narrative,
    save_reflection,
)

_ANYONE = Principal("public")


def periods_between(
    available: Sequence[str], period_from: str | None = None, period_to: str | None = None
) -> list[str]:
    """The periods of ``available`` (in time order) from ``period_from`` to ``period_to``."""
    items = list(available)
    start = items.index(period_from) if period_from in items else 0
    end = items.index(period_to) + 1 if period_to in items else len(items)
    return items[start:end]


def published_in(store: Any, periods: Sequence[str]) -> list[Version]:
    """The latest published narrative of each of ``periods`` that has one, in their order."""
    found = (published(store, p) for p in periods)
    return [v for v in found if v is not None]


def published_text(store: Any, period: str | None = None) -> str | None:
    """The published narrative's text for ``period`` (None: the one published last)."""
    version = published(store, period)
    return version.text if version else None


def add_narrative_sheet(
    wb: Workbook,
    store: Any,
    lang: str = "nl",
    period_from: str | None = None,
    period_to: str | None = None,
    index: int = 1,
) -> Any:
    """Add the network's published narrative for the report's periods as a sheet at
    ``index`` (after the reading guide); returns the sheet."""
    chosen = periods_between(store.periods(_ANYONE), period_from, period_to)
    versions = published_in(store, chosen)
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


# --- the sample ------------------------------------------------------------------------------

SAMPLE_FILE = "narrative.yaml"  # in the sample folder's spec/ (beside evaluation.sample's)


def load_sample(store: Any, folder: Path | None) -> int:
    """Save the sample's narrative versions (with the comments on each draft, before the
    next version) and funder reflections into a store that has none yet; the number of
    texts saved. Loading again adds nothing."""
    path = folder / "spec" / SAMPLE_FILE if folder else None
    if path is None or not path.is_file():
        return 0
    spec = load_yaml(path) or {}
    story = spec.get("narrative") or {}
    admin = Principal("admin", name="sample-data")
    if has_texts(store):
        return 0
    saved = 0
    for number, item in enumerate(story.get("versions", []), start=1):
        v = save_narrative(store, admin, story["period"], item["text"], item["status"] == PUBLISHED)
        saved += 1
        for c in story.get("comments", []):
            if c["on_version"] == number:
                who = Principal("initiative", c["initiative"], name="sample-data")
                add_comment(store, who, v.id, c["text"])
                saved += 1
    for item in spec.get("reflections", []):
        funder = Principal("funder", name=item["funder"])
        save_reflection(
            store, funder, item["period"], item["name"], item["pulled"], item["loosened"]
        )
        saved += 1
    return saved
