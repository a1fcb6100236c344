"""The dashboard through Streamlit's AppTest: every page, both languages, each demo role,
and the upload flow (a broken workbook, then the fixed one) through the real file uploader.

The database is a real SQLite file filled once per session with the sample reports (stored
through the store's own path, skipping only the Excel reading, to keep the suite fast); a
test that writes gets its own copy of the file.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from helpers.dashboard import UPLOAD_FILE, UPLOAD_INITIATIVE, UPLOAD_PERIOD, build_database
from streamlit.testing.v1 import AppTest

from evaluation.access import Principal
from evaluation.i18n import t
from evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboards" / "app.py"
PAGES = {
    "story": "app_pages/story.py",
    "profile": "app_pages/profile.py",
    "voices": "app_pages/voices.py",
    "submit": "app_pages/submit.py",
    "export": "app_pages/export.py",
    "about": "app_pages/about.py",
}
TITLES = {
    "story": "ui.story.title",
    "profile": "ui.profile.title",
    "voices": "ui.voices.title",
    "submit": "ui.submit.title",
    "export": "ui.export.title",
    "about": "about.title",
}
ROLES = ("funder", "evaluator", f"initiative:{UPLOAD_INITIATIVE}")


@pytest.fixture(scope="session")
def session_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dashboard") / "evaluation.sqlite"
    build_database(path, skip=(UPLOAD_INITIATIVE, UPLOAD_PERIOD))
    return path


def _fresh_caches() -> None:
    """Streamlit's caches are per process; a test on another database file starts clean."""
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def shared_app(session_db, monkeypatch):
    """An app on the shared (read-only) session database."""
    monkeypatch.setenv("EVALUATION_DATABASE_URL", f"sqlite:///{session_db}")
    _fresh_caches()
    yield lambda: AppTest.from_file(str(APP), default_timeout=60)
    _fresh_caches()


@pytest.fixture
def own_app(session_db, tmp_path, monkeypatch):
    """An app on a private copy of the session database (for tests that write)."""
    copy = tmp_path / "evaluation.sqlite"
    shutil.copy(session_db, copy)
    monkeypatch.setenv("EVALUATION_DATABASE_URL", f"sqlite:///{copy}")
    _fresh_caches()
    yield lambda: AppTest.from_file(str(APP), default_timeout=60)
    _fresh_caches()


def _no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def _start(make, lang: str, role: str) -> AppTest:
    """A first run with the sidebar's choices made (language, demo role).

    The pages live in ``dashboards/app_pages/``, not ``pages/``, so AppTest (like
    ``streamlit run``) runs the entry script before the page on every run, also after
    ``switch_page``: the sidebar and the banner are there on every page (checked below).
    """
    at = make()
    at.session_state["lang"] = lang
    at.session_state["demo_role"] = role
    at.run()
    _no_exception(at)
    assert at.radio(key="lang_choice").value == lang
    assert at.selectbox(key="demo_role_choice").value == role
    return at


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_under_the_sidebar_and_demo_banner(shared_app, lang, role):
    at = _start(shared_app, lang, role)
    assert at.info, "the demo banner"
    banner = at.info[0].value  # the entry script draws it above the page
    assert t("ui.app.demo_banner", lang, who="X").split("**")[0] in banner
    if role.startswith("initiative:"):
        names = Store.open().initiatives(Principal("funder")).set_index("initiative_id")["name"]
        assert names[UPLOAD_INITIATIVE] in banner
    else:
        assert t(f"ui.app.role_{role}", lang) in banner
    for page, path in PAGES.items():
        at.switch_page(path).run()
        _no_exception(at)
        assert [x.value for x in at.title] == [t(TITLES[page], lang)], page
        # the entry script ran before the page: its language switch, role and demo banner
        assert at.sidebar.radio(key="lang_choice").value == lang, page
        assert at.sidebar.selectbox(key="demo_role_choice").value == role, page
        assert at.info and at.info[0].value == banner, page
        charts = at.get("plotly_chart")
        if page in ("story", "profile", "voices"):
            assert len(charts) >= 2, page
        if page == "submit":
            # only an initiative gets the uploader; others are told why
            assert bool(at.file_uploader) == role.startswith("initiative:")
        if page == "export":
            assert bool(at.get("download_button")) == (role in ("funder", "evaluator"))


def test_language_switch_in_the_sidebar(shared_app):
    at = shared_app()
    at.run()
    assert at.title[0].value == t("ui.story.title", "nl")
    at.radio(key="lang_choice").set_value("en").run()
    _no_exception(at)
    assert at.title[0].value == t("ui.story.title", "en")
    # on a page reached through the navigation the switch is there and works too
    at.switch_page(PAGES["profile"]).run()
    assert at.title[0].value == t("ui.profile.title", "en")
    at.sidebar.radio(key="lang_choice").set_value("nl").run()
    _no_exception(at)
    assert at.title[0].value == t("ui.profile.title", "nl")


def test_story_page_draws_puzzle_network_flows_and_context(shared_app):
    at = _start(shared_app, "en", "funder")
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    joined = " ".join(specs)
    # the flows between phases carry their numbers; within a phase is written apart
    assert t("ui.figures.sankey_title", "en") in joined
    assert t("story.labels.within", "en") in joined
    assert t("ui.figures.puzzle_title", "en") in joined
    assert t("ui.figures.network_title", "en") in joined
    assert t("ui.figures.totals_title", "en") in joined
    # Dutch separators are set per language: English uses ".," (decimal point first)
    assert '"separators":".,"' in joined.replace(" ", "")


def _broken_workbook() -> bytes:
    """The sample workbook with one number typed as a word: Activiteiten!C3."""
    wb = openpyxl.load_workbook(UPLOAD_FILE)
    wb["Activiteiten"]["C3"] = "veel"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_upload_broken_then_fixed_workbook(own_app, lang):
    at = _start(own_app, lang, f"initiative:{UPLOAD_INITIATIVE}")
    at.switch_page(PAGES["submit"]).run()
    _no_exception(at)
    assert at.get("download_button"), "the prefilled template is offered"

    at.file_uploader(key="upload").set_value((UPLOAD_FILE.name, _broken_workbook(), XLSX)).run()
    _no_exception(at)
    problems = at.table[0].value
    assert "Activiteiten!C3" in set(problems[t("ui.submit.col_cell", lang)])
    row = problems[problems[t("ui.submit.col_cell", lang)] == "Activiteiten!C3"].iloc[0]
    assert row[t("ui.submit.col_sheet", lang)] == "Activiteiten"
    assert "veel" in row[t("ui.submit.col_message", lang)]
    assert row[t("ui.submit.col_hint", lang)]
    assert not at.button(key="confirm") if "confirm" in [b.key for b in at.button] else True
    assert any(t("ui.submit.problems_title", lang, n=len(problems)) == e.value for e in at.error)

    at.file_uploader(key="upload").set_value((UPLOAD_FILE.name, UPLOAD_FILE.read_bytes(), XLSX))
    at.run()
    _no_exception(at)
    assert not at.error
    assert at.success, "the preview says the file is in order"
    assert len(at.tabs) >= 4, "the preview shows what will be stored, per table"
    at.button(key="confirm").click().run()
    _no_exception(at)
    stored = " ".join(s.value for s in at.success)
    assert t("ui.submit.accepted", lang, id="X", period="Y").split("X")[0] in stored
    history = at.dataframe[-1].value
    assert t("ui.submit.status.accepted", lang) in set(history[t("ui.submit.history.status", lang)])

    # the new quarter is on the profile now (caches were cleared after the accepted upload)
    at.switch_page(PAGES["profile"]).run()
    _no_exception(at)
    from evaluation.formatting import format_period

    slider = at.select_slider(key="profile_periods")
    assert slider.value[1] == UPLOAD_PERIOD
    specs = " ".join(c.proto.spec for c in at.get("plotly_chart"))
    assert format_period(UPLOAD_PERIOD, lang) in specs


def test_export_offers_tidy_zip_with_dictionary(shared_app):
    import zipfile

    at = _start(shared_app, "nl", "evaluator")
    at.switch_page(PAGES["export"]).run()
    _no_exception(at)
    button = at.get("download_button")[0]
    assert button.proto.label == t("ui.export.tidy_button", "nl")
    from evaluation import export

    store = Store.open()
    data = export.tidy_zip(export.export_for(store, Principal("evaluator"), "funder"), "nl")
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert {"observations.csv", "stories.csv", "dictionary_columns.csv"} <= names


def test_export_offers_the_excel_report_for_each_audience(shared_app):
    from openpyxl import load_workbook

    from dashboards import state
    from evaluation.report import AUDIENCES

    at = _start(shared_app, "en", "evaluator")
    at.switch_page(PAGES["export"]).run()
    _no_exception(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("ui.export.report_button", "en") in labels
    assert at.radio(key="export_audience").options == [
        t(f"report.audience.{a}", "en") for a in AUDIENCES
    ]
    # what the button serves: the page's own loader, for one initiative, as a public report
    first = Store.open().initiatives(Principal("evaluator"))["initiative_id"].iloc[0]
    data = state.report_xlsx.__wrapped__(
        Principal("evaluator"), state.Filters(initiative_ids=(first,)), "en", "public"
    )
    wb = load_workbook(io.BytesIO(data))
    assert "Provenance" in wb.sheetnames


def test_export_prepares_the_report_with_a_progress_bar(shared_app):
    """The prepare button builds the report in the page run with a progress bar that ends at
    its last step; the page then says the report is ready to download."""
    at = _start(shared_app, "en", "evaluator")
    at.switch_page(PAGES["export"]).run()
    _no_exception(at)
    at.button(key="prepare_report").click().run(timeout=300)
    _no_exception(at)
    bars = at.get("progress")
    assert bars, "no progress bar"
    text = bars[-1].proto.text
    done, total = re.search(r"(\d+) of (\d+)", text).groups()
    assert done == total, text
    assert t("ui.export.report_ready", "en") in [c.value for c in at.caption]
    assert t("ui.export.report_button", "en") in [b.proto.label for b in at.get("download_button")]
