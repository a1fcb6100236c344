"""The Submit page's "what will be stored" (issue 19), in the user's words: each filled-in
sheet under its template name, the template's headers, choices, indicators, dates and numbers
as the user's language writes them, and no code of the database."""

from __future__ import annotations

import re

import pytest
from helpers.dashboard import UPLOAD_FILE

from dashboards import uploads
from evaluation.catalogue import load_catalogue
from evaluation.ingest import read_workbook

LANGS = ("nl", "en")


@pytest.fixture(scope="module")
def report():
    result = read_workbook(UPLOAD_FILE.read_bytes(), UPLOAD_FILE.name)
    assert result.ok
    return result.report


@pytest.mark.parametrize("lang", LANGS)
def test_the_preview_shows_each_sheet_under_the_templates_names(report, lang):
    catalogue = load_catalogue()
    shown = dict(uploads.preview_sections(report, lang))
    filled = [s for s in catalogue.sections if len(report.section(s.code))]
    assert list(shown) == [s.name(lang) for s in filled]
    for section in filled:
        frame = shown[section.name(lang)]
        headers = {c.headers[lang] for c in section.columns}
        assert set(frame.columns) <= headers
        codes = {c.code for c in section.columns} - headers
        assert not codes & set(frame.columns), "a database column name is shown"
        assert len(frame) == len(report.section(section.code))


@pytest.mark.parametrize("lang", LANGS)
def test_the_preview_writes_choices_indicators_dates_and_numbers_in_words(report, lang):
    catalogue = load_catalogue()
    shown = dict(uploads.preview_sections(report, lang))
    section = catalogue.section("profile")
    profile = shown[section.name(lang)].iloc[0]
    form = section.column("organisation_form")
    code = report.profile.iloc[0]["organisation_form"]
    assert profile[form.headers[lang]] == catalogue.choices(form.choices).label(code, lang)
    assert profile[form.headers[lang]] != code
    start = profile[section.column("period_start").headers[lang]]
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}", start), start  # "1 oktober 2025"
    assert profile[section.column("founded_year").headers[lang]] == "2016"

    stories = catalogue.section("stories")
    every_code = {
        c.code for name in ("voices", "phases", "themes", "visibility")
        for c in catalogue.choices(name).choices
    }  # fmt: skip
    cells = set(shown[stories.name(lang)].to_numpy().ravel())
    assert not cells & every_code, "a choice is shown as its code"

    indicators = catalogue.section("indicators")
    named = shown[indicators.name(lang)][indicators.column("indicator").headers[lang]]
    own = dict(zip(report.own_indicators["indicator"], report.own_indicators["label"], strict=True))
    expected = [
        own.get(code) or catalogue.indicator(code).label(lang)
        for code in report.indicators["indicator"]
    ]
    assert list(named) == expected

    activities = catalogue.section("activities")
    hours = shown[activities.name(lang)][activities.column("volunteer_hours").headers[lang]]
    decimal = "," if lang == "nl" else "."
    fractions = [h for h in hours if h and not h.isdigit()]
    assert fractions and all(decimal in h for h in fractions)
