"""The rules across rows and sheets, once every sheet is normalised.

One profile row, exactly one primary phase, a consistent period (end not before start, at most
``MAX_PERIOD_DAYS`` days), indicators known in the catalogue or declared as own, own codes that
do not collide with the catalogue, shares with numerator and denominator (numerator not above
denominator), rubric steps 1-4, story dates inside the period, recorded consent, one row per
indicator and phase, a self-view only on the rubric questions.

Decisions: a story with consent left blank or "no" gets ``missing_consent`` (one problem, not
also ``required_missing``); an indicator row with neither value nor numerator/denominator gets
the warning ``indicator_without_value``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from evaluation.catalogue import fold, load_catalogue
from evaluation.ingest.own import default_phases_of
from evaluation.ingest.sheet import SheetData
from evaluation.ingest.values import catalogue_indicator_map, map_each
from evaluation.layout import blank
from evaluation.problems import Problem

MAX_PERIOD_DAYS = 400
PHASE_COLUMNS = ("phase_arrival", "phase_landing", "phase_future")
RUBRIC_STEPS = (1, 2, 3, 4)


def unblocked(problems: list[Problem], blocked: set[str]) -> list[Problem]:
    """Without the problems at cells whose one problem normalising already reported (a
    formula error is not also "required but empty")."""
    if not blocked:
        return problems
    return [p for p in problems if p.cell not in blocked]


def validate_across(
    sheets: dict[str, SheetData],
    units: dict[str, str],
    default_phases: dict[str, str] | None = None,
) -> list[Problem]:
    """The rules that look across rows and sheets: profile, period, indicators, stories.

    ``units`` and ``default_phases`` (``default_phases_of(sheets)`` when not given) come from
    the catalogue and the Own indicators sheet; the reader makes them before the long
    Indicators sheet arrives."""
    problems = _profile(sheets)
    period = _period(sheets)
    if "indicators" in sheets:
        phases = default_phases if default_phases is not None else default_phases_of(sheets)
        problems.extend(_indicators(sheets["indicators"], units, phases))
    if "stories" in sheets:
        problems.extend(_stories(sheets["stories"], period))
    if "reflection" in sheets:
        problems.extend(_reflection(sheets["reflection"]))
    blocked = set().union(*(s.blocked for s in sheets.values())) if sheets else set()
    return unblocked(problems, blocked)


def _profile(sheets: dict[str, SheetData]) -> list[Problem]:
    sheet = sheets.get("profile")
    if sheet is None:
        return []
    frame = sheet.frame
    out: list[Problem] = []
    first = sheet.section.columns[0].code
    if len(frame) != 1:
        if len(frame) == 0:
            cell = sheet.cell(first, sheet.header_row + 2)
            out.append(Problem("profile_rows", "error", sheet.name, cell, params={"count": 0}))
        else:
            for idx in frame.index[1:]:
                out.append(sheet.problem("profile_rows", first, idx, count=len(frame)))
        if len(frame) == 0:
            return out
    row = frame.iloc[0]
    roles = [row.get(c) for c in PHASE_COLUMNS]
    if (
        all(r in ("primary", "secondary", "none") for r in roles)
        and sum(r == "primary" for r in roles) != 1
    ):
        cols = [c for c in PHASE_COLUMNS if c in sheet.letters]
        if cols:
            out.append(
                sheet.problem(
                    "primary_phase_count",
                    cols[0],
                    frame.index[0],
                    count=sum(r == "primary" for r in roles),
                )
            )
    start, end = row.get("period_start"), row.get("period_end")
    if _is_date(start) and _is_date(end):
        if end < start:
            out.append(
                sheet.problem(
                    "period_order",
                    "period_end",
                    frame.index[0],
                    start=start.isoformat(),
                    end=end.isoformat(),
                )
            )
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            out.append(
                sheet.problem(
                    "period_length",
                    "period_end",
                    frame.index[0],
                    days=(end - start).days + 1,
                    max_days=MAX_PERIOD_DAYS,
                )
            )
    return out


def _is_date(v: object) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


def _period(sheets: dict[str, SheetData]) -> tuple[dt.date, dt.date] | None:
    sheet = sheets.get("profile")
    if sheet is None or sheet.frame.empty:
        return None
    row = sheet.frame.iloc[0]
    start, end = row.get("period_start"), row.get("period_end")
    if _is_date(start) and _is_date(end) and start <= end:
        return start, end
    return None


def own_indicator_rows(sheet: SheetData) -> list[Problem]:
    catalogue = catalogue_indicator_map()
    codes = sheet.frame["indicator"]
    collides = map_each(codes, fold).isin(list(catalogue))
    out = [
        sheet.problem("own_indicator_collides", "indicator", idx) for idx in codes[collides].index
    ]
    key, _ = pd.factorize(codes, use_na_sentinel=True)  # a blank code repeats nothing
    return out + _repeats(sheet, key, key >= 0, "indicator")


def _indicators(
    sheet: SheetData, units: dict[str, str], default_phase: dict[str, str]
) -> list[Problem]:
    """The Indicators sheet's rules, a column at a time (the sheet can hold 100,000 rows).

    Each distinct indicator is looked up once (its unit and main phase), and the masks are
    taken from those per-indicator answers by the rows' indicator numbers (``factorize``).
    """
    frame = sheet.frame
    out: list[Problem] = []
    codes, uniques = pd.factorize(frame["indicator"], use_na_sentinel=True)
    names = np.asarray(uniques, dtype=object).tolist()
    # one slot per distinct indicator, and a last one for a blank cell (code -1)
    unit_of = np.array([units.get(k) for k in names] + [None], dtype=object)
    phase_of = np.array([default_phase.get(k) for k in names] + [None], dtype=object)
    known_of = np.array([u is not None for u in unit_of], dtype=bool)
    known = known_of[codes]
    share = (unit_of == "share")[codes]
    rubric = (unit_of == "rubric")[codes]
    for idx in frame.index[(codes >= 0) & ~known]:
        out.append(sheet.problem("unknown_indicator", "indicator", idx))

    value_blank = frame["value"].isna().to_numpy(dtype=bool)
    num_blank = frame["numerator"].isna().to_numpy(dtype=bool)
    den_blank = frame["denominator"].isna().to_numpy(dtype=bool)
    n = pd.to_numeric(frame["numerator"], errors="coerce").to_numpy(dtype=float)
    d = pd.to_numeric(frame["denominator"], errors="coerce").to_numpy(dtype=float)
    nothing = value_blank & num_blank & den_blank

    def report(mask: np.ndarray, code: str, column: str, severity: str = "error", **params):
        for idx in frame.index[mask]:
            extra = {k: v(idx) for k, v in params.items()}
            out.append(sheet.problem(code, column, idx, severity, **extra))

    report(known & nothing, "indicator_without_value", "value", "warning")
    report(share & ~nothing & num_blank, "share_needs_both", "numerator")
    report(share & ~nothing & ~num_blank & den_blank, "share_needs_both", "denominator")
    report(share & (n > d), "numerator_above_denominator", "numerator",
           denominator=lambda idx: _fmt(float(frame.at[idx, "denominator"])))  # fmt: skip
    # a value typed as "45%": a count is no percentage (an error); for hours, a rubric step
    # or a share it is read as a fraction, with a warning
    pct = sheet.percent.get("value")
    if pct is not None:
        typed_pct = pct.reindex(frame.index, fill_value=False).to_numpy(dtype=bool)
        counts = (unit_of == "count")[codes]
        report(typed_pct & counts, "percentage_in_count", "value")
        report(typed_pct & ~counts, "percentage_read", "value", "warning")
    v = pd.to_numeric(frame["value"], errors="coerce")
    off_steps = (v.notna() & ~v.isin(RUBRIC_STEPS)).to_numpy(dtype=bool)
    report(rubric & off_steps, "rubric_out_of_range", "value")

    # one row per indicator and phase; a row without a phase falls in the indicator's own
    phase = frame["phase"].to_numpy(dtype=object, copy=True)
    no_phase = frame["phase"].isna().to_numpy(dtype=bool)
    phase[no_phase] = phase_of[codes][no_phase]
    phase_codes, phases = pd.factorize(pd.Series(phase, dtype=object), use_na_sentinel=True)
    keyed = known & (phase_codes >= 0)
    key = codes.astype(np.int64) * (len(phases) + 1) + phase_codes
    out += _repeats(sheet, key, keyed, "indicator")
    return out


def _repeats(sheet: SheetData, key: np.ndarray, keyed: np.ndarray, column: str) -> list[Problem]:
    """``duplicate_row`` at every keyed row whose key repeats an earlier keyed row's."""
    keys = pd.Series(key[keyed], index=sheet.frame.index[keyed])
    repeat = keys.duplicated(keep="first")
    if not repeat.any():
        return []
    rows = sheet.frame.loc[keys.index, "_row"]
    first = rows.groupby(keys.to_numpy(), sort=False).transform("first")
    return [
        sheet.problem("duplicate_row", column, idx, first_row=int(first.at[idx]))
        for idx in repeat[repeat].index
    ]


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _stories(sheet: SheetData, period: tuple[dt.date, dt.date] | None) -> list[Problem]:
    out = []
    frame = sheet.frame
    for idx, date, consent in zip(
        frame.index, frame["date"], frame["consent_recorded"], strict=True
    ):
        if period and _is_date(date) and not (period[0] <= date <= period[1]):
            out.append(
                sheet.problem(
                    "date_outside_period",
                    "date",
                    idx,
                    start=period[0].isoformat(),
                    end=period[1].isoformat(),
                )
            )
        if consent != "yes" and (consent is None or consent == "no" or blank(consent)):
            out.append(sheet.problem("missing_consent", "consent_recorded", idx))
    return out


def _reflection(sheet: SheetData) -> list[Problem]:
    kinds = {
        c.code: c.extra.get("kind")
        for c in load_catalogue().choices("reflection_questions").choices
    }
    out = []
    frame = sheet.frame
    for idx, question, view in zip(frame.index, frame["question"], frame["self_view"], strict=True):
        if not blank(view) and kinds.get(question) == "open":
            out.append(sheet.problem("self_view_not_rubric", "self_view", idx, "warning"))
    return out
