"""Validating the normalised sheets: pandera failures as located problems, then cross-sheet rules.

Three layers, each reporting ``Problem`` objects at the cell they are about:

1. the pandera schema of each sheet (``evaluation.schemas.validate_section``, run lazily once
   per sheet); each failure case (column, check, row) becomes a problem through
   ``CHECK_CODES`` at that cell, with the value as typed;
2. rules across rows and sheets: one profile row, exactly one primary phase, a consistent
   period (end not before start, at most ``MAX_PERIOD_DAYS`` days), indicators known in the
   catalogue or declared as own, own codes that do not collide with the catalogue, shares
   with numerator and denominator (numerator not above denominator), rubric steps 1-4,
   story dates inside the period, recorded consent, one row per indicator and phase, a
   self-view only on the rubric questions;
3. the privacy scan (``evaluation.ingest.privacy.scan_text``) of every free-text cell.

Decisions: a story with consent left blank or "no" gets ``missing_consent`` (one problem,
not also ``required_missing``); an indicator row with neither value nor numerator/denominator
gets the warning ``indicator_without_value``; the personal-data problems do not repeat the
personal data they found (their ``value`` is empty), so that a stored validation result
never holds it.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable

import pandas as pd

from evaluation.catalogue import fold, load_catalogue
from evaluation.ingest.normalise import SheetData, catalogue_indicator_map
from evaluation.problems import Problem
from evaluation.schemas import CHECK_CODES, validate_section

log = logging.getLogger(__name__)

MAX_PERIOD_DAYS = 400
PHASE_COLUMNS = ("phase_arrival", "phase_landing", "phase_future")
RUBRIC_STEPS = (1, 2, 3, 4)


def _blank(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _num(v: object) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return None if math.isnan(v) else float(v)


def own_indicator_lookup(sheet: SheetData) -> dict[str, str]:
    """Folded own indicator code or name -> its (lower-case) code, from the Own indicators sheet."""
    out: dict[str, str] = {}
    for code, label in zip(sheet.frame["indicator"], sheet.frame["label"], strict=True):
        if _blank(code):
            continue
        out.setdefault(fold(code), str(code))
        if not _blank(label):
            out.setdefault(fold(label), str(code))
    return out


def choice_params(list_name: str) -> dict[str, str]:
    """The allowed labels of a list in both languages, for a hint."""
    cl = load_catalogue().choices(list_name)
    return {
        f"choices_{lang}": ", ".join(c.labels[lang] for c in cl.choices) for lang in ("nl", "en")
    }


def validate_report(sheets: dict[str, SheetData]) -> list[Problem]:
    """Every problem in the normalised sheets (pandera, cross-sheet rules, privacy)."""
    problems: list[Problem] = []
    units = _units(sheets)
    for sheet in sheets.values():
        problems.extend(_schema_problems(sheet, units))
    problems.extend(_profile(sheets))
    period = _period(sheets)
    if "own_indicators" in sheets:
        problems.extend(_own_indicators(sheets["own_indicators"]))
    if "indicators" in sheets:
        problems.extend(_indicators(sheets["indicators"], units))
    if "stories" in sheets:
        problems.extend(_stories(sheets["stories"], period))
    if "reflection" in sheets:
        problems.extend(_reflection(sheets["reflection"]))
    problems.extend(privacy_problems(sheets, units))
    return problems


# --- 1. pandera ------------------------------------------------------------------------------


def _units(sheets: dict[str, SheetData]) -> dict[str, str]:
    """Indicator code -> unit, for the catalogue and the declared own indicators."""
    units = {i.code: i.unit for i in load_catalogue().indicators}
    own = sheets.get("own_indicators")
    if own is not None:
        for code, unit in zip(own.frame["indicator"], own.frame["unit"], strict=True):
            if not _blank(code) and isinstance(unit, str):
                units.setdefault(str(code), unit)
    return units


def _text_rows(sheet: SheetData, units: dict[str, str]) -> pd.Series:
    """Rows of the Indicators sheet whose indicator has the unit text (their value is text)."""
    return sheet.frame["indicator"].map(
        lambda c: units.get(c) == "text" if isinstance(c, str) else False
    )


def _schema_problems(sheet: SheetData, units: dict[str, str]) -> list[Problem]:
    section = sheet.section
    frame = sheet.frame
    if frame.empty:
        return []
    check_frame = frame.drop(columns="_row")
    if section.code == "indicators":
        text_rows = _text_rows(sheet, units)
        if text_rows.any():
            check_frame = check_frame.copy()
            check_frame["value"] = check_frame["value"].astype(object)
            check_frame.loc[text_rows, "value"] = None
    errors = validate_section(section.code, check_frame)
    if errors is None:
        return []
    skip = set(sheet.missing)
    out = []
    cases = errors.failure_cases
    cases = cases[cases["index"].notna() & cases["column"].isin(section.column_codes)]
    for column, check, idx in zip(cases["column"], cases["check"], cases["index"], strict=True):
        if column in skip:
            continue
        if column == "consent_recorded" and check == "not_nullable":
            continue  # reported as missing_consent
        code = CHECK_CODES.get(str(check))
        if code is None:
            log.warning("no problem code for pandera check %r", check)
            code = "invalid_value"
        params = {}
        col = section.column(column)
        if code == "unknown_choice" and col.choices:
            params = choice_params(col.choices)
        out.append(sheet.problem(code, column, int(idx), **params))
    return out


# --- 2. rules across rows and sheets -----------------------------------------------------


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


def _duplicates(sheet: SheetData, keys: Iterable[tuple], column: str) -> list[Problem]:
    seen: dict[tuple, int] = {}
    out = []
    for idx, key in zip(sheet.frame.index, keys, strict=True):
        if any(_blank(k) for k in key):
            continue
        if key in seen:
            first_row = int(sheet.frame.at[seen[key], "_row"])
            out.append(sheet.problem("duplicate_row", column, idx, first_row=first_row))
        else:
            seen[key] = idx
    return out


def _own_indicators(sheet: SheetData) -> list[Problem]:
    catalogue = catalogue_indicator_map()
    out = []
    codes = sheet.frame["indicator"]
    for idx, code in codes.items():
        if isinstance(code, str) and fold(code) in catalogue:
            out.append(sheet.problem("own_indicator_collides", "indicator", idx))
    out += _duplicates(sheet, [(c,) for c in codes], "indicator")
    return out


def _indicators(sheet: SheetData, units: dict[str, str]) -> list[Problem]:
    frame = sheet.frame
    out: list[Problem] = []
    cat = load_catalogue()
    default_phase = {i.code: i.main_phase for i in cat.indicators}
    keys = []
    for idx, ind, phase, value, num, den in zip(
        frame.index, frame["indicator"], frame["phase"], frame["value"],
        frame["numerator"], frame["denominator"], strict=True,
    ):  # fmt: skip
        if _blank(ind):
            keys.append((None,))
            continue
        unit = units.get(ind)
        if unit is None:
            out.append(sheet.problem("unknown_indicator", "indicator", idx))
            keys.append((None,))
            continue
        keys.append((ind, phase if not _blank(phase) else default_phase.get(ind)))
        n, d = _num(num), _num(den)
        if unit == "share":
            if n is None and d is None and _blank(value):
                out.append(sheet.problem("indicator_without_value", "value", idx, "warning"))
            elif n is None and _blank(num):
                out.append(sheet.problem("share_needs_both", "numerator", idx))
            elif d is None and _blank(den):
                out.append(sheet.problem("share_needs_both", "denominator", idx))
            elif n is not None and d is not None and n > d:
                out.append(
                    sheet.problem(
                        "numerator_above_denominator", "numerator", idx, denominator=_fmt(d)
                    )
                )
            continue
        if _blank(value):
            if n is not None or d is not None:
                continue
            out.append(sheet.problem("indicator_without_value", "value", idx, "warning"))
            continue
        v = _num(value)
        if unit == "rubric" and v is not None and v not in RUBRIC_STEPS:
            out.append(sheet.problem("rubric_out_of_range", "value", idx))
    out += _duplicates(sheet, keys, "indicator")
    return out


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
        if consent != "yes" and (consent is None or consent == "no" or _blank(consent)):
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
        if not _blank(view) and kinds.get(question) == "open":
            out.append(sheet.problem("self_view_not_rubric", "self_view", idx, "warning"))
    return out


# --- 3. privacy --------------------------------------------------------------------------


def privacy_problems(sheets: dict[str, SheetData], units: dict[str, str]) -> list[Problem]:
    """Every free-text cell through ``privacy.scan_text``; each distinct text is scanned once."""
    from evaluation.ingest.privacy import scan_text

    out: list[Problem] = []
    cache: dict[str, tuple[str, ...]] = {}
    for sheet in sheets.values():
        columns = [c.code for c in sheet.section.columns if c.free_text]
        for code in columns:
            out += _scan_column(sheet, code, sheet.typed[code], scan_text, cache)
        if sheet.section.code == "indicators" and len(sheet.frame):
            text_rows = _text_rows(sheet, units)
            out += _scan_column(sheet, "value", sheet.typed["value"][text_rows], scan_text, cache)
    return out


def _scan_column(sheet: SheetData, code: str, texts: pd.Series, scan_text, cache) -> list[Problem]:
    present = texts.dropna()
    if present.empty:
        return []
    hits = {}
    for text in pd.unique(present):
        if text not in cache:
            cache[text] = tuple(sorted({f.kind for f in scan_text(str(text))}))
        if cache[text]:
            hits[text] = cache[text]
    out = []
    if not hits:
        return out
    for idx, text in present[present.isin(list(hits))].items():
        for kind in hits[text]:
            p = sheet.problem(f"personal_{kind}", code, idx)
            out.append(Problem(p.code, "error", p.sheet, p.cell, p.column, None, {"kind": kind}))
    return out
