"""The evaluator's Excel report, built from a ``Dataset`` and the submissions behind it.

Pure over data: ``build_report`` takes what an audience may see (a ``Disclosed``, from
``evaluation.disclosure``) and the submissions frame and returns an ``openpyxl.Workbook``;
only ``write_report_file`` (in ``__init__``) touches the store. Every number and text comes
from the ``Disclosed``: the report protects nothing itself, so it withholds exactly what the
dashboard and the tidy export withhold for the same audience. A selection of initiatives or
periods only filters the disclosed tables (protecting a selection anew would let two
selections be subtracted from each other). The report lays it out:

1. Reading guide: the framework in brief (about.yaml), how to read each sheet, and what was
   left out for privacy (threshold, stories not shared with this audience, counted).
2. Collective story: phase puzzle, continuity flows, network positions, and the portfolio
   totals with the outputs always beside the relational and process totals.
3. One sheet per initiative, in the neutral order of names: its own words, its phases, its
   indicators per dimension (periods as rows) with line charts on its own scale, its own
   indicators, notes, stories and reflections.
4. Stories, 5. Network (Kumu's From/To/Type shape), 6. Data, Data dictionary, Provenance.

No sheet sorts initiatives by a value; nothing holds a target, a score or a colour verdict.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.access import ROLES, Principal
from evaluation.analysis import (
    build_graph,
    network_positions,
    phase_coverage,
    phase_puzzle,
    reflection_timeline,
)
from evaluation.analysis._common import initiative_ids as neutral_initiative_ids
from evaluation.analysis._common import names as initiative_names
from evaluation.analysis._common import neutral_sort, sorted_periods
from evaluation.catalogue import Catalogue, fold, load_catalogue
from evaluation.disclosure import Disclosed, shown_value
from evaluation.errors import UserError
from evaluation.formatting import format_date, format_period
from evaluation.i18n import t
from evaluation.model import PHASE_ORDER, Dataset
from evaluation.report.cells import (
    NUMBER_FORMATS,
    TITLE_FONT,
    WRAP,
    blank,
    header_row,
    heading,
    plain,
    put,
    set_widths,
    sheet_name,
)

AUDIENCES: dict[str, Principal] = {
    "funder": Principal("funder"),
    "public": Principal("public"),
}
DIMENSIONS = ("output", "relational", "process")
# Kumu's import columns: a file format, not user-facing text (Kumu matches these names)
KUMU_COLUMNS = ("From", "To", "Type")
REFERRALS = ("referral_in", "referral_out")
CHART_DATA_MIN_COL = 30
CHART_ROWS = 16  # rows a chart takes below its table
CHART_COLS = 8  # columns a chart takes across


class Ctx:
    """What every sheet writer needs: the language, the audience, labels and the data."""

    def __init__(
        self,
        disclosed: Disclosed,
        ds: Dataset,
        submissions: pd.DataFrame,
        lang: str,
        audience: str,
        n_dropped: int,
        known_names: dict[str, str],
    ) -> None:
        self.ds = ds
        self.disclosed = disclosed
        self.submissions = submissions
        self.lang = lang
        self.audience = audience
        self.viewer = disclosed.principal
        self.cat: Catalogue = load_catalogue()
        # names of initiatives outside the selection too: a partner is named, not an id
        self.names = {**known_names, **initiative_names(ds)}
        self.order = neutral_initiative_ids(ds)
        self.periods = sorted_periods(ds)
        self.threshold = disclosed.threshold
        self.values = _selected(disclosed.values, ds)
        self.observations = ds.observations
        self.totals = _selected(disclosed.totals, ds)
        self.flows = _selected(disclosed.flows, ds, ids=("from_id", "to_id"))
        self.phase_flows = _selected(disclosed.phase_flows, ds)
        self.stories = ds.stories
        self.n_stories_left_out = n_dropped
        self.show_texts = audience != "public"  # notes on the figures: funders only
        self._catalogue_labels = {i.code: i.label(lang) for i in self.cat.indicators}
        own = ds.own_indicators
        self._own_labels = {
            (str(i), str(c)): str(lbl)
            for i, c, lbl in zip(own["initiative_id"], own["indicator"], own["label"], strict=True)
            if not blank(lbl)
        }
        self._own_any = {c: lbl for (_, c), lbl in self._own_labels.items()}
        self._parts: dict[str, dict[str, pd.DataFrame]] = {}
        self._datasets: dict[str, Dataset] | None = None
        self._empty: dict[str, pd.DataFrame] = {}
        self.selected = False  # a chosen subset of initiatives (portfolio totals stay whole)

    def s(self, key: str, **params: Any) -> str:
        return t(f"report.{key}", self.lang, **params)

    def col(self, key: str) -> str:
        return self.s(f"col.{key}")

    def choice(self, list_name: str, code: object) -> str | None:
        if blank(code):
            return None
        return self.cat.choices(list_name).label(str(code), self.lang)

    def choices(self, list_name: str, joined: object) -> str | None:
        if blank(joined):
            return None
        return ", ".join(self.choice(list_name, c) or "" for c in str(joined).split(";") if c)

    def yes_no(self, value: object) -> str | None:
        if blank(value):
            return None
        return self.s("word.yes" if bool(value) else "word.no")

    def period(self, period: object) -> str | None:
        return None if blank(period) else format_period(period, self.lang)

    def withheld(self) -> str:
        return str(shown_value(None, True, self.lang, self.threshold))

    def number(self, value: object, suppressed: bool) -> object:
        """A number as written: the value, or the neutral mark when withheld."""
        return self.withheld() if suppressed else value

    def indicator_label(self, code: str, initiative_id: str | None = None) -> str:
        """The catalogue label, or the initiative's own label for its own indicator."""
        if code in self._catalogue_labels:
            return self._catalogue_labels[code]
        return self._own_labels.get((str(initiative_id), code)) or self._own_any.get(code, code)

    def dataset_of(self, initiative_id: str) -> Dataset:
        """One initiative's part of the dataset (analyses of one initiative run on it)."""
        if self._datasets is None:
            self._datasets = split_by_initiative(self.ds)
        return self._datasets.get(initiative_id) or Dataset.empty()

    def part(self, frame_name: str, initiative_id: str) -> pd.DataFrame:
        """One initiative's rows of a frame (split once, not filtered per sheet)."""
        if frame_name not in self._parts:
            frame = {
                "values": self.values,
                "stories": self.stories,
                "initiatives": self.ds.initiatives,
            }[frame_name]
            self._parts[frame_name] = {
                str(k): g for k, g in frame.groupby("initiative_id", sort=False)
            }
            self._empty[frame_name] = frame.iloc[0:0]
        return self._parts[frame_name].get(initiative_id, self._empty[frame_name])


def _selected(
    frame: pd.DataFrame, ds: Dataset, ids: Sequence[str] = ("initiative_id",)
) -> pd.DataFrame:
    """A disclosed table cut to the selection's periods and initiatives (never protected
    anew: that would let two selections be subtracted from each other)."""
    periods = set(sorted_periods(ds))
    keep = frame["period"].isin(periods)
    present = set(neutral_initiative_ids(ds))
    cols = [c for c in ids if c in frame.columns]
    if cols and present:
        mine = pd.Series(False, index=frame.index)
        for c in cols:
            mine |= frame[c].astype(str).isin(present)
        keep &= mine
    return frame[keep].reset_index(drop=True)


def _withheld_counts(ctx: Ctx) -> dict[str, int]:
    """How many numbers of this report are withheld, of how many."""
    flagged = [
        (ctx.values, ("value_suppressed",)),
        (ctx.observations, ("value_suppressed", "numerator_suppressed", "denominator_suppressed")),
        (ctx.totals, ("total_suppressed", "numerator_suppressed", "denominator_suppressed")),
        (ctx.flows, ("people_suppressed",)),
        (ctx.phase_flows, ("people_suppressed",)),
    ]
    n = withheld = 0
    for frame, flags in flagged:
        for f in flags:
            if f in frame.columns:
                col = f.removesuffix("_suppressed")
                col = "total" if col == "total" else col
                shown = frame[col].notna() | frame[f].astype(bool)
                n += int(shown.sum())
                withheld += int(frame[f].astype(bool).sum())
    return {"withheld": withheld, "cells": n}


def split_by_initiative(ds: Dataset) -> dict[str, Dataset]:
    """The dataset split per initiative (each analysis call then touches only its rows)."""
    parts: dict[str, dict[str, pd.DataFrame]] = {}
    frames = ds.frames()
    for name, frame in frames.items():
        for iid, sub in frame.groupby("initiative_id", sort=False):
            parts.setdefault(str(iid), {})[name] = sub
    return {
        iid: Dataset(**{n: got.get(n, f.iloc[0:0]) for n, f in frames.items()})
        for iid, got in parts.items()
    }


# --- generic table writer ------------------------------------------------------------------


def write_table(
    ws: Worksheet,
    row: int,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    ctx: Ctx,
    col: int = 1,
    formats: dict[int, str] | None = None,
    empty_note: bool = True,
) -> int:
    """Header and rows at (row, col); returns the first free row after a blank line."""
    header_row(ws, row, col, list(headers), ctx.lang)
    formats = formats or {}
    r = row
    for r_off, values in enumerate(rows, start=1):
        r = row + r_off
        for j, v in enumerate(values):
            put(ws, r, col + j, v, ctx.lang, formats.get(j))
    if not rows and empty_note:
        r = row + 1
        put(ws, r, col, ctx.s("collective.empty"), ctx.lang)
    return r + 2


def _fmt_for_unit(unit: object) -> str:
    return NUMBER_FORMATS.get(str(unit), NUMBER_FORMATS["number"])


# --- 1. reading guide ----------------------------------------------------------------------


def _paragraph(ws: Worksheet, row: int, text: str, lang: str) -> int:
    cell = put(ws, row, 1, plain(text).strip(), lang)
    cell.alignment = WRAP
    lines = sum(max(1, math.ceil(len(p) / 110)) for p in str(cell.value or "").split("\n"))
    ws.row_dimensions[row].height = 15.0 * lines + 3
    return row + 1


def guide_sheet(ws: Worksheet, ctx: Ctx, sheet_titles: dict[str, str], n_initiatives: int) -> None:
    lang = ctx.lang
    set_widths(ws, {1: 120})
    put(ws, 1, 1, ctx.s("title"), lang).font = TITLE_FONT
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
            row = _paragraph(ws, row, text, lang)
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
        ctx.s("guide.withheld", **_withheld_counts(ctx)),
        ctx.s("guide.stories_left_out", n=ctx.n_stories_left_out, shown=len(ctx.stories)),
    ]
    if not ctx.show_texts:
        privacy.append(ctx.s("guide.public_texts"))
    privacy.append(ctx.s("guide.no_names"))
    section("report.guide.privacy", privacy)


# --- 2. collective story -------------------------------------------------------------------


def _totals_rows(ctx: Ctx, frame: pd.DataFrame) -> list[list[object]]:
    rows = []
    for _, r in frame.iterrows():
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
    return [_fmt_for_unit(u) for u in frame["unit"]]


def collective_sheet(ws: Worksheet, ctx: Ctx) -> None:
    lang = ctx.lang
    ds, viewer = ctx.ds, ctx.viewer
    put(ws, 1, 1, ctx.s("sheet.collective"), lang).font = TITLE_FONT
    row = 3

    # the phase puzzle: initiatives by name, a column per phase with the declared role
    heading(ws, row, ctx.s("collective.puzzle"), lang)
    puzzle = phase_puzzle(ds, viewer)  # stories already those of the audience
    rows = []
    for iid in ctx.order:
        sub = puzzle[puzzle["initiative_id"] == iid].set_index("phase")
        rows.append(
            [ctx.names.get(iid, iid)]
            + [ctx.choice("phase_roles", sub["role"].get(p, "none")) for p in PHASE_ORDER]
        )
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
        for _, r in cov.iterrows()
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
        for _, r in flows.iterrows()
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
        for _, r in pf.iterrows()
    ]
    headers = [ctx.col(k) for k in ("period", "from_phase", "to_phase", "people")]
    row = write_table(ws, row + 1, headers, rows, ctx, formats={3: NUMBER_FORMATS["count"]})

    # what initiatives say about funders' demands: gathered, unnamed (Kader 2)
    heading(ws, row, ctx.s("collective.gathered"), lang)
    row = _paragraph(
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
        for _, r in pos.iterrows()
    ]
    headers = [ctx.col(k) for k in ("initiative", "component", "ties_formal")]
    headers += [ctx.col(k) for k in ("ties_initiatives", "bridges")]
    row = write_table(ws, row + 1, headers, rows, ctx)

    # portfolio totals: outputs beside relational and process, never on their own
    heading(ws, row, ctx.s("collective.portfolio"), lang)
    row = _paragraph(ws, row + 1, ctx.s("collective.portfolio_note"), lang)
    if ctx.selected:
        row = _paragraph(ws, row, ctx.s("collective.portfolio_whole"), lang)
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


# --- 3. one sheet per initiative -----------------------------------------------------------


def _line_chart(
    ws: Worksheet,
    title: str,
    unit: str,
    ctx: Ctx,
    data_cols: tuple[int, int],
    cat_col: int,
    header_row_no: int,
    last_row: int,
    anchor: str,
) -> None:
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = ctx.choice("units", unit)
    chart.x_axis.title = ctx.col("period")
    chart.y_axis.numFmt = _fmt_for_unit(unit)
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = False  # openpyxl hides axes by default in newer Excel versions
    chart.y_axis.delete = False
    chart.display_blanks = "gap"  # a withheld number is a gap, not a zero
    chart.height = 7.5
    chart.width = 15
    data = Reference(
        ws, min_col=data_cols[0], max_col=data_cols[1], min_row=header_row_no, max_row=last_row
    )
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(
        Reference(ws, min_col=cat_col, min_row=header_row_no + 1, max_row=last_row)
    )
    ws.add_chart(chart, anchor)


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
    cell = {(r["indicator"], r["period"]): r for _, r in values.iterrows()}
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
            put(ws, r, data_col, ctx.period(p), lang)
        for j, code in enumerate(codes):
            rec = cell.get((code, p))
            if rec is None:
                continue
            unit = unit_of[code]
            if unit == "text":
                shown = rec["text_value"]
            else:
                shown = ctx.number(rec["value"], bool(rec["value_suppressed"]))
            put(ws, r, 2 + j, shown, lang, _fmt_for_unit(unit))
            if code in charted and not rec["value_suppressed"] and not blank(rec["value"]):
                put(
                    ws,
                    r,
                    data_col + 1 + charted.index(code),
                    rec["value"],
                    lang,
                    _fmt_for_unit(unit),
                )
    last = row + 1 + len(periods)
    chart_row = last + 2
    k = 0
    for unit in ("count", "hours", "share", "rubric"):
        idx = [i for i, c in enumerate(charted) if unit_of[c] == unit]
        if not idx or not periods:
            continue
        anchor = f"{get_column_letter(1 + k * CHART_COLS)}{chart_row}"
        _line_chart(
            ws,
            chart_title(unit),
            unit,
            ctx,
            (data_col + 1 + idx[0], data_col + 1 + idx[-1]),
            data_col,
            row + 1,
            last,
            anchor,
        )
        k += 1
    return chart_row + (CHART_ROWS if k else 0) + 1


def initiative_sheet(ws: Worksheet, ctx: Ctx, iid: str) -> None:
    lang = ctx.lang
    set_widths(ws, {1: 24, **{c: 16 for c in range(2, 26)}})
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
        row += 1
        heading(ws, row, ctx.s("initiative.own_words"), lang)
        row += 1
        for key in ("mission", "intentions"):
            put(ws, row, 1, ctx.col(key), lang)
            c = put(ws, row, 2, p[key], lang)
            c.alignment = WRAP
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=10)
            text = "" if blank(p[key]) else str(p[key])
            ws.row_dimensions[row].height = 15.0 * max(1, math.ceil(len(text) / 120)) + 3
            row += 1
        row += 1
        heading(ws, row, ctx.s("initiative.phases"), lang)
        secondary = (
            set() if blank(p["secondary_phases"]) else set(str(p["secondary_phases"]).split(";"))
        )
        rows = [
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
        row = write_table(ws, row + 1, [ctx.col("phase"), ctx.col("role")], rows, ctx)

    mine = ctx.part("values", iid)
    own = mine["own"].astype(bool)
    for dim in DIMENSIONS:
        part = mine[(mine["dimension"] == dim) & ~own]
        if not len(part):
            continue
        dim_label = ctx.choice("dimensions", dim) or dim
        row = _indicator_block(
            ws,
            row,
            ctx,
            iid,
            part,
            ctx.s("initiative.dimension_table", dimension=dim_label),
            lambda unit, d=dim_label: ctx.s(
                "initiative.chart_title", dimension=d, unit=ctx.choice("units", unit)
            ),
        )
    part = mine[own]
    if len(part):
        row = _indicator_block(
            ws,
            row,
            ctx,
            iid,
            part,
            ctx.s("initiative.own_indicators"),
            lambda unit: ctx.s("initiative.own_chart_title", unit=ctx.choice("units", unit)),
        )

    if ctx.show_texts:
        heading(ws, row, ctx.s("initiative.notes"), lang)
        notes = mine[mine["notes"].notna()]
        rows = [
            [ctx.period(r["period"]), ctx.indicator_label(r["indicator"], iid), r["notes"]]
            for _, r in notes.iterrows()
        ]
        row = write_table(
            ws, row + 1, [ctx.col(k) for k in ("period", "indicator", "note")], rows, ctx
        )

    heading(ws, row, ctx.s("initiative.stories"), lang)
    st = ctx.part("stories", iid)
    st = neutral_sort(st, period=["period"], periods=ctx.periods, order=["period"])
    rows = [
        [
            ctx.period(r["period"]),
            _date(r["date"]),
            r["title"],
            ctx.choice("voices", r["voice"]),
            ctx.choice("phases", r["phase"]),
        ]
        for _, r in st.iterrows()
    ]
    headers = [ctx.col(k) for k in ("period", "date", "title", "voice", "phase")]
    row = write_table(ws, row + 1, headers, rows, ctx)

    refl = reflection_timeline(ctx.dataset_of(iid), iid)  # the answers of this audience
    if len(refl):
        heading(ws, row, ctx.s("initiative.reflections"), lang)
        rows = [
            [
                ctx.period(r["period"]),
                ctx.choice("reflection_questions", r["question"]),
                r["answer"],
                ctx.choice("rubric_steps", _step(r["self_view"])),
            ]
            for _, r in refl.iterrows()
        ]
        headers = [ctx.col(k) for k in ("period", "question", "answer", "self_view")]
        write_table(ws, row + 1, headers, rows, ctx)


def _step(value: object) -> str | None:
    if blank(value):
        return None
    try:
        return str(int(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def _date(value: object) -> object:
    if blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


# --- 4. stories, 5. network ----------------------------------------------------------------


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
            _date(r["date"]),
            r["title"],
            r["text"],
            ctx.choice("voices", r["voice"]),
            ctx.choice("phases", r["phase"]),
            ctx.choices("themes", r["themes"]),
            r["why_it_matters"],
        ]
        for _, r in st.iterrows()
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
                "periods": ", ".join(ctx.period(p) or "" for p in data["periods"]),
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
        for _, r in frame.iterrows()
    ]
    headers = list(KUMU_COLUMNS) + [
        ctx.col(k) for k in ("from_type", "to_type", "periods", "count")
    ]
    write_table(ws, 1, headers, rows, ctx, formats={6: NUMBER_FORMATS["count"]}, empty_note=False)
    set_widths(ws, {1: 30, 2: 30, 3: 22, 4: 20, 5: 20, 6: 40, 7: 14})
    ws.freeze_panes = "A2"


def _node_label(ctx: Ctx, g: Any, node: str) -> str:
    data = g.nodes[node]
    if data.get("kind") == "initiative":
        return ctx.names.get(node, str(data.get("label") or node))
    return str(data.get("label") or node)


# --- 6. data, dictionary, provenance -------------------------------------------------------


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
        fmt = _fmt_for_unit(r.unit)
        values: list[tuple[object, str | None]] = [
            (r.iname, None),
            (iid, None),
            (r.period, None),
            (_date(r.period_start), None),
            (_date(r.period_end), None),
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
        for _, r in own.iterrows()
    ]
    keys = ["initiative", "indicator_code", "label", "definition", "dimension", "unit", "phase"]
    write_table(ws, row + 1, [ctx.col(k) for k in keys], rows, ctx)
    set_widths(ws, {1: 28, 2: 30, 3: 60, 4: 40, 5: 20, 6: 24, 7: 30, 8: 60, 9: 30, 10: 60})


def provenance_sheet(ws: Worksheet, ctx: Ctx) -> None:
    used: set[int] = set()
    for frame in ctx.ds.frames().values():
        if "submission_id" in frame.columns:
            used |= {int(s) for s in frame["submission_id"].dropna()}
    subs = ctx.submissions
    subs = subs[subs["submission_id"].isin(used)] if len(subs) else subs
    known = {int(s): r for s, r in zip(subs["submission_id"], subs.to_dict("records"), strict=True)}
    recs = []
    period_of: dict[int, tuple[str, str]] = {}
    for frame in (ctx.ds.observations, ctx.ds.stories, ctx.ds.network, ctx.ds.reflections):
        for s, i, p in zip(
            frame["submission_id"], frame["initiative_id"], frame["period"], strict=True
        ):
            if not blank(s):
                period_of.setdefault(int(s), (str(i), str(p)))
    for sid in sorted(used):
        r = known.get(sid, {})
        iid = str(r.get("initiative_id") or period_of.get(sid, ("", ""))[0])
        period = r.get("period") or period_of.get(sid, ("", ""))[1]
        at = r.get("uploaded_at")
        if isinstance(at, pd.Timestamp):
            at = at.to_pydatetime()
        recs.append(
            {
                "_name": ctx.names.get(iid, iid),
                "submission_id": sid,
                "period": period,
                "status": r.get("status"),
                "uploaded_at": at,
                "uploaded_role": r.get("uploaded_role"),
                "sha256": r.get("sha256"),
            }
        )
    frame = pd.DataFrame(
        recs,
        columns=[
            "_name",
            "submission_id",
            "period",
            "status",
            "uploaded_at",
            "uploaded_role",
            "sha256",
        ],
    )
    frame = neutral_sort(
        frame, text=["_name"], period=["period"], periods=ctx.periods, order=["_name", "period"]
    )
    rows = [
        [
            r["_name"],
            ctx.period(r["period"]),
            r["submission_id"],
            r["status"],
            None if blank(r["uploaded_at"]) else r["uploaded_at"],
            _role(ctx, r["uploaded_role"]),
            r["sha256"],
        ]
        for _, r in frame.iterrows()
    ]
    keys = ["initiative", "period", "submission_id", "status", "uploaded_at", "uploaded_role"]
    keys.append("sha256")
    write_table(ws, 1, [ctx.col(k) for k in keys], rows, ctx, formats={2: "0"}, empty_note=False)
    set_widths(ws, {1: 28, 2: 18, 3: 12, 4: 12, 5: 26, 6: 20, 7: 70})
    ws.freeze_panes = "A2"


def _role(ctx: Ctx, role: object) -> str | None:
    """The uploader's role in words (never the uploader's name)."""
    if blank(role):
        return None
    return ctx.s(f"role.{role}") if role in ROLES else str(role)


# --- the workbook --------------------------------------------------------------------------


def _select(
    ds: Dataset,
    initiative_ids: Sequence[str] | None,
    period_from: str | None,
    period_to: str | None,
) -> Dataset:
    """The part of the dataset the report is about (the store selects the same way)."""
    from evaluation.periods import period_bounds

    frames = ds.frames()
    if initiative_ids:
        present = set(neutral_initiative_ids(ds))
        folded = {fold(i): i for i in present}
        wanted = set()
        for i in initiative_ids:
            hit = i if i in present else folded.get(fold(i))
            if hit is None:
                raise UserError("report.errors.unknown_initiative", initiative=i)
            wanted.add(hit)
        frames = {n: f[f["initiative_id"].astype(str).isin(wanted)] for n, f in frames.items()}
    lo = period_bounds(period_from)[0] if period_from else None
    hi = period_bounds(period_to)[1] if period_to else None
    if lo and hi and lo > hi:
        raise UserError(
            "report.errors.periods_reversed", period_from=period_from, period_to=period_to
        )
    if lo or hi:
        for name, frame in frames.items():
            if name == "initiatives" or not len(frame):
                continue
            keep = pd.Series(True, index=frame.index)
            if lo:
                keep &= pd.to_datetime(frame["period_end"]).dt.date >= lo
            if hi:
                keep &= pd.to_datetime(frame["period_start"]).dt.date <= hi
            frames[name] = frame[keep]
    return Dataset(**{n: f.reset_index(drop=True) for n, f in frames.items()})


def audience_of(principal: Principal) -> str:
    """The report audience a disclosed principal stands for ("funder" or "public")."""
    return "public" if principal.role == "public" else "funder"


def build_report(
    disclosed: Disclosed,
    submissions: pd.DataFrame,
    *,
    lang: str = "nl",
    initiative_ids: Sequence[str] | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    stories_withheld: int = 0,
    known_names: Mapping[str, str] | None = None,
) -> Workbook:
    """The evaluator's report as a workbook, of what ``disclosed`` lets its audience see.

    ``submissions`` is the store's submissions frame (only the rows behind the data are
    listed; the uploader's name is never written, only the role). ``stories_withheld``
    counts stories not shared with this audience, so the reading guide can say how many are
    absent. ``known_names`` maps initiative ids to names for partners outside the selection.
    """
    if lang not in ("nl", "en"):
        lang = "nl"
    dataset = disclosed.dataset
    names = {**dict(known_names or {}), **initiative_names(dataset)}
    ds = _select(dataset, initiative_ids, period_from, period_to)
    audience = audience_of(disclosed.principal)
    ctx = Ctx(disclosed, ds, submissions, lang, audience, stories_withheld, names)
    ctx.selected = bool(initiative_ids)
    wb = Workbook()
    taken: set[str] = set()
    fixed = {
        k: sheet_name(ctx.s(f"sheet.{k}"), taken)
        for k in ("guide", "collective", "stories", "network", "data", "dictionary", "provenance")
    }
    guide = wb.active
    guide.title = fixed["guide"]
    collective = wb.create_sheet(fixed["collective"])
    collective_sheet(collective, ctx)
    for iid in ctx.order:
        name = sheet_name(ctx.names.get(iid, iid), taken, fallback=ctx.s("sheet.untitled"))
        initiative_sheet(wb.create_sheet(name), ctx, iid)
    stories_sheet(wb.create_sheet(fixed["stories"]), ctx)
    network_sheet(wb.create_sheet(fixed["network"]), ctx)
    data_sheet(wb.create_sheet(fixed["data"]), ctx)
    dictionary_sheet(wb.create_sheet(fixed["dictionary"]), ctx)
    provenance_sheet(wb.create_sheet(fixed["provenance"]), ctx)
    titles = {
        "collective": fixed["collective"],
        "initiative": ctx.s("sheet.untitled"),
        "stories": fixed["stories"],
        "network": fixed["network"],
        "data": fixed["data"],
        "dictionary": fixed["dictionary"],
        "provenance": fixed["provenance"],
    }
    guide_sheet(guide, ctx, titles, len(ctx.order))
    return wb
