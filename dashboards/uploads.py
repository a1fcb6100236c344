"""The submission desk's plumbing: turn ingest and store results into what the Submit page shows.

Kept out of the page so it can be tested without Streamlit, and so the page stays a list of
``st.*`` calls. Nothing here parses a workbook itself: ``evaluation.ingest.read_workbook``
reads and checks, ``evaluation.submit`` reads and stores; this module only shapes their results
into tables and messages in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from dashboards import texts
from evaluation.access import Principal
from evaluation.catalogue import load_catalogue
from evaluation.errors import UserError
from evaluation.formatting import format_date, format_number, format_period
from evaluation.i18n import t
from evaluation.ingest import read_workbook
from evaluation.ingest.safety import DEFAULT_LIMITS, MB
from evaluation.layout import blank
from evaluation.problems import Problem
from evaluation.submit import submit
from evaluation.template import cell_value, workbook_bytes

# what the reader takes (issue 19): the page names exactly these, and refuses any other file
# itself, in the user's language (the widget accepts every file: Streamlit's own refusal is
# English only)
ACCEPTED_TYPES = ("xlsx", "ods")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEM_COLUMNS = ("severity", "sheet", "cell", "message", "hint")
_QUOTING = ("message", "hint")  # the columns that may quote what a user wrote


def limit_line(lang: str) -> str:
    """The line above the upload box: one file, the real size limit, the real types."""
    mb = DEFAULT_LIMITS.max_bytes / MB
    return t("ui.upload.limit_line", lang, mb=f"{mb:g}".replace(".", "," if lang == "nl" else "."))


def refusal(file_name: str, lang: str) -> str | None:
    """Why a file of this kind is refused (named, with the fix), or None when it is taken."""
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix in ACCEPTED_TYPES:
        return None
    found = f".{suffix}" if suffix else t("ui.upload.no_extension", lang)
    return t("ui.upload.wrong_type", lang, name=texts.plain(file_name), found=texts.plain(found))


def template_file_name(initiative_id: str | None, lang: str) -> str:
    stem = "verslag" if lang == "nl" else "report"
    return f"{stem}-{initiative_id}.xlsx" if initiative_id else f"{stem}.xlsx"


def problem_table(problems: list[Problem], lang: str) -> pd.DataFrame:
    """One row per problem: kind, sheet, cell, what is wrong, how to fix it (headers localised)."""
    rows = []
    for p in problems:
        d = p.to_dict(lang)
        d["severity"] = t(f"ui.submit.severity_{d['severity']}", lang)
        # st.table renders Markdown in its cells, and a message quotes what the cell held
        # (sheet names cannot hold "[", "]" or ":", cell references are ours)
        rows.append(
            {c: texts.plain(d.get(c)) if c in _QUOTING else d.get(c) or "" for c in PROBLEM_COLUMNS}
        )
    frame = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    return frame.rename(columns={c: t(f"ui.submit.col_{c}", lang) for c in PROBLEM_COLUMNS})


@dataclass
class UploadCheck:
    """What the page shows after an upload, before anything is stored."""

    ok: bool
    unreadable: bool
    errors: pd.DataFrame
    warnings: pd.DataFrame
    initiative_id: str | None = None
    initiative_name: str | None = None
    period: str | None = None
    preview: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    period_start: dt.date | None = None
    period_end: dt.date | None = None


def check(data: bytes, file_name: str, lang: str, store=None) -> UploadCheck:
    """Read and check an uploaded workbook; nothing is stored. With the ``store``, own
    indicators it already holds for the initiative need not be declared again."""
    if store is not None:
        result = read_workbook(data, file_name, declared=store.all_own_declarations())
    else:
        result = read_workbook(data, file_name)
    errors = [p for p in result.problems if p.severity == "error"]
    warnings = [p for p in result.problems if p.severity != "error"]
    out = UploadCheck(
        ok=bool(result.ok),
        unreadable=bool(result.unreadable),
        errors=problem_table(errors, lang),
        warnings=problem_table(warnings, lang),
    )
    if result.ok and result.report is not None:
        report = result.report
        out.initiative_id = report.initiative_id
        out.initiative_name = str(report.profile.iloc[0].get("name") or report.initiative_id)
        out.period = report.period
        out.period_start, out.period_end = report.period_start, report.period_end
        out.preview = preview_sections(report, lang)
    return out


def preview_sections(report, lang: str) -> list[tuple[str, pd.DataFrame]]:
    """What will be stored, as the user wrote it (issue 19): each filled-in sheet under its
    name in the template, its columns under the template's headers, choices, indicators and
    dates in words, numbers as the user's language writes them; no codes of the database."""
    catalogue = load_catalogue()
    own = {
        str(row["indicator"]): str(row["label"])
        for row in report.own_indicators.to_dict("records")
        if not blank(row.get("label"))
    }
    out = []
    for section in catalogue.sections:
        frame = report.section(section.code)
        if not len(frame):
            continue
        columns = [c for c in section.columns if c.code in frame.columns]
        words = pd.DataFrame(
            {
                c.headers[lang]: [_in_words(v, c, catalogue, own, lang) for v in frame[c.code]]
                for c in columns
            }
        )
        out.append((section.name(lang), words))
    return out


def _in_words(value, column, catalogue, own: dict[str, str], lang: str) -> str:
    """One cell of the preview in the user's words: what the template would hold in the cell
    (``template.cell_value``: labels, dates, numbers), written as the page writes them."""
    if column.type == "indicator" and str(value) in own:
        return own[str(value)]
    cell = cell_value(column, value, lang, catalogue)
    if cell is None:
        return ""
    if column.type == "date":
        return format_date(cell, lang)
    if column.type in ("integer", "number") and isinstance(cell, int | float):
        if float(cell).is_integer():
            return format_number(cell, lang, decimals=0)
        decimals = min(len(repr(round(cell, 6)).partition(".")[2]), 6)
        return format_number(cell, lang, decimals=decimals)
    return str(cell)


@dataclass
class Refusal:
    """An import the store refused with a user error (e.g. access): shown as a message."""

    error: UserError
    status: str = "refused"
    problems: list[Problem] = field(default_factory=list)


def overlaps(store, who: Principal, check: UploadCheck, lang: str) -> str:
    """The current submissions the checked upload would replace besides its own period's
    (its period overlaps theirs), in words; "" when there are none."""
    if not (check.ok and check.initiative_id and check.period_start and check.period_end):
        return ""
    try:
        found = store.overlapping(who, check.initiative_id, check.period_start, check.period_end)
    except UserError:
        return ""  # not this initiative's: the store refuses the upload itself
    return ", ".join(
        t("ui.submit.overlap_item", lang, id=c.submission_id, period=format_period(c.period, lang))
        for c in found
    )


def store_upload(
    store, data: bytes, file_name: str, who: Principal, replace_overlapping: bool = False
):  # -> ImportOutcome | Refusal
    """Store the upload for ``who``; a refusal the user can act on comes back as ``Refusal``
    (also an overlap the user did not confirm replacing)."""
    try:
        return submit(store, data, file_name, who, replace_overlapping=replace_overlapping)
    except UserError as exc:
        return Refusal(error=exc)


def outcome_messages(outcome, lang: str) -> list[tuple[str, str]]:
    """(st function, text) pairs that tell the user what happened to the upload."""
    if isinstance(outcome, Refusal):
        return [("error", texts.plain(outcome.error.render(lang)))]
    period = format_period(outcome.period, lang) if outcome.period else ""
    if outcome.status == "accepted":
        msgs = [("success", t("ui.submit.accepted", lang, id=outcome.submission_id, period=period))]
        superseded = list(outcome.superseded or [])
        if superseded:
            ids = ", ".join(str(s) for s in superseded)
            msgs.append(("info", t("ui.submit.superseded", lang, ids=ids)))
        return msgs
    if outcome.status == "duplicate":
        return [("info", t("ui.submit.duplicate", lang, id=outcome.submission_id))]
    return [("error", t("ui.submit.rejected", lang))]


def history_table(submissions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Earlier submissions, newest first (time order, not a ranking), status in words."""
    if submissions is None or not len(submissions):
        return pd.DataFrame()
    frame = submissions.copy()
    if "status" in frame:
        frame["status"] = frame["status"].map(
            lambda s: t(f"ui.submit.status.{s}", lang) if _known_status(s) else s
        )
    if "period" in frame:
        frame["period"] = frame["period"].map(lambda p: format_period(p, lang))
    if "uploaded_at" in frame:
        frame["uploaded_at"] = frame["uploaded_at"].map(lambda d: format_date(d, lang))
    if "superseded_by" in frame:
        frame["superseded_by"] = frame["superseded_by"].map(
            lambda v: "" if pd.isna(v) else str(int(v))
        )
    keep = [c for c in HISTORY_COLUMNS if c in frame.columns]
    frame = frame[keep] if keep else frame
    return frame.rename(columns={c: t(f"ui.submit.history.{c}", lang) for c in keep})


HISTORY_COLUMNS = (
    "submission_id",
    "period",
    "file_name",
    "uploaded_at",
    "status",
    "n_errors",
    "superseded_by",
)


def _known_status(s: object) -> bool:
    return s in ("accepted", "rejected", "duplicate", "superseded", "current")


def template_bytes(ds, initiative_id: str | None, lang: str, agreed=None) -> bytes:
    """The Excel template that continues from the initiative's last period in ``ds`` (its
    current dataset): profile, own indicators, partners, reflection questions and the next
    period's dates in its ``agreed`` rhythm (``evaluation.continuation.continue_from``); a
    first report gets the code."""
    from evaluation.continuation import continued_template

    return workbook_bytes(continued_template(ds, initiative_id, lang, agreed=agreed))
