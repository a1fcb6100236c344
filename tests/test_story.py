"""The collective story in words (``evaluation.story``): sentence templates without judging
words, phase texts composed from disclosed data, quotes only from stories the audience may
read, the reported-count line, and a window that stays put when one initiative reports a
quarter ahead."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from evaluation import story
from evaluation.access import Principal
from evaluation.disclosure import disclose, select
from evaluation.i18n import strings, t
from evaluation.model import Dataset
from evaluation.sample import known_initiatives, sample_reports

# words that judge instead of describe (issue 14; DESIGN.md section 5), Dutch and English
JUDGING = {
    "nl": (
        "goed", "goede", "slecht", "slechte", "laag", "lage", "hoog", "hoge", "best", "beste",
        "beter", "slechter", "slechtst", "zwak", "zwakke", "sterk", "sterke", "succes",
        "succesvol", "mislukt", "tekort", "tekortkoming", "onvoldoende", "voldoende",
        "uitstekend", "matig", "helaas", "gelukkig", "achterblijven", "achterstand",
        "presteren", "prestatie", "score", "rangorde",
    ),
    "en": (
        "good", "bad", "low", "lower", "high", "higher", "best", "better", "worse", "worst",
        "weak", "strong", "success", "successful", "failure", "failed", "poor", "lacking",
        "shortfall", "insufficient", "sufficient", "excellent", "unfortunately", "fortunately",
        "underperform", "performance", "score", "ranking", "top",
    ),
}  # fmt: skip


def _story_templates() -> dict[str, dict[str, str]]:
    return {k: v for k, v in strings().items() if k.startswith("story.")}


def test_there_are_templates_for_each_part_of_a_phase_text():
    keys = set(_story_templates())
    for part in ("accent", "handed_next", "handed_within", "lasting", "bridges", "no_stories"):
        assert f"story.phase.{part}" in keys, part
    assert len(keys) > 30


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_sentence_template_holds_a_judging_word(lang):
    found = []
    for key, texts in _story_templates().items():
        words = set(re.findall(r"[a-zà-ÿ]+", texts[lang].casefold()))
        found += [(key, w) for w in JUDGING[lang] if w in words]
    assert not found


def test_the_judging_word_check_catches_a_judging_template():
    text = "Deze fase scoort laag."
    assert {"laag"} & set(re.findall(r"[a-zà-ÿ]+", text.casefold()))


@pytest.fixture(scope="module")
def sample_dataset() -> Dataset:
    known = known_initiatives()
    return Dataset.concat(
        [
            r.to_tidy(submission_id=n, known_initiatives=known)
            for n, r in enumerate(sample_reports())
        ]
    )


@pytest.fixture(scope="module")
def funder(sample_dataset):
    return disclose(sample_dataset, Principal("funder"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_phase_texts_say_who_works_there_and_what_reached_the_next_phase(funder, lang):
    window = select(funder, None, "2025-Q4", "2025-Q4")
    texts = story.phase_stories(window, lang)
    assert [p.phase for p in texts] == ["arrival", "landing", "future"]
    arrival = texts[0]
    assert "Gastvrij Dak" in arrival.text and "Buurtwonen Noord" in arrival.text
    # the hand-over to the next phase is named, with its number or as withheld
    nxt = texts[1].label
    assert nxt in arrival.text
    moves = arrival.handovers
    if moves.onward[1]:
        assert t("story.phase.handed_next_withheld", lang, next=nxt) in arrival.sentences
    # the last phase has no next phase to hand on to
    assert not any(texts[1].label in s and "next" in s for s in texts[2].sentences)


def test_a_withheld_flow_stays_withheld_in_the_phase_text(funder):
    window = select(funder, None, "2025-Q4", "2025-Q4")
    flows = window.phase_flows
    hidden = flows[flows["people_suppressed"]]
    assert len(hidden), "the sample has withheld flows"
    row = hidden.iloc[0]
    moves = story.handovers(window, row["from_phase"])
    pair = moves.within if row["to_phase"] == row["from_phase"] else moves.onward
    assert pair == (None, True)


def test_the_initiative_itself_sees_its_own_numbers_in_the_text(sample_dataset):
    own = disclose(sample_dataset, Principal("initiative", "gastvrij-dak"))
    window = select(own, None, "2025-Q4", "2025-Q4")
    arrival = story.phase_story(window, "arrival", "en")
    assert arrival.handovers.within[0] is not None


def test_quotes_come_only_from_stories_the_audience_may_read(sample_dataset, funder):
    public = disclose(sample_dataset, Principal("public"))
    for d, allowed in ((funder, {"funders", "public"}), (public, {"public"})):
        window = select(d, None, "2025-Q1", "2025-Q4")
        st = window.dataset.stories
        assert set(st["visibility"]) <= allowed
        assert st["consent_recorded"].astype(bool).all()
        for phase in ("arrival", "landing", "future"):
            for q in story.quotes(window, phase, "nl"):
                texts = {" ".join(str(x).split()) for x in st["text"]}
                assert q.text in texts or q.text.endswith(" …")
    # the funder reads more than the public, and gets at least two quotes in a phase
    window = select(funder, None, "2025-Q4", "2025-Q4")
    assert len(story.quotes(window, "landing", "en")) >= 2
    # a story for the initiative only never reaches the funder's quotes
    private = sample_dataset.stories[sample_dataset.stories["visibility"] == "initiative"]
    if len(private):
        quoted = {
            q.text
            for p in ("arrival", "landing", "future")
            for q in story.quotes(select(funder, None, None, None), p, "nl", limit=1000)
        }
        shared = set(funder.dataset.stories["text"].map(lambda s: " ".join(str(s).split())))
        only_private = {" ".join(str(s).split()) for s in private["text"]} - shared
        assert not (only_private & quoted)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_reported_line_counts_initiatives_for_the_window(funder, lang):
    window = select(funder, None, "2025-Q3", "2025-Q3")
    line = story.reported_line(window, lang)
    period = t("ui.common.quarter", lang, year="2025", q="3")
    assert line == t("ui.app.reported", lang, n=10, total=10, period=period)


def _a_quarter_ahead(ds: Dataset, initiative_id: str) -> Dataset:
    """``ds`` with one initiative's last quarter sent again as the next quarter."""
    frames = {}
    for name, frame in ds.frames().items():
        if name == "initiatives":
            frames[name] = frame
            continue
        mine = frame[(frame["initiative_id"] == initiative_id) & (frame["period"] == "2025-Q4")]
        ahead = mine.assign(
            period="2026-Q1", period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 3, 31)
        )
        frames[name] = pd.concat([frame, ahead], ignore_index=True)
    return Dataset(**frames)


def test_one_initiative_a_quarter_ahead_does_not_move_the_window_and_the_count_says_so(
    sample_dataset,
):
    from dashboards import views

    ds = _a_quarter_ahead(sample_dataset, "gastvrij-dak")
    periods = views.available_periods(ds)
    assert periods[-1] == "2026-Q1"
    stable = views.stable_period(periods, views.reporting(ds), len(ds.initiatives))
    assert stable == "2025-Q4"
    d = disclose(ds, Principal("funder"))
    assert story.reported_line(select(d, None, stable, stable), "en") == (
        "10 of 10 initiatives reported for Q4 2025."
    )
    assert story.reported_line(select(d, None, "2026-Q1", "2026-Q1"), "en") == (
        "1 of 10 initiatives reported for Q1 2026."
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_outputs_that_can_hold_a_person_twice_say_so_in_their_label(lang):
    label = story.double_count_label("newcomers_participating", "X", lang)
    assert label == f"X {t('story.labels.may_double_count', lang)}"
    assert story.double_count_label("volunteer_hours", "X", lang) == "X"


def test_the_report_gets_the_count_line_and_one_text_per_phase(funder):
    window = select(funder, None, "2025-Q4", "2025-Q4")
    rows = story.report_rows(window, "nl")
    assert rows[0] == ("", story.reported_line(window, "nl"))
    assert [label for label, _ in rows[1:]] == [
        "Aankomst",
        *[p.label for p in story.phase_stories(window, "nl")[1:]],
    ]
    assert all(text for _, text in rows)
