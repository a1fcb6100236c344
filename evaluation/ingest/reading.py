"""Reading an uploaded workbook: safety first, then calamine, then normalise and validate.

``read_workbook`` is the one entry point (the CLI, the upload page and the store call it). It
never raises: a file that is not a workbook comes back with ``report=None`` and the reason;
anything unexpected becomes the problem ``internal_error`` and is logged.

How a sheet becomes a grid of texts (calamine, merged ranges, the openpyxl fallback) is
``grid``; the steps after it each have a module: ``normalise`` (with ``headers`` and
``values``), ``validate`` (a sheet's schema, own rows and personal data), ``rules`` (across
rows and sheets), ``plausible`` (numbers too large to be counts).

A big upload (over ``grid.BACKGROUND_FROM_BYTES``) has its Indicators sheet, the one that grows
to 200,000 rows, read by calamine on a second thread while the other sheets are read,
normalised and checked (``grid.SheetLoader``). It is the same work with the same results;
``tests/test_ingest_paths.py`` reads with and without the thread.

Which sheets must be there: Profile, Activities and Indicators (``missing_sheet``, an error);
a missing Stories, Network or Reflection sheet is a warning (read as empty); a missing
Own indicators sheet is not reported (it is optional). Other sheets (the reading guide, the
data dictionary, the hidden lists) are ignored.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from evaluation.catalogue import fold, load_catalogue
from evaluation.model import SECTION_CODES, Report
from evaluation.problems import Problem, has_errors

if TYPE_CHECKING:
    from evaluation.ingest.sheet import SheetData

log = logging.getLogger(__name__)

REQUIRED_SHEETS = ("profile", "activities", "indicators")
OPTIONAL_REPORTED = ("stories", "network", "reflection")
# own indicators come first: the Indicators sheet accepts their codes
READ_ORDER = ("profile", "own_indicators", "activities", "indicators", "stories", "network",
              "reflection")  # fmt: skip


@dataclass
class IngestResult:
    """What reading one workbook gave: the report (when readable), every problem, the language."""

    report: Report | None
    problems: list[Problem] = field(default_factory=list)
    lang: Literal["nl", "en"] | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None and not has_errors(self.problems)

    @property
    def unreadable(self) -> bool:
        return self.report is None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def read_workbook(
    source: str | os.PathLike | bytes,
    file_name: str | None = None,
    *,
    limits=None,
    isolate: bool | None = None,
    declared=None,
) -> IngestResult:
    """Read, normalise and validate one uploaded workbook. Never raises.

    The safety checks run here; the reading itself runs in a child process with a memory and
    a time limit (``isolation.run_isolated``) unless ``isolate`` is False (or isolation is
    switched off or unavailable, see ``isolation.enabled``).

    ``declared`` may give the own indicator declarations the store already holds, per
    initiative (a mapping of initiative id to declarations, or a function of the id): the
    workbook may then leave them out (``validate.add_declared``). A mapping is what a child
    process should get: it needs no database connection there.
    """
    return read_workbooks([(source, file_name)], limits=limits, isolate=isolate,
                          declared=declared)[0]  # fmt: skip


def read_workbooks(
    sources: Sequence[tuple[str | os.PathLike | bytes, str | None]],
    *,
    limits=None,
    isolate: bool | None = None,
    declared=None,
    workers: int | None = None,
) -> list[IngestResult]:
    """``read_workbook`` of each ``(source, file_name)``, up to ``workers`` readers at once
    (one per processor by default, ``isolation.run_isolated_many``); the results in order.
    Never raises. Each workbook gets the same ``declared``: give a batch only workbooks that
    do not need each other's declarations (the sample loads one per initiative at a time)."""
    try:
        return _read_many(sources, limits, isolate, declared, workers)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # the last safety net (a Rust panic is a BaseException): a calm
        # message for the user, the traceback in the log only
        log.exception("reading workbooks %r failed unexpectedly", [n for _, n in sources])
        return [IngestResult(None, [Problem("internal_error", "error")], None) for _ in sources]


def read_workbook_isolated(source, file_name=None, *, limits=None) -> IngestResult:
    """``read_workbook`` with the reader always in a child process (where one can be made)."""
    return read_workbook(source, file_name, limits=limits, isolate=True)


def _lookup(declared):
    """``declared`` as a function of the initiative id (a mapping's ``get``, [] when absent)."""
    if declared is None or callable(declared):
        return declared
    return lambda initiative_id: declared.get(initiative_id, [])


def _checked(source, file_name, limits) -> IngestResult | tuple:
    """The safety checks of one source: the refusal, or what the reader needs after them."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        file_name = file_name or path.name
        try:
            data = path.read_bytes()
        except OSError:
            return IngestResult(None, [Problem("file_not_found", params={"file": str(path)})])
    kind, problems = _check_file(data, file_name, limits)
    if kind is None or has_errors(problems):
        return IngestResult(None, problems or [Problem("not_a_spreadsheet")], None)
    return data, file_name, kind, problems


def _checked_safely(source, file_name, limits) -> IngestResult | tuple:
    """``_checked``, with anything unexpected this file's ``internal_error`` alone."""
    try:
        return _checked(source, file_name, limits)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:
        log.exception("checking workbook %r failed unexpectedly", file_name)
        return IngestResult(None, [Problem("internal_error", "error")], None)


def _read_many(sources, limits, isolate, declared, workers) -> list[IngestResult]:
    from evaluation.ingest import isolation
    from evaluation.ingest.safety import DEFAULT_LIMITS

    checked = [_checked_safely(source, file_name, limits) for source, file_name in sources]
    limits = limits or DEFAULT_LIMITS
    if isolate is None:
        isolate = isolation.enabled()
    declared = _lookup(declared)
    calls = [(_read_checked, (*c, limits, declared)) for c in checked if isinstance(c, tuple)]
    if not isolate:
        outcomes = [fn(*args) for fn, args in calls]
    else:
        if calls:
            isolation.warm()
        outcomes = isolation.run_isolated_many(calls, workers)
    out, read = [], iter(zip(calls, outcomes, strict=True))
    for c in checked:
        if isinstance(c, IngestResult):
            out.append(c)
            continue
        (_, args), outcome = next(read)
        if isinstance(outcome, IngestResult):
            out.append(outcome)
        else:  # the reader failed: why
            out.append(IngestResult(None, args[3] + [outcome], None))
    return out


def _read_checked(
    data: bytes, file_name, kind: str, problems: list[Problem], limits, declared=None
):
    """Everything after the safety checks: read, normalise, validate; problems capped."""
    result = _read_sheets(data, file_name, kind, list(problems), limits, declared)
    result.problems = cap_problems(result.problems, limits.max_problems)
    return result


def cap_problems(problems: list[Problem], limit: int) -> list[Problem]:
    """At most ``limit`` problems, in their order, and one more that counts the rest (an
    error when an error is among them). A file with a million broken rows gets a readable
    list and a small stored record."""
    if len(problems) <= limit:
        return problems
    kept, rest = problems[:limit], problems[limit:]
    severity: Literal["error", "warning"] = (
        "error" if any(p.severity == "error" for p in rest) else "warning"
    )
    more = Problem("more_problems", severity, params={"n": f"{len(rest):,}".replace(",", ".")})
    return [*kept, more]


def _read_sheets(data: bytes, file_name, kind: str, problems: list[Problem], limits, declared=None):
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        names = list(reader.sheet_names)
    except Exception:
        log.info("calamine could not open %r", file_name, exc_info=True)
        return IngestResult(None, problems + [Problem("unreadable_workbook")], None)

    cat = load_catalogue()
    found, lang = match_sheets(names)
    shown_lang = lang or "nl"
    if not found:  # someone else's spreadsheet: one clear problem, not one per sheet
        if not _any_content(reader, names, found):
            return IngestResult(_empty_report(), problems + [Problem("empty_workbook")], lang)
        sheet_names = ", ".join(s.name(shown_lang) for s in cat.sections)
        problems.append(Problem("not_a_template", params={"sheet_names": sheet_names}))
        return IngestResult(_empty_report(), problems, lang)

    from evaluation.ingest.cells import formula_errors
    from evaluation.ingest.grid import SheetLoader, merged_ranges
    from evaluation.ingest.normalise import normalise_sheet
    from evaluation.ingest.own import (
        add_declared,
        default_phases_of,
        own_indicator_lookup,
        prune_declared,
        units_of,
    )
    from evaluation.ingest.rules import validate_across
    from evaluation.ingest.validate import validate_sheet

    merges = merged_ranges(data, kind, list(found.values()))
    errors = formula_errors(data, kind, list(found.values()))

    # Each sheet is normalised and checked as soon as it is read; a long upload's Indicators
    # sheet is read on a second thread meanwhile (see grid.SheetLoader). The sheets' problems are
    # held back until it is clear the workbook is not empty.
    sheets: dict[str, SheetData] = {}
    normalised: list[Problem] = []  # header and percentage problems
    checked: list[Problem] = []  # each sheet's schema, own rows and personal data
    own: dict[str, str] = {}
    units, phases = units_of({}), default_phases_of({})
    any_cells = False
    across: list[Problem] = []
    with SheetLoader(data, kind, reader, found, merges, file_name, limits) as loader:
        for code in READ_ORDER:
            # the profile and own declarations are read: add the stored ones left out
            if declared is not None and code == "activities" and add_declared(sheets, declared):
                own = own_indicator_lookup(sheets["own_indicators"])
                units, phases = units_of(sheets), default_phases_of(sheets)
            if code not in found:
                continue
            grid, load_problems = loader.grid(code)
            problems.extend(load_problems)
            any_cells = any_cells or len(grid) > 0
            data_sheet, sheet_problems = normalise_sheet(
                grid, cat.section(code), found[code], own, errors.get(found[code])
            )
            sheets[code] = data_sheet
            normalised.extend(sheet_problems)
            if code == "own_indicators":
                own = own_indicator_lookup(data_sheet)
                # READ_ORDER: made before the Indicators sheet needs them
                units, phases = units_of(sheets), default_phases_of(sheets)
            checked.extend(validate_sheet(data_sheet, units))
        if declared is not None:
            prune_declared(sheets)  # only the stored declarations the upload uses
        if any(len(s.frame) for s in sheets.values()):
            across = validate_across(sheets, units, phases)

    if not any_cells and not _any_content(reader, names, found):
        problems.append(Problem("empty_workbook"))
        return IngestResult(_empty_report(), problems, lang)

    for code in REQUIRED_SHEETS + OPTIONAL_REPORTED:
        if code not in found:
            problems.append(
                Problem(
                    "missing_sheet",
                    "error" if code in REQUIRED_SHEETS else "warning",
                    params={"sheet_name": cat.section(code).name(shown_lang)},
                )
            )

    if not any(len(s.frame) for s in sheets.values()):
        problems.extend(normalised)
        problems.append(Problem("empty_workbook"))
        return IngestResult(_report_from(sheets), problems, lang)

    from evaluation.ingest.plausible import implausible_counts

    problems.extend(normalised + checked + across + implausible_counts(sheets))
    return IngestResult(_report_from(sheets), _ordered(problems, sheets), lang)


def _check_file(data: bytes, file_name: str | None, limits) -> tuple[str | None, list[Problem]]:
    """The safety checks (``evaluation.ingest.safety``) before any parser sees the bytes."""
    from evaluation.ingest import safety

    if limits is None:
        return safety.check_file(data, file_name)
    return safety.check_file(data, file_name, limits)


def match_sheets(names: list[str]) -> tuple[dict[str, str], Literal["nl", "en"] | None]:
    """Section code -> sheet name as in the workbook, and the template language they show."""
    cat = load_catalogue()
    by_fold: dict[str, tuple[str, Literal["nl", "en"]]] = {}
    languages: tuple[Literal["nl", "en"], ...] = ("nl", "en")
    for section in cat.sections:
        for language in languages:
            by_fold.setdefault(fold(section.name(language)), (section.code, language))
    found: dict[str, str] = {}
    votes = {"nl": 0, "en": 0}
    for name in names:
        hit = by_fold.get(fold(name))
        if hit and hit[0] not in found:
            found[hit[0]] = name
            votes[hit[1]] += 1
    lang: Literal["nl", "en"] | None = None
    if votes["nl"] or votes["en"]:
        lang = "en" if votes["en"] > votes["nl"] else "nl"
    return found, lang


def _any_content(reader, names: list[str], found: dict[str, str]) -> bool:
    """Whether any sheet other than the section sheets holds a cell (guide and lists aside)."""
    for name in names:
        if name in found.values():
            continue
        try:
            if reader.load_sheet(name, header_row=None, n_rows=1).height:
                return True
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            continue
    return False


def _empty_report() -> Report:
    return _report_from({})


def _report_from(sheets: dict) -> Report:
    cat = load_catalogue()
    frames = {}
    for code in SECTION_CODES:
        if code in sheets:
            frames[code] = sheets[code].frame
        else:
            cols = list(cat.section(code).column_codes) + ["_row"]
            frames[code] = pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    return Report(**frames)


def _ordered(problems: list[Problem], sheets: dict) -> list[Problem]:
    """File-level problems first, then by sheet in workbook order, row and column."""
    order = {s.name: i for i, s in enumerate(sheets.values())}
    cell_re = re.compile(r"!([A-Z]+)(\d+)$")

    def key(p: Problem):
        if p.sheet is None:
            return (-1, 0, 0, "")
        m = cell_re.search(p.cell or "")
        row = int(m[2]) if m else 0
        col = (len(m[1]), m[1]) if m else (0, "")
        return (order.get(p.sheet, 99), row, col, p.code)

    seen = set()
    unique = []
    for p in problems:
        k = (p.code, p.sheet, p.cell, p.column)
        if k in seen:
            continue
        seen.add(k)
        unique.append(p)
    return sorted(unique, key=key)
