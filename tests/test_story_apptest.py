"""The story page through Streamlit's AppTest, in Dutch and English: a phase text, a
takeaway sentence, the reported-count line and quotes; the window that stays put when one
initiative reports a quarter ahead; a profile opened from the network by its id.

The database is a real SQLite file with the sample reports (one held back, as in
``test_dashboard_apptest``).
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import pytest
import streamlit as st
from helpers.dashboard import UPLOAD_INITIATIVE, UPLOAD_PERIOD, build_database
from streamlit.testing.v1 import AppTest

from evaluation import story
from evaluation.access import Principal
from evaluation.analysis import phase_puzzle
from evaluation.disclosure import disclose, select
from evaluation.i18n import t
from evaluation.sample import sample_reports
from evaluation.store import Store

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
REPORTED = {
    "nl": "9 van de 10 initiatieven leverden een verslag voor 4e kwartaal 2025.",
    "en": "9 of 10 initiatives reported for Q4 2025.",
}


@pytest.fixture(scope="module")
def story_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("story") / "evaluation.sqlite"
    build_database(path, skip=(UPLOAD_INITIATIVE, UPLOAD_PERIOD))
    return path


def _fresh() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _run(db: Path, monkeypatch, lang: str, role: str = "funder") -> AppTest:
    monkeypatch.setenv("EVALUATION_DATABASE_URL", f"sqlite:///{db}")
    _fresh()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["demo_role"] = role
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_story_page_reads_phase_texts_takeaways_count_line_and_quotes(story_db, monkeypatch, lang):
    at = _run(story_db, monkeypatch, lang)
    assert at.title[0].value == t("ui.story.title", lang)
    markdown = [m.value for m in at.markdown]
    captions = [c.value for c in at.caption]
    # what the page should say, composed from the same store by the library
    with Store.open(f"sqlite:///{story_db}") as store:
        funder = disclose(store.current_dataset(Principal("funder")), Principal("funder"))
    window = select(funder, None, "2025-Q4", "2025-Q4")
    phases = story.phase_stories(window, lang, earlier=funder)
    for phase in phases:
        assert phase.text in markdown, phase.phase
    # the network's own words open the page, then a heading per phase
    subheaders = [s.value for s in at.subheader]
    assert subheaders[0] == t("narrative.title", lang)
    assert subheaders[1:4] == [p.label for p in phases]
    # a takeaway under every chart, each followed by the count line
    puzzle = story.puzzle_takeaway(phase_puzzle(window.dataset, viewer=Principal("funder")), lang)
    assert f"**{puzzle}**" in markdown
    assert f"**{story.flows_takeaway(window, lang)}**" in markdown
    assert REPORTED[lang] in captions
    assert captions.count(REPORTED[lang]) >= 6
    # at least two quotes, each with whose voice it is
    quotes = [m for m in markdown if m.startswith("> ")]
    assert len(quotes) >= 2
    assert any(q.text in m for p in phases for q in p.quotes for m in quotes)
    # the output totals come last, and their double-counting label is in the number's label
    specs = " ".join(c.proto.spec for c in at.get("plotly_chart"))
    assert t("story.labels.may_double_count", lang).split()[0] in specs
    assert markdown.index(f"**{story.totals_takeaway(lang)}**") > markdown.index(phases[-1].text)


def _one_quarter_ahead(db: Path, initiative_id: str) -> None:
    """Store ``initiative_id``'s 2025-Q4 report once more, as 2026-Q1."""
    report = next(
        r for r in sample_reports() if (r.initiative_id, r.period) == (initiative_id, "2025-Q4")
    )
    ahead = copy.deepcopy(report)
    ahead.profile.loc[:, "period_start"] = dt.date(2026, 1, 1)
    ahead.profile.loc[:, "period_end"] = dt.date(2026, 3, 31)
    with Store.open(f"sqlite:///{db}") as store:
        name = f"{initiative_id}_2026-Q1.xlsx"
        store.store_report(name.encode(), name, Principal("admin", name="test"), ahead, [])


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_one_initiative_a_quarter_ahead_leaves_the_window_and_the_count_says_so(
    story_db, tmp_path, monkeypatch, lang
):
    db = tmp_path / "ahead.sqlite"
    shutil.copy(story_db, db)
    _one_quarter_ahead(db, "groeiplek")
    at = _run(db, monkeypatch, lang)
    assert at.select_slider(key="story_periods").value == ("2025-Q4", "2025-Q4")
    captions = [c.value for c in at.caption]
    assert REPORTED[lang] in captions
    later = t("ui.common.quarter", lang, year="2026", q="1")
    assert t("ui.app.reported_ahead", lang, n=1, period=later) in captions


def test_a_profile_opens_on_the_initiative_its_link_names(story_db, monkeypatch):
    at = _run(story_db, monkeypatch, "en")
    at.query_params["initiative"] = "groeiplek"
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="profile_initiative").value == "groeiplek"
