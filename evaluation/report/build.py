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

This module assembles the workbook; each sheet has its own module (``guide``, ``collective``,
``initiative`` with ``charts``, ``tables``, ``provenance``) and ``context`` holds what they
share.

No sheet sorts initiatives by a value; nothing holds a target, a score or a colour verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd
from openpyxl import Workbook

from evaluation.access import Principal
from evaluation.analysis._common import initiative_ids as neutral_initiative_ids
from evaluation.analysis._common import names as initiative_names
from evaluation.catalogue import fold
from evaluation.disclosure import Disclosed
from evaluation.errors import UserError
from evaluation.model import Dataset
from evaluation.report.cells import sheet_name
from evaluation.report.collective import collective_sheet
from evaluation.report.context import Ctx
from evaluation.report.guide import guide_sheet
from evaluation.report.initiative import initiative_sheet
from evaluation.report.printing import lay_out
from evaluation.report.provenance import provenance_sheet
from evaluation.report.tables import data_sheet, dictionary_sheet, network_sheet, stories_sheet

# progress(done, total): the report's sheets written so far, of how many (a caller shows it)
Progress = Callable[[int, int], None]

AUDIENCES: dict[str, Principal] = {
    "funder": Principal("funder"),
    "public": Principal("public"),
}


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
    progress: Progress | None = None,
) -> Workbook:
    """The evaluator's report as a workbook, of what ``disclosed`` lets its audience see.

    ``submissions`` is the store's submissions frame (only the rows behind the data are
    listed; the uploader's name is never written, only the role). ``stories_withheld``
    counts stories not shared with this audience, so the reading guide can say how many are
    absent. ``known_names`` maps initiative ids to names for partners outside the selection.
    ``progress`` is called with (sheets done, sheets in all) after each sheet.
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
    total, done = len(fixed) + len(ctx.order), 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    guide = wb.active
    guide.title = fixed["guide"]
    collective = wb.create_sheet(fixed["collective"])
    collective_sheet(collective, ctx)
    step()
    for iid in ctx.order:
        name = sheet_name(ctx.names.get(iid, iid), taken, fallback=ctx.s("sheet.untitled"))
        initiative_sheet(wb.create_sheet(name), ctx, iid)
        step()
    for key, writer in (
        ("stories", stories_sheet),
        ("network", network_sheet),
        ("data", data_sheet),
        ("dictionary", dictionary_sheet),
        ("provenance", provenance_sheet),
    ):
        writer(wb.create_sheet(fixed[key]), ctx)
        step()
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
    _lay_out(wb, fixed)
    step()
    return wb


def _lay_out(wb: Workbook, fixed: dict[str, str]) -> None:
    """Print setup of the sheets whose layout is fixed (an initiative's sheet lays itself
    out): orientation, the columns printed, and the header rows repeated on every page."""
    # the Data sheet is a table to work with (filters, pivots): its print area is its header,
    # the reading guide says so and how to print it all
    settings = {  # sheet: (landscape, last column printed, rows repeated)
        "guide": (False, 1, 0),
        "collective": (True, 14, 0),
        "stories": (True, 9, 1),
        # the Kumu table is working data (its import columns): printed upright, on one page
        # for the sample, at the size of the initiative sheets
        "network": (False, 7, 1),
        "data": (True, 18, 1),
        "dictionary": (True, 10, 2),
        "provenance": (False, 7, 1),
    }
    for key, (landscape, last_col, title_rows) in settings.items():
        ws = wb[fixed[key]]
        last_row = 1 if key == "data" else None
        lay_out(
            ws, last_col=last_col, landscape=landscape, title_rows=title_rows, last_row=last_row
        )
