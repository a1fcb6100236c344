"""The Excel template a volunteer fills in, and the same workbook filled from a ``Report``.

Everything in the workbook comes from the data files: the sheets and columns from
``data/sections.yaml``, the drop-down lists from ``data/choices.yaml`` and the indicator
catalogue, the texts from ``data/strings/template.yaml``. The layout is a contract with the
reader (``evaluation/ingest/``):

- sheet ``Leeswijzer`` / ``Reading guide`` first, then one sheet per section in the order of
  ``sections.yaml`` (named after the section in the template's language), then the data
  dictionary, then a hidden sheet with the drop-down lists;
- row ``HEADER_ROW`` holds the headers (``Column.header(lang)``; a trailing `` *`` marks a
  required column);
- row ``EXAMPLE_ROW`` is one example row whose first cell starts with one of
  ``layout.EXAMPLE_MARKERS``; ``layout.is_example_row`` tells the reader to skip it. A volunteer who
  overwrites the example (and so removes the marker) turns it into a data row;
- data starts at ``FIRST_DATA_ROW``; a single-row section (Profile) has exactly that one row.

``write_report`` writes what a volunteer's filled template looks like: choice codes as the
labels of the language, catalogue indicators as their labels, dates as real dates, numbers as
numbers. The reading guide, the data dictionary and the look the sheets share are
``template_guide``. Rebuilding gives the same bytes: fixed timestamps in the document
properties and in the zip entries, so the committed templates only change when the layout
does.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from evaluation.catalogue import LANGS, Catalogue, Column, Section, load_catalogue
from evaluation.errors import UserError
from evaluation.i18n import t
from evaluation.layout import EXAMPLE_MARKERS, blank
from evaluation.template_guide import (
    HEADER_ALIGN,
    HEADER_FILL,
    HEADER_FONT,
    WRAP_TOP,
    column_definition,
    dictionary_sheet,
    guide_sheet,
    row_height,
)

HEADER_ROW = 1
EXAMPLE_ROW = 2
FIRST_DATA_ROW = 3
# drop-downs are set on the data rows up to here (further when a report has more rows)
LAST_VALIDATED_ROW = 500

# The first cell of the example row starts with one of these (case and spacing ignored).

TEMPLATE_FILENAMES = {"nl": "evaluatie-sjabloon-nl.xlsx", "en": "evaluation-template-en.xlsx"}

# the key of the catalogue indicators' list on the hidden list sheet (choice lists use their name)
INDICATOR_LIST = "catalogue_indicators"

# fixed so that rebuilding the template gives an identical file
FIXED_TIMESTAMP = dt.datetime(2025, 1, 1, 0, 0, 0)
CREATOR = "evaluation"
DATE_FORMATS = {"nl": "d-m-yyyy", "en": "yyyy-mm-dd"}

_EXAMPLE_FONT = Font(italic=True, color="808080")


# --- values ------------------------------------------------------------------------------


def as_date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return value
    return value


def _as_number(value: object, whole: bool) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return value
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value
    if f.is_integer() and (whole or abs(f) < 1e15):
        return int(f)
    return f


def cell_value(column: Column, value: object, lang: str, cat: Catalogue | None = None) -> object:
    """What a volunteer would have in the cell for a canonical value: labels, dates, numbers."""
    if blank(value):
        return None
    cat = cat or load_catalogue()
    if column.type == "choice" and column.choices:
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        choices = cat.choices(column.choices)
        code = str(value)
        return choices.label(code, lang) if code in choices.codes else value
    if column.type == "indicator":
        code = str(value)
        return cat.indicator(code).label(lang) if code in cat.indicator_codes else code
    if column.type == "date":
        return as_date(value)
    if column.type in ("integer", "year"):
        return _as_number(value, whole=True)
    if column.type == "number":
        return _as_number(value, whole=False)
    return str(value) if not isinstance(value, str) else value


def _display(value: object, lang: str) -> str:
    if isinstance(value, dt.date):
        if lang == "nl":
            return f"{value.day}-{value.month}-{value.year}"
        return value.isoformat()
    return str(value)


# --- sheets ------------------------------------------------------------------------------


def _comment(text: str, lang: str) -> Comment:
    lines = max(3, len(text) // 45 + 2)
    comment = Comment(text, t("template.comment_author", lang))
    comment.width = 320
    comment.height = min(400, 18 * lines)
    return comment


def _list_sheet(
    wb: Workbook, lang: str, cat: Catalogue, own_codes: Iterable[str] = ()
) -> dict[str, str]:
    """Write the hidden list sheet; return list key -> absolute range of its labels. The
    indicator list ends with the initiative's own indicator codes (``own_codes``)."""
    ws = wb.create_sheet(t("template.sheet.lists", lang))
    lists: dict[str, list[str]] = {}
    for section in cat.sections:
        for column in section.columns:
            if column.type == "choice" and column.choices and column.choices not in lists:
                lists[column.choices] = list(cat.choices(column.choices).labels(lang).values())
    lists[INDICATOR_LIST] = [i.label(lang) for i in cat.indicators if i.sheet == "indicators"]
    lists[INDICATOR_LIST] += [c for c in own_codes if c not in lists[INDICATOR_LIST]]
    ranges = {}
    for idx, (key, labels) in enumerate(lists.items(), start=1):
        letter = get_column_letter(idx)
        ws.cell(row=1, column=idx, value=key)
        for r, label in enumerate(labels, start=2):
            ws.cell(row=r, column=idx, value=label)
        ws.column_dimensions[letter].width = max(12, min(80, max(len(x) for x in labels) + 2))
        ranges[key] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(labels) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _validation(column: Column, ranges: dict[str, str], lang: str) -> DataValidation | None:
    if column.type == "choice" and column.choices:
        return DataValidation(
            type="list",
            formula1=ranges[column.choices],
            allow_blank=True,
            showDropDown=False,  # (sic) False shows the in-cell arrow
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=t("template.validation.error_title", lang),
            error=t("template.validation.error", lang),
        )
    if column.type == "indicator":
        # own indicators are typed as codes: warn, never refuse
        return DataValidation(
            type="list",
            formula1=ranges[INDICATOR_LIST],
            allow_blank=True,
            showDropDown=False,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=t("template.validation.own_indicator_title", lang),
            error=t("template.validation.own_indicator", lang),
        )
    return None


def _section_sheet(
    wb: Workbook,
    section: Section,
    lang: str,
    cat: Catalogue,
    ranges: dict[str, str],
    rows: list[Mapping[str, Any]],
) -> Worksheet:
    ws = wb.create_sheet(section.name(lang))
    for idx, column in enumerate(section.columns, start=1):
        letter = get_column_letter(idx)
        head = ws.cell(row=HEADER_ROW, column=idx, value=column.header(lang))
        head.font, head.fill, head.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        head.comment = _comment(column_definition(column, lang, cat), lang)
        dim = ws.column_dimensions[letter]
        dim.width = column.width
        # column-wide formats reach the cells a volunteer types into, without writing them
        if column.type == "date":
            dim.number_format = DATE_FORMATS[lang]
        elif column.type == "long_text":
            dim.alignment = WRAP_TOP
    ws.row_dimensions[HEADER_ROW].height = row_height(
        (c.header(lang), c.width) for c in section.columns
    )
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1).coordinate

    # the example row
    for idx, column in enumerate(section.columns, start=1):
        value = cell_value(column, column.example, lang, cat)
        if idx == 1:
            shown = "" if value is None else " " + _display(value, lang)
            value = EXAMPLE_MARKERS[lang] + shown
        if value is None:
            continue
        cell = ws.cell(row=EXAMPLE_ROW, column=idx, value=value)
        cell.font = _EXAMPLE_FONT
        if isinstance(value, dt.date):
            cell.number_format = DATE_FORMATS[lang]
        if column.type == "long_text":
            cell.alignment = WRAP_TOP
    ws.row_dimensions[EXAMPLE_ROW].height = row_height(
        (str(c.example), c.width) for c in section.columns if c.type == "long_text" and c.example
    )

    # data rows
    if section.single_row:
        rows = rows[:1]
    for offset, record in enumerate(rows):
        r = FIRST_DATA_ROW + offset
        for idx, column in enumerate(section.columns, start=1):
            value = cell_value(column, record.get(column.code), lang, cat)
            if value is None:
                continue
            cell = ws.cell(row=r, column=idx, value=value)
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMATS[lang]
            if column.type == "long_text":
                cell.alignment = WRAP_TOP

    last = (
        FIRST_DATA_ROW
        if section.single_row
        else max(LAST_VALIDATED_ROW, FIRST_DATA_ROW + len(rows) - 1)
    )
    for idx, column in enumerate(section.columns, start=1):
        dv = _validation(column, ranges, lang)
        if dv is None:
            continue
        letter = get_column_letter(idx)
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
        ws.add_data_validation(dv)
    return ws


# --- workbooks ---------------------------------------------------------------------------


def build_workbook(
    lang: str = "nl",
    profile: Mapping[str, Any] | None = None,
    rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    rhythm: str | None = None,
    light: bool = False,
) -> Workbook:
    """The template in ``lang``; ``profile`` prefills the profile row, ``rows`` any section
    (own indicators in ``rows["own_indicators"]`` join the Indicators drop-down). With a
    ``rhythm`` (an initiative's own template) the reading guide says what was agreed: the
    rhythm, and with ``light`` that numbers are welcome but not needed."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    cat = load_catalogue()
    data = {k: list(v) for k, v in (rows or {}).items()}
    if profile is not None:
        data["profile"] = [dict(profile)]
    own_codes = [
        str(r["indicator"]) for r in data.get("own_indicators", []) if not blank(r.get("indicator"))
    ]
    wb = Workbook()
    guide = wb.active
    guide.title = t("template.sheet.guide", lang)
    # the list sheet goes last, but its ranges are needed first
    ranges = _list_sheet(wb, lang, cat, own_codes)
    for section in cat.sections:
        _section_sheet(wb, section, lang, cat, ranges, data.get(section.code, []))
    guide_sheet(guide, lang, cat, rhythm, light)
    dictionary = wb.create_sheet(t("template.sheet.dictionary", lang))
    dictionary_sheet(dictionary, lang, cat)
    lists = wb[t("template.sheet.lists", lang)]
    wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(lists.title))
    wb.active = 0

    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.title = t("template.workbook_title", lang)
    props.language = lang
    props.created = FIXED_TIMESTAMP
    props.modified = FIXED_TIMESTAMP
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The xlsx file's bytes, with fixed timestamps so that a rebuild gives identical bytes."""
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(wb, archive).save()  # closes the archive; unlike openpyxl's save, keeps `modified`
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return fixed.getvalue()


def save_workbook(wb: Workbook, path: str | os.PathLike[str]) -> Path:
    """Save with fixed timestamps (identical bytes on rebuild), atomically (never half a file)."""
    data = workbook_bytes(wb)
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # a sibling temporary file (created with the user's umask), then one rename
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            with tmp.open("xb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserError(
            "template.cli.cannot_write", path=str(target), reason=exc.strerror or str(exc)
        ) from exc
    return target


def write_template(
    path: str | os.PathLike[str], lang: str = "nl", profile: Mapping[str, Any] | None = None
) -> Path:
    """Write a blank template (the profile row prefilled when ``profile`` is given)."""
    return save_workbook(build_workbook(lang, profile=profile), path)


def template_bytes(lang: str = "nl", profile: Mapping[str, Any] | None = None) -> bytes:
    """The blank template as bytes (for a download button), the profile row prefilled."""
    return workbook_bytes(build_workbook(lang, profile=profile))


def _records(frame: Any) -> list[dict[str, Any]]:
    if frame is None or len(frame) == 0:
        return []
    cols = [c for c in frame.columns if c != "_row"]
    return frame[cols].to_dict("records")


def write_report(report: Any, path: str | os.PathLike[str], lang: str = "nl") -> Path:
    """Write ``report`` (an ``evaluation.model.Report``) as a volunteer's filled-in template."""
    rows = {s.code: _records(report.section(s.code)) for s in load_catalogue().sections}
    return save_workbook(build_workbook(lang, rows=rows), path)


def build_committed_templates(directory: str | os.PathLike[str]) -> list[Path]:
    """Write the blank templates in both languages under their committed file names."""
    out = Path(directory)
    return [write_template(out / TEMPLATE_FILENAMES[lang], lang) for lang in LANGS]
