"""The About page and the report's reading guide tell alteriteit, responsiviteit, Kader 1
and Kader 2 in the report's own terms, and every passage they quote (between „ and ”) is the
report's text (``shared/seed`` beside the repository, as for the catalogue's passages)."""

from __future__ import annotations

import re

import pytest
from test_catalogue import SEED_DIR, SEED_GLOB, _normalise

from dashboards import views
from evaluation.catalogue import load_catalogue
from evaluation.i18n import strings, t

TERMS = {
    "nl": ("alteriteit", "responsiviteit", "Kader 1", "Kader 2"),
    "en": ("alterity", "responsiveness", "Kader 1", "Kader 2"),
}
QUOTED = re.compile(r"„([^”]+)”")


def _about_page(lang: str) -> str:
    return "\n".join(text for _, text in views.about_blocks(lang))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_about_page_and_reading_guide_name_alterity_responsiveness_and_both_frames(lang):
    page = _about_page(lang).casefold()
    guide = t("about.reading_guide", lang).casefold()
    for term in TERMS[lang]:
        assert term.casefold() in page, term
        assert term.casefold() in guide, term
    # Kader 1's dilemma: some hierarchy is sometimes needed
    assert "hiërarchie" in page and "hiërarchie" in guide
    # the English texts keep the report's Dutch terms beside the translation
    if lang == "en":
        assert "*alteriteit*" in page and "*responsiviteit*" in page


def test_the_new_reflection_questions_ask_about_stepping_back_and_the_pull_apart():
    questions = load_catalogue().choices("reflection_questions")
    assert "stepped_back" in questions.codes and "need_and_position" in questions.codes
    assert "stap terug" in questions.label("stepped_back", "nl")
    assert "pulled apart" in questions.label("need_and_position", "en")


def _quotes() -> list[str]:
    found = []
    for key, texts in strings().items():
        if key.startswith("about."):
            for text in texts.values():
                found += QUOTED.findall(text)
    return sorted(set(found))


@pytest.fixture(scope="module")
def report() -> str:
    files = sorted(SEED_DIR.glob(SEED_GLOB)) if SEED_DIR.is_dir() else []
    if not files:
        pytest.skip(f"the source report is not beside the repository at {SEED_DIR}")
    return _normalise("\n".join(f.read_text(encoding="utf-8") for f in files))


def _in_report(quote: str, report: str) -> bool:
    """Verbatim in the report, or in two verbatim pieces in order: the PDF text sets a side
    box ("Kader 1") in the middle of a sentence that runs around it."""
    quote = _normalise(quote)
    if quote in report:
        return True
    words = quote.split()
    for k in range(6, len(words) - 5):  # pieces of six words or more
        first, second = " ".join(words[:k]), " ".join(words[k:])
        i = report.find(first)
        if i >= 0 and 0 <= report.find(second, i + len(first)) - i < 4000:
            return True
    return False


def test_there_are_quotes_to_check():
    assert len(_quotes()) >= 8


@pytest.mark.parametrize("quote", _quotes())
def test_every_quoted_passage_is_the_reports_text(quote, report):
    assert _in_report(quote, report), quote


def test_the_quote_check_fails_on_a_changed_word(report):
    assert not _in_report("Het vermogen van professionals om in te schatten wat nodig is", report)
    changed = "kritisch te reflecteren op de eisen die zij stellen voor hun steun"
    assert not _in_report(changed, report)
