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

The reader calls ``validate_sheet`` (layers 1 and 3, and the Own indicators sheet's rows) as
each sheet is normalised, and ``validate_across`` (layer 2) once all are.

Decisions: a story with consent left blank or "no" gets ``missing_consent`` (one problem,
not also ``required_missing``); an indicator row with neither value nor numerator/denominator
gets the warning ``indicator_without_value``; the personal-data problems do not repeat the
personal data they found (their ``value`` is the masked form, ``f***@example.nl``), so
that a stored validation result never holds it.
"""

from __future__ import annotations

import datetime as dt
import logging
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from evaluation.catalogue import load_catalogue
from evaluation.ingest.normalise import (
    SheetData,
    catalogue_indicator_map,
    fold_series,
)
from evaluation.problems import Problem
from evaluation.schemas import CHECK_CODES, section_schema, validate_section

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
    frame = sheet.frame
    if frame.empty:
        return {}
    codes = frame["indicator"].tolist()
    filled = [i for i, c in enumerate(codes) if not _blank(c)]
    if len(filled) < len(codes):
        codes = [str(codes[i]) for i in filled]
        labels = frame["label"].iloc[filled]
    else:
        codes = [str(c) for c in codes]
        labels = frame["label"]
    folded_labels = fold_series(labels).tolist()
    # reversed, so that the first of a repeated name wins; then a code wins over a name
    pairs = zip(reversed(folded_labels), reversed(codes), strict=True)
    out = {k: c for k, c in pairs if isinstance(k, str) and k}
    out.update(zip(fold_series(pd.Series(codes, dtype=object)).tolist(), codes, strict=True))
    return out


def add_declared(sheets: dict[str, SheetData], declared) -> bool:
    """Add the stored own indicator declarations the workbook left out to its Own indicators
    sheet (made when the workbook has none); whether any was added.

    ``declared(initiative_id)`` gives the declarations (canonical codes) the store holds for
    the initiative the Profile sheet names. A declaration on the sheet wins over a stored
    one of the same code; the added rows have no worksheet row (``_row`` 0), and those the
    Indicators sheet uses are stored with the new submission (``prune_declared`` drops the
    rest), so each period holds the declarations of what it reports."""
    from evaluation.schemas import ID_PATTERN

    profile = sheets.get("profile")
    if profile is None or len(profile.frame) != 1:
        return False
    initiative = profile.frame["initiative_id"].iloc[0]
    if not isinstance(initiative, str) or not ID_PATTERN.match(initiative):
        return False
    own = sheets.get("own_indicators")
    present = set() if own is None else {str(c) for c in own.frame["indicator"].dropna()}
    catalogue = set(load_catalogue().indicator_codes)
    rows = [
        r for r in declared(initiative) if r["indicator"] not in present | catalogue
    ]  # fmt: skip
    if not rows:
        return False
    section = load_catalogue().section("own_indicators")
    codes = list(section.column_codes)
    added = pd.DataFrame([{c: r.get(c) for c in codes} for r in rows], dtype=object)
    added["_row"] = 0
    if own is None:
        from evaluation.ingest.normalise import column_letter

        own = SheetData(
            section=section,
            name=section.name("nl"),
            frame=added.iloc[0:0],
            typed=added[codes].iloc[0:0],
            letters={c: column_letter(i) for i, c in enumerate(codes)},
            headers={c: section.column(c).headers["nl"] for c in codes},
            header_row=1,
        )
        sheets["own_indicators"] = own
    start = (int(own.frame.index.max()) + 1) if len(own.frame) else 0
    added.index = pd.RangeIndex(start, start + len(added))
    own.frame = pd.concat([own.frame, added[list(own.frame.columns)]])
    own.typed = pd.concat([own.typed.astype(object), added[codes].astype(object)])
    return True


def prune_declared(sheets: dict[str, SheetData]) -> None:
    """Drop the stored declarations ``add_declared`` added that the Indicators sheet does not
    use: a new submission carries the declarations it needs, not every one ever made."""
    own, indicators = sheets.get("own_indicators"), sheets.get("indicators")
    if own is None or own.frame.empty:
        return
    added = (own.frame["_row"] == 0).to_numpy(dtype=bool)
    if not added.any():
        return
    used = set() if indicators is None else set(indicators.frame["indicator"].dropna())
    drop = added & ~own.frame["indicator"].isin(used).to_numpy(dtype=bool)
    if drop.any():
        own.frame = own.frame[~drop]
        own.typed = own.typed[~drop]


def choice_params(list_name: str) -> dict[str, str]:
    """The allowed labels of a list in both languages, for a hint."""
    cl = load_catalogue().choices(list_name)
    return {
        f"choices_{lang}": ", ".join(c.labels[lang] for c in cl.choices) for lang in ("nl", "en")
    }


def validate_sheet(
    sheet: SheetData, units: dict[str, str], *, privacy: bool = True
) -> list[Problem]:
    """The problems one sheet shows on its own: its schema, its own rows, personal data
    (unless ``privacy`` is False: the reader then runs ``sheet_privacy`` beside it).

    Only the Indicators sheet needs ``units`` (the catalogue's and the declared own
    indicators'), so the reader can check each sheet as soon as it is normalised.
    """
    problems = _schema_problems(sheet, units)
    if sheet.section.code == "own_indicators":
        problems.extend(_own_indicators(sheet))
    if privacy:
        problems.extend(sheet_privacy(sheet, units))
    return _unblocked(problems, sheet.blocked)


def _unblocked(problems: list[Problem], blocked: set[str]) -> list[Problem]:
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
    return _unblocked(problems, blocked)


# --- 1. pandera ------------------------------------------------------------------------------


def units_of(sheets: dict[str, SheetData]) -> dict[str, str]:
    """Indicator code -> unit, for the catalogue and the declared own indicators."""
    return _own_lookup(sheets, "unit", {i.code: i.unit for i in load_catalogue().indicators})


def default_phases_of(sheets: dict[str, SheetData]) -> dict[str, str]:
    """Indicator code -> the phase a row without one falls in (catalogue, or own sheet)."""
    return _own_lookup(sheets, "phase", {i.code: i.main_phase for i in load_catalogue().indicators})


def _own_lookup(sheets: dict[str, SheetData], column: str, known: dict[str, str]) -> dict:
    """``known``, plus own indicator code -> ``column`` from the Own indicators sheet; the
    catalogue wins over an own row, and the first own row over a later one with its code."""
    own = sheets.get("own_indicators")
    if own is None or own.frame.empty:
        return known
    codes = own.frame["indicator"].tolist()
    values = own.frame[column].tolist()
    # reversed, so that the first row of a repeated code is written last and wins
    out = {
        str(code): value
        for code, value in zip(reversed(codes), reversed(values), strict=True)
        if isinstance(value, str) and (code.strip() if isinstance(code, str) else not _blank(code))
    }
    out.update(known)
    return out


def _lookups(s: pd.Series, *mappings: dict) -> list[pd.Series]:
    """``s.map(m)`` for each mapping (None where missing), looking up each distinct value
    once: faster than pandas' map for a long column and thousands of own indicators."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    keys = np.asarray(uniques, dtype=object).tolist()
    out = []
    for mapping in mappings:
        values = np.empty(len(keys) + 1, dtype=object)
        values[: len(keys)] = [mapping.get(k) for k in keys]
        values[len(keys)] = None  # code -1 (blank) picks the last slot
        out.append(pd.Series(values[codes], index=s.index, dtype=object))
    return out


def _text_rows(sheet: SheetData, units: dict[str, str]) -> pd.Series:
    """Rows of the Indicators sheet whose indicator has the unit text (their value is text)."""
    return sheet.frame["indicator"].isin([c for c, u in units.items() if u == "text"])


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
    distinct = _distinct_values(section.code, check_frame)
    found = [
        errors.failure_cases
        for part in (distinct[0] if distinct else [check_frame])
        if (errors := validate_section(section.code, part, tuple(part.columns))) is not None
    ]
    if not found:
        return []
    skip = set(sheet.missing)
    out = []
    cases = pd.concat(found, ignore_index=True) if len(found) > 1 else found[0]
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
        if code == "not_a_number" and "note" in sheet.letters:
            # the sheet has a note column: the hint sends an explanation there
            params = {"hint_variant": "note", "note_column": sheet.headers["note"]}
        rows = distinct[1](column, int(idx)) if distinct else [int(idx)]
        out.extend(sheet.problem(code, column, row, **params) for row in rows)
    return out


DISTINCT_FROM_ROWS = 500
# columns with up to this many distinct values share one small frame; a column with more
# (33,000 own indicator codes) gets a frame of its own, so the others are not padded to it
SHARED_FRAME_VALUES = 256


def _distinct_values(section_code: str, frame: pd.DataFrame):
    """For a long sheet: small frames of each column's distinct values, and a map back to rows.

    The section checks are per cell (element-wise, or not-null), so checking each distinct
    value once finds every failing cell: 100,000 indicator rows hold a few hundred distinct
    numbers. Column ``c`` of a small frame lists ``c``'s distinct values (blank last), padded
    with its first value; ``rows_of(c, i)`` gives the frame rows holding distinct value ``i``.
    Returns None (check the whole frame) for short sheets or a schema with checks across rows.
    """
    schema = section_schema(section_code)
    across_rows = (
        schema.checks
        or schema.unique
        or any(getattr(c, "unique", False) for c in schema.columns.values())
    )
    if len(frame) < DISTINCT_FROM_ROWS or across_rows:
        return None
    codes: dict[str, tuple] = {}
    columns: dict[str, list] = {}
    for name in frame.columns:
        column = schema.columns.get(name)
        if column is not None and not column.checks:
            # only "not blank" is checked here: one filled value stands for all filled cells
            filled = frame[name].notna()
            col_codes = np.where(filled.to_numpy(), 0, -1)
            uniques = frame[name][filled].iloc[:1].tolist()
        else:
            col_codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
        values = list(uniques)
        if (col_codes == -1).any():
            values.append(None)
        codes[name] = (col_codes, len(uniques))
        columns[name] = values
    shared = [n for n, v in columns.items() if len(v) <= SHARED_FRAME_VALUES]
    groups = [shared] if shared else []
    groups += [[n] for n, v in columns.items() if len(v) > SHARED_FRAME_VALUES]
    small = [_padded({n: columns[n] for n in names}) for names in groups]

    def rows_of(column: str, idx: int) -> list[int]:
        col_codes, n_unique = codes[column]
        if idx < n_unique:
            hit = col_codes == idx
        elif idx == n_unique:
            hit = col_codes == -1
        else:
            return []  # a padding row: its value is reported at its own position
        return [int(i) for i in frame.index[hit]]

    return small, rows_of


def _padded(columns: dict[str, list]) -> pd.DataFrame:
    """One frame of the columns' distinct values, each padded with its first value."""
    height = max((len(v) for v in columns.values()), default=0)
    return pd.DataFrame(
        {
            name: (values + [values[0]] * (height - len(values))) if values else [None] * height
            for name, values in columns.items()
        },
        dtype="object",
    )


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


def _own_indicators(sheet: SheetData) -> list[Problem]:
    catalogue = catalogue_indicator_map()
    codes = sheet.frame["indicator"]
    collides = fold_series(codes).isin(list(catalogue))
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


def sheet_privacy(sheet: SheetData, units: dict[str, str]) -> list[Problem]:
    """The personal data in one sheet's free-text cells (and text indicator values).

    It only reads the sheet, so the reader may run it on a second thread (most of its work
    on a long sheet is Arrow's, which does not hold Python's lock)."""
    from evaluation.ingest.privacy import scan_text, scanner_for

    out: list[Problem] = []
    if sheet.frame.empty:
        return out
    for code in [c.code for c in sheet.section.columns if c.free_text]:
        out += _scan_column(sheet, code, sheet.typed[code], scanner_for(sheet.section.code, code))
    if sheet.section.code == "indicators":
        text_rows = _text_rows(sheet, units)
        if text_rows.any():
            out += _scan_column(sheet, "value", sheet.typed["value"][text_rows], scan_text)
    return out


# a column longer than this is first gated as a whole (Arrow, no Python per cell)
COLUMN_GATE_ROWS = 1_000


def _candidates(texts: pd.Series) -> np.ndarray:
    """Which texts could hold personal data, by the scanner's own first gate, for a whole
    column at once: an "@", or what ``privacy.CANDIDATE_PATTERN`` says may be personal data.
    Texts with other scripts always go to the scanner (their digits count too)."""
    from evaluation.ingest.privacy import CANDIDATE_PATTERN

    arrow = texts if isinstance(texts.dtype, pd.StringDtype) else texts.astype("str")
    values = pa.array(arrow.array)
    maybe = pc.or_(
        pc.or_(
            pc.match_substring(values, "@"),
            pc.match_substring_regex(values, CANDIDATE_PATTERN),
        ),
        pc.invert(pc.string_is_ascii(values)),
    )
    return maybe.fill_null(False).to_numpy(zero_copy_only=False)


def _scan_column(sheet: SheetData, code: str, texts: pd.Series, scan_text) -> list[Problem]:
    texts = texts[texts.notna()]
    if len(texts) > COLUMN_GATE_ROWS:
        # a short column goes straight to the scanner (which has the same gate inside): the
        # column-wide gate pays off only on long sheets
        texts = texts[_candidates(texts)]
    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    if not len(uniques):
        return []
    found = {i: f for i, u in enumerate(uniques.tolist()) if (f := scan_text(str(u)))}
    out: list[Problem] = []
    if not found:
        return out
    hit_rows = np.flatnonzero(np.isin(codes, list(found)))
    for pos in hit_rows:
        idx = texts.index[pos]
        p = sheet.problem("personal_email", code, idx)
        for finding in found[int(codes[pos])]:
            # the masked form points at what to remove without repeating (or storing) it
            out.append(
                Problem(
                    finding.code, finding.severity, p.sheet, p.cell, p.column,
                    finding.masked, {"kind": finding.kind},
                )
            )  # fmt: skip
    return out
