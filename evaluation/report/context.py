"""What every sheet writer of the report shares: the context (language, audience, labels,
the disclosed tables cut to the selection) and the table and paragraph writers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.analysis._common import initiative_ids as neutral_initiative_ids
from evaluation.analysis._common import names as initiative_names
from evaluation.analysis._common import sorted_periods
from evaluation.catalogue import Catalogue, load_catalogue
from evaluation.disclosure import Disclosed, shown_value
from evaluation.formatting import format_period
from evaluation.i18n import t
from evaluation.model import Dataset
from evaluation.report.cells import (
    NUMBER_FORMATS,
    WRAP,
    blank,
    header_row,
    merge,
    plain,
    put,
)

DIMENSIONS = ("output", "relational", "process")
# Kumu's import columns: a file format, not user-facing text (Kumu matches these names)
KUMU_COLUMNS = ("From", "To", "Type")
REFERRALS = ("referral_in", "referral_out")
CHART_DATA_MIN_COL = 30
# an indicator table's charts stand beside it (from column H, or right of a wider table), one
# under the other, each six columns wide and 10 rows high (5.5 cm: about the height of a
# table of eight periods, so that two pages hold an initiative); the initiative sheet's
# columns are set for it
CHART_COL = 8
CHART_ROWS = 10
CHART_COLS = 6
CHART_SIZE = (11.0, 5.5)  # width, height in cm


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


def withheld_counts(ctx: Ctx) -> dict[str, int]:
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


TOP = Alignment(vertical="top")


def write_table(
    ws: Worksheet,
    row: int,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    ctx: Ctx,
    col: int = 1,
    formats: dict[int, str] | None = None,
    empty_note: bool = True,
    spans: Sequence[int] | None = None,
) -> int:
    """Header and rows at (row, col); returns the first free row after a blank line.

    ``spans`` gives each column a number of sheet columns: a wider one is merged and its
    text wrapped, so that a long text prints whole instead of being cut by its neighbour.
    """
    formats = formats or {}
    widths = list(spans) if spans else [1] * len(headers)
    starts = [col + sum(widths[:j]) for j in range(len(widths))]
    r = row
    for r_off, values in enumerate([list(headers), *rows]):
        r = row + r_off
        for j, v in enumerate(values):
            c = put(ws, r, starts[j], v, ctx.lang, formats.get(j))
            if spans:  # a row of several lines reads from its top line
                c.alignment = TOP
            if widths[j] > 1:
                merge(ws, r, starts[j], starts[j] + widths[j] - 1)
                c.alignment = WRAP
        if r_off == 0:
            for j, h in enumerate(headers):
                header_row(ws, r, starts[j], [h], ctx.lang)
    if not rows and empty_note:
        r = row + 1
        put(ws, r, col, ctx.s("collective.empty"), ctx.lang)
    return r + 2


def fmt_for_unit(unit: object) -> str:
    return NUMBER_FORMATS.get(str(unit), NUMBER_FORMATS["number"])


def paragraph(ws: Worksheet, row: int, text: str, lang: str, span: int = 1) -> int:
    """Wrapped text across ``span`` columns (its row's height follows from the text when the
    sheet is laid out for print)."""
    cell = put(ws, row, 1, plain(text).strip(), lang)
    cell.alignment = WRAP
    if span > 1:
        merge(ws, row, 1, span)
    return row + 1


def rubric_step(value: object) -> str | None:
    if blank(value):
        return None
    try:
        return str(int(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def as_date(value: object) -> object:
    if blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value
