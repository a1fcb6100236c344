"""The template's reading guide and data dictionary sheets, and the look every sheet shares.

``template.build_workbook`` puts the guide first and the dictionary after the section sheets.
Both are written from the data files alone: the texts from ``data/strings/template.yaml``, the
sheets and columns from ``sections.yaml``, the indicators and lists from the catalogue.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.catalogue import Catalogue, Column, load_catalogue
from evaluation.i18n import t
from evaluation.layout import EXAMPLE_MARKERS

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DCE6F0", end_color="DCE6F0")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)


def sheet_names(lang: str) -> dict[str, str]:
    """The sheet name of each section (by code) in ``lang``, in workbook order."""
    return {s.code: s.name(lang) for s in load_catalogue().sections}


def column_definition(column: Column, lang: str, cat: Catalogue) -> str:
    if column.indicator:
        return cat.indicator(column.indicator).definition(lang)
    return column.help[lang]


def row_height(texts: Iterable[tuple[str, float]]) -> float:
    """An explicit height for a row of wrapped texts (text, column width), so every app shows it."""
    lines = 1
    for text, width in texts:
        per_line = max(10, int(width * 1.1))
        lines = max(lines, sum(max(1, math.ceil(len(p) / per_line)) for p in text.split("\n")))
    return 15.0 * lines + 3


def guide_sheet(
    ws: Worksheet, lang: str, cat: Catalogue, rhythm: str | None = None, light: bool = False
) -> None:
    names = sheet_names(lang)
    stories = cat.section("stories")
    params = {
        "marker": EXAMPLE_MARKERS[lang],
        "profile": names["profile"],
        "indicators": names["indicators"],
        "own_indicators": names["own_indicators"],
        "consent": stories.column("consent_recorded").headers[lang],
        "yes": cat.choices("yes_no").label("yes", lang),
    }
    widths = (28.0, 100.0)
    ws.column_dimensions["A"].width = widths[0]
    ws.column_dimensions["B"].width = widths[1]
    row = 1
    ws.cell(row=row, column=1, value=t("template.guide.title", lang)).font = TITLE_FONT
    ws.row_dimensions[row].height = 22
    row += 2

    def paragraph(heading: str | None, text: str) -> None:
        nonlocal row
        if heading:
            ws.cell(row=row, column=1, value=heading).font = BOLD
            ws.cell(row=row, column=1).alignment = WRAP_TOP
        ws.cell(row=row, column=2, value=text).alignment = WRAP_TOP
        ws.row_dimensions[row].height = row_height([(text, widths[1])])
        row += 1

    paragraph(t("template.guide.purpose_heading", lang), t("template.guide.purpose", lang))
    row += 1
    if rhythm is not None:  # an initiative's own template: what was agreed with its funder
        agreed_heading = t("template.guide.arrangement_heading", lang)
        paragraph(agreed_heading, t(f"template.guide.arrangement.{rhythm}", lang))
        if light:
            sheets = {"indicators": names["indicators"], "activities": names["activities"]}
            paragraph(None, t("template.guide.light", lang, **sheets))
        row += 1
    how_keys = [
        "one_period",
        "profile_row",
        "example_row",
        "headers",
        "lists",
        "numbers_not_names",
        "dates_numbers",
        "stories_consent",
        "no_targets",
        "upload",
    ]
    for i, key in enumerate(how_keys):
        heading = t("template.guide.how_heading", lang) if i == 0 else None
        paragraph(heading, "• " + t(f"template.guide.how.{key}", lang, **params))
    row += 1
    ws.cell(row=row, column=1, value=t("template.guide.sheets_heading", lang)).font = BOLD
    row += 1
    for idx, key in enumerate(("sheet_column", "about_column"), start=1):
        head = ws.cell(row=row, column=idx, value=t(f"template.guide.{key}", lang))
        head.font, head.fill = HEADER_FONT, HEADER_FILL
    row += 1
    entries = [(s.name(lang), s.help[lang]) for s in cat.sections]
    entries.append(
        (t("template.sheet.dictionary", lang), t("template.guide.dictionary_help", lang))
    )
    for name, help_text in entries:
        ws.cell(row=row, column=1, value=name).alignment = WRAP_TOP
        paragraph(None, help_text)


def dictionary_sheet(ws: Worksheet, lang: str, cat: Catalogue) -> None:
    def header(row: int, keys: list[str]) -> None:
        for idx, key in enumerate(keys, start=1):
            cell = ws.cell(row=row, column=idx, value=t(f"template.dictionary.{key}", lang))
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN

    widths = (30, 30, 50, 22, 22, 30, 28, 50)

    def write(row: int, values: list[object]) -> None:
        for idx, value in enumerate(values, start=1):
            ws.cell(row=row, column=idx, value=value).alignment = WRAP_TOP
        ws.row_dimensions[row].height = row_height(
            (str(v), w) for v, w in zip(values, widths, strict=False) if v
        )

    for letter, width in zip("ABCDEFGH", widths, strict=True):
        ws.column_dimensions[letter].width = width

    row = 1
    ws.cell(
        row=row, column=1, value=t("template.dictionary.indicators_heading", lang)
    ).font = TITLE_FONT
    row += 1
    header(row, ["code", "label", "definition", "dimension", "unit", "phases", "concept", "why"])
    row += 1
    phases, dims, units = cat.choices("phases"), cat.choices("dimensions"), cat.choices("units")
    for ind in cat.indicators:
        write(
            row,
            [
                ind.code,
                ind.label(lang),
                ind.definition(lang),
                dims.label(ind.dimension, lang),
                units.label(ind.unit, lang),
                "; ".join(phases.label(p, lang) for p in ind.phases),
                cat.concepts.label(ind.concept, lang),
                ind.why.get(lang, ""),
            ],
        )
        row += 1

    row += 1
    ws.cell(
        row=row, column=1, value=t("template.dictionary.columns_heading", lang)
    ).font = TITLE_FONT
    row += 1
    header(row, ["sheet", "column", "code", "type", "required", "allowed", "meaning"])
    row += 1
    yes_no = cat.choices("yes_no")
    for section in cat.sections:
        for column in section.columns:
            if column.type == "choice" and column.choices:
                allowed = "; ".join(cat.choices(column.choices).labels(lang).values())
            elif column.type == "indicator":
                allowed = t("template.dictionary.indicator_values", lang)
            else:
                allowed = ""
            write(
                row,
                [
                    section.name(lang),
                    column.header(lang),
                    column.code,
                    t(f"template.types.{column.type}", lang),
                    yes_no.label("yes" if column.required else "no", lang),
                    allowed,
                    column_definition(column, lang, cat),
                ],
            )
            row += 1
    ws.freeze_panes = None
