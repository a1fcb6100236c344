"""The indicator catalogue, its concepts and the choice lists are complete, valid and stable.

The catalogue is data (evaluation/data/indicators.yaml) that other modules, stored data and
filled-in workbooks depend on, so these tests guard what a careless edit would break: a missing
Dutch or English text, a renamed code, a value that is not a known choice, an Activities column
without its indicator, or a quote that is not really in the report it claims to rest on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from evaluation.catalogue import DATA_DIR, LANGS, load_catalogue
from evaluation.i18n import t

CATALOGUE = load_catalogue()
RAW = yaml.safe_load((DATA_DIR / "indicators.yaml").read_text(encoding="utf-8"))
SNAPSHOT = Path(__file__).parent / "data" / "catalogue_codes.txt"
# In a checkout the report sits in shared/seed beside the repository (CI copies it there).
SEED_GLOB = "*.txt"  # the report is seed/000_7c69f33c901fcd43.txt
SEED_DIR = ROOT.parent / "shared" / "seed"

INDICATOR_IDS = [i.code for i in CATALOGUE.indicators]
CONCEPT_IDS = [c["code"] for c in RAW["concepts"]]
CHOICE_PARAMS = [
    pytest.param(name, choice, id=f"{name}:{choice.code}")
    for name, cl in CATALOGUE.choice_lists.items()
    for choice in cl.choices
]


def _filled(text: object) -> bool:
    return isinstance(text, str) and bool(text.strip()) and "TODO" not in text


# --- texts in both languages -------------------------------------------------------------------


@pytest.mark.parametrize("code", INDICATOR_IDS)
def test_indicator_has_dutch_and_english_texts(code: str) -> None:
    ind = CATALOGUE.indicator(code)
    for lang in LANGS:
        assert _filled(ind.label(lang)), f"{code}: no {lang} label"
        assert _filled(ind.definition(lang)), f"{code}: no {lang} definition"
        assert _filled(ind.why.get(lang)), f"{code}: no {lang} 'why'"


@pytest.mark.parametrize("code", INDICATOR_IDS)
def test_indicator_names_its_source(code: str) -> None:
    source = CATALOGUE.indicator(code).source
    assert _filled(source.get("section")), f"{code}: no source section"
    assert _filled(source.get("passage")), f"{code}: no source passage"
    assert len(source["passage"]) <= 220, f"{code}: passage is longer than a short quote"


@pytest.mark.parametrize("code", CONCEPT_IDS)
def test_concept_has_labels_meaning_and_passage(code: str) -> None:
    raw = next(c for c in RAW["concepts"] if c["code"] == code)
    concept = next(c for c in CATALOGUE.concepts.choices if c.code == code)
    for lang in LANGS:
        assert _filled(concept.labels.get(lang)), f"{code}: no {lang} label"
        assert _filled(raw.get(f"meaning_{lang}")), f"{code}: no {lang} meaning"
        assert concept.text("meaning", lang) == raw[f"meaning_{lang}"]  # the loader keeps it
    assert _filled(raw.get("passage")), f"{code}: no passage"


@pytest.mark.parametrize(("name", "choice"), CHOICE_PARAMS)
def test_choice_has_dutch_and_english_label(name: str, choice) -> None:
    for lang in LANGS:
        assert _filled(choice.labels.get(lang)), f"{name}.{choice.code}: no {lang} label"


# --- codes: unique, valid, stable --------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "codes"),
    [("indicators", INDICATOR_IDS), ("concepts", CONCEPT_IDS)]
    + [(f"choices.{name}", list(cl.codes)) for name, cl in CATALOGUE.choice_lists.items()]
    + [(f"sections.{s.code}", list(s.column_codes)) for s in CATALOGUE.sections],
)
def test_codes_are_unique(what: str, codes: list[str]) -> None:
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    assert duplicates == [], f"{what}: codes used twice: {duplicates}"


def test_indicator_labels_do_not_collide() -> None:
    """A label typed in a workbook must point to one indicator only."""
    seen: dict[str, str] = {}
    for ind in CATALOGUE.indicators:
        for label in ind.labels.values():
            assert CATALOGUE.lookup_indicator(label) == ind.code, (label, seen.get(label))
            seen[label] = ind.code


def _snapshot() -> list[str]:
    lines = [ln.strip() for ln in SNAPSHOT.read_text(encoding="utf-8").splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def test_committed_codes_are_still_in_the_catalogue() -> None:
    """Removing or renaming an indicator code breaks stored data and workbooks: add instead."""
    missing = sorted(set(_snapshot()) - set(INDICATOR_IDS))
    assert missing == [], f"indicator codes removed or renamed: {missing}"


def test_snapshot_lists_every_current_code() -> None:
    """A new indicator is added to the snapshot too, so that it is protected from then on."""
    committed = set(_snapshot())
    unlisted = sorted(set(INDICATOR_IDS) - committed)
    assert unlisted == [], f"add these codes to {SNAPSHOT.name}: {unlisted}"


@pytest.mark.parametrize("code", INDICATOR_IDS)
def test_indicator_fields_are_known_codes(code: str) -> None:
    ind = CATALOGUE.indicator(code)
    assert ind.dimension in CATALOGUE.choices("dimensions").codes
    assert ind.unit in CATALOGUE.choices("units").codes
    assert ind.phases, f"{code}: no phase"
    assert set(ind.phases) <= set(CATALOGUE.choices("phases").codes)
    assert len(set(ind.phases)) == len(ind.phases)
    assert ind.concept in CONCEPT_IDS, f"{code}: unknown concept {ind.concept!r}"
    assert ind.sheet in ("activities", "indicators")


def test_no_field_holds_a_target() -> None:
    """The catalogue describes; it never sets a norm, target, threshold or weight."""
    forbidden = {"target", "norm", "threshold", "weight", "goal", "score", "benchmark"}
    for raw in RAW["indicators"]:
        assert not forbidden & {k.casefold() for k in raw}, raw["code"]


def test_activities_sheet_columns_match_catalogue() -> None:
    section = CATALOGUE.section("activities")
    columns = {c.indicator for c in section.columns if c.indicator}
    in_catalogue = {i.code for i in CATALOGUE.indicators if i.sheet == "activities"}
    assert columns == in_catalogue
    for col in section.columns:
        if col.indicator:
            assert col.code == col.indicator, f"column {col.code} carries {col.indicator}"


def test_every_concept_used_by_an_indicator_exists_and_main_concepts_are_present() -> None:
    design_concepts = {
        "three_phases",
        "continuity",
        "small_scale_relational",
        "contacts_vs_relationships",
        "alterity",
        "in_between_space",
        "many_voices",
        "hidden_talents",
        "process_oriented",
        "relational_autonomy",
        "complementary_value",
    }
    assert design_concepts <= set(CONCEPT_IDS)
    assert {i.concept for i in CATALOGUE.indicators} <= set(CONCEPT_IDS)


# --- quotes are verbatim in the report ---------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def _normalise(text: str) -> str:
    """Text with layout forgiven: whitespace collapsed and hyphens between letters dropped.

    The report is a PDF extraction: words are broken at line ends ("vluchte-/lingen") and
    compounds keep their hyphen there too ("vluchteling-/zijn"). Dropping a hyphen between two
    letters, on both sides of the comparison, accepts either reading; every other character of
    a quote must still match.
    """
    text = re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", text)
    return _squash(re.sub(r"(\w)-(\w)", r"\1\2", text))


@pytest.fixture(scope="module")
def report() -> str:
    """The report's text, normalised; skipped when shared/seed is not beside the repository."""
    files = sorted(SEED_DIR.glob(SEED_GLOB)) if SEED_DIR.is_dir() else []
    if not files:
        pytest.skip(
            f"the source report (shared/seed/{SEED_GLOB}) is not beside the repository at "
            f"{SEED_DIR}; quotes cannot be checked without it"
        )
    return _normalise("\n".join(f.read_text(encoding="utf-8") for f in files))


QUOTES = [
    pytest.param(i.source.get("passage", ""), id=f"indicator:{i.code}")
    for i in CATALOGUE.indicators
]
QUOTES += [pytest.param(c.get("passage", ""), id=f"concept:{c['code']}") for c in RAW["concepts"]]
SECTIONS = sorted({i.source.get("section", "") for i in CATALOGUE.indicators})


@pytest.mark.parametrize("passage", QUOTES)
def test_passage_is_verbatim_in_report(passage: str, report: str) -> None:
    quote = _normalise(passage)
    assert quote, "empty passage"
    assert quote in report, f"not found verbatim in the report: {passage!r}"


@pytest.mark.parametrize("section", SECTIONS)
def test_source_section_is_a_heading_of_the_report(section: str, report: str) -> None:
    assert _normalise(section) in report, f"not a heading of the report: {section!r}"


def test_quote_check_tolerates_line_breaks_but_not_changed_words() -> None:
    """The normalisation only forgives layout: a changed word must still fail."""
    text = _normalise("aan de ander-\n  kant van de vluchte-\nlingen\n\nweg")
    assert _normalise("de ander-kant van de vluchtelingen weg") in text
    assert _normalise("de anderkant van de vluchte-lingen weg") in text
    assert _normalise("de andere kant") not in text
    assert _normalise("van de vluchtelingen, weg") not in text


# --- the "About the framework" texts -----------------------------------------------------------

ABOUT_KEYS = [
    "title",
    "intro",
    "source",
    "phases.intro",
    *(f"phases.{code}" for code in CATALOGUE.choices("phases").codes),
    "relational_autonomy",
    "no_targets",
    "many_voices",
    "small_numbers",
    "reading_profile",
    "reading_guide",
]


@pytest.mark.parametrize("key", ABOUT_KEYS)
def test_about_page_text_exists_in_both_languages(key: str) -> None:
    """The About page and the report's reading guide explain every phase and every rule."""
    for lang in LANGS:
        assert _filled(t(f"about.{key}", lang)), f"about.{key}: no {lang} text"
    assert t(f"about.{key}", "nl") != t(f"about.{key}", "en")
