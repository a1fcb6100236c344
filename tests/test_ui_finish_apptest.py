"""Issue 19 through Streamlit's AppTest, in Dutch and English, on a real SQLite file: our own
placeholders instead of Streamlit's "Choose options", the upload box's real types and limit
(and our own refusal of another type), a deep link through the sign-in, and the Voices cards
with their search.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from helpers.dashboard import UPLOAD_FILE, UPLOAD_INITIATIVE, UPLOAD_PERIOD, build_database
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from evaluation import accounts
from evaluation.access import Principal
from evaluation.catalogue import load_catalogue
from evaluation.i18n import t
from evaluation.ingest.safety import DEFAULT_LIMITS, MB
from evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboards" / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LANGS = ("nl", "en")


@pytest.fixture(scope="module")
def module_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ui_finish") / "evaluation.sqlite"
    build_database(path, skip=(UPLOAD_INITIATIVE, UPLOAD_PERIOD))
    return path


def _fresh() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def db(module_db, tmp_path, monkeypatch) -> Path:
    copy = tmp_path / "evaluation.sqlite"
    shutil.copy(module_db, copy)
    monkeypatch.setenv("EVALUATION_DATABASE_URL", f"sqlite:///{copy}")
    monkeypatch.delenv("EVALUATION_DEMO", raising=False)
    monkeypatch.chdir(tmp_path)
    _fresh()
    yield copy
    _fresh()


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def _demo(lang: str, role: str = "funder") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["demo_role"] = role
    return _ok(at.run())


@pytest.mark.parametrize("lang", LANGS)
def test_multiselects_say_choose_in_the_users_language(db, lang):
    at = _demo(lang)
    _ok(at.switch_page("app_pages/voices.py").run())
    keys = ("voices_phase", "voices_voice", "voices_theme")
    for key in keys:
        placeholder = at.multiselect(key=key).proto.placeholder
        assert placeholder == t("ui.widgets.choose_options", lang), key
        assert "Choose" not in placeholder or lang == "en"
    assert t("ui.widgets.choose_options", "nl") != t("ui.widgets.choose_options", "en")
    role = at.sidebar.selectbox(key="demo_role_choice").proto.placeholder
    assert role == t("ui.widgets.choose_option", lang)


@pytest.mark.parametrize("lang", LANGS)
def test_upload_box_names_the_real_types_and_limit_and_refuses_others_itself(db, lang):
    at = _demo(lang, f"initiative:{UPLOAD_INITIATIVE}")
    _ok(at.switch_page("app_pages/submit.py").run())
    line = t("ui.upload.limit_line", lang, mb=f"{DEFAULT_LIMITS.max_bytes / MB:g}")
    assert line in [m.value for m in at.markdown]
    assert "20 MB" in line and ".xlsx" in line and ".ods" in line
    uploader = at.file_uploader(key="upload")
    # every file reaches the page, which refuses another type itself, in the user's language
    assert list(uploader.proto.type) == []
    uploader.set_value(("verslag.pdf", b"%PDF-1.4 not a workbook", "application/pdf")).run()
    _ok(at)
    errors = [e.value for e in at.error]
    assert errors == [t("ui.upload.wrong_type", lang, name="verslag\\.pdf", found="\\.pdf")]
    assert "not allowed" not in errors[0]
    assert not at.success and not at.table, "nothing of the file is read"
    # the real types still go through: the sample workbook is read and previewed
    at.file_uploader(key="upload").set_value((UPLOAD_FILE.name, UPLOAD_FILE.read_bytes(), XLSX))
    _ok(at.run())
    assert not at.error and at.success


def test_server_upload_limit_is_not_below_the_products_limit():
    # above the library's limit, so a too-large file gets our located, bilingual message
    # (Streamlit's own refusal is English); its size line is hidden and ours is shown
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * MB >= DEFAULT_LIMITS.max_bytes


PASSWORD = "a long enough password"


@pytest.mark.parametrize("lang", LANGS)
def test_deep_link_signed_out_shows_sign_in_there_and_lands_on_the_page(db, lang):
    with Store.open(f"sqlite:///{db}") as store:
        accounts.add_user(
            store, Principal("admin", name="setup"), "fund@example.org", "funder", None, PASSWORD
        )
    _fresh()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    _ok(at.run())
    # a browser opening /voices asks for the page at that address (its hash, as st.Page has it)
    at._page_hash = calc_hash("voices")
    _ok(at.run())
    assert [x.value for x in at.title] == [t("accounts.ui.signin_title", lang)]
    # the sign-in answered at /voices itself: no fallback to the default page
    assert at._finished_page_script_hash == calc_hash("voices")
    at.text_input(key="signin_email").input("fund@example.org")
    at.text_input(key="signin_password").input(PASSWORD)
    submit = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:signin_form")]
    _ok(submit[0].click().run())
    assert [x.value for x in at.title] == [t("ui.voices.title", lang)]


@pytest.mark.parametrize("lang", LANGS)
def test_voices_cards_show_four_facts_and_search_narrows_them(db, lang):
    at = _demo(lang)
    _ok(at.switch_page("app_pages/voices.py").run())
    captions = [c.value for c in at.caption]
    prefix = t("ui.voices_cards.card_meta", lang, voice="", phase="", period="", initiative="")
    metas = [c for c in captions if c.startswith(prefix.split(":")[0] + ":")]
    assert len(metas) >= 10, captions[:5]
    voices = load_catalogue().choices("voices")
    phases = load_catalogue().choices("phases")
    first = metas[0]
    assert any(voices.label(v, lang) in first for v in voices.codes)
    assert any(phases.label(p, lang) in first for p in phases.codes)
    for word in ("voice", "phase", "period", "initiative"):
        label = {
            "nl": {
                "voice": "Stem",
                "phase": "Fase",
                "period": "Periode",
                "initiative": "Initiatief",
            },
            "en": {
                "voice": "Voice",
                "phase": "Phase",
                "period": "Period",
                "initiative": "Initiative",
            },
        }[lang][word]
        assert f"{label}: " in first, word
    assert "–" not in first.split("·")[2], "the period is known"
    n_before = len(metas)
    # search for a word from the first card's title: fewer cards, each holding the word
    titles = [m.value for m in at.markdown if m.value.startswith("**")]
    word = max(titles[0].strip("*").replace("\\", "").split(), key=len).strip(".,!?:;")
    at.text_input(key="voices_search").input(word)
    _ok(at.run())
    after = [c.value for c in at.caption if c.value.startswith(prefix.split(":")[0] + ":")]
    assert 1 <= len(after) < n_before
    found = t("ui.voices_cards.matches", lang, n=0, query="").split("0")[1].split('"')[0]
    assert any(found in c.value for c in at.caption)
    at.text_input(key="voices_search").input("zzqqxx-nothing")
    _ok(at.run())
    assert [i.value for i in at.info if i.value == t("ui.voices.none", lang)]


def test_demo_role_chooser_sends_its_label_anew_in_the_chosen_language(db):
    """The browser keeps a keyed selectbox's shown label across reruns unless the app sends
    the value with it: after switching to English it went on showing "Financier"."""
    at = _demo("nl")
    chooser = at.sidebar.selectbox(key="demo_role_choice")
    assert chooser.proto.set_value and chooser.proto.raw_value == t("ui.app.role_funder", "nl")
    _ok(at.sidebar.radio(key="lang_choice").set_value("en").run())
    chooser = at.sidebar.selectbox(key="demo_role_choice")
    assert chooser.value == "funder"
    assert chooser.proto.set_value, "the label is sent anew, so the browser shows it"
    assert chooser.proto.raw_value == t("ui.app.role_funder", "en")
    assert t("ui.app.role_funder", "en") in chooser.proto.options
    assert t("ui.app.role_funder", "nl") not in chooser.proto.options
    # a choice made in English is kept, and shown, after switching back to Dutch
    _ok(chooser.set_value("evaluator").run())
    _ok(at.sidebar.radio(key="lang_choice").set_value("nl").run())
    chooser = at.sidebar.selectbox(key="demo_role_choice")
    assert chooser.value == "evaluator"
    assert chooser.proto.raw_value == t("ui.app.role_evaluator", "nl")


@pytest.mark.parametrize("lang", LANGS)
def test_address_of_a_page_the_role_lacks_says_so_in_the_users_language(db, lang):
    at = _demo(lang)
    # a funder in the demo has no admin page; a browser opening /admin asks for that address
    at._page_hash = calc_hash("admin")
    _ok(at.run())
    assert at._finished_page_script_hash == calc_hash("admin")
    assert [x.value for x in at.title] == [t("ui.app.page_unavailable_title", lang)]
    assert t("ui.app.page_unavailable", lang) in [i.value for i in at.info]


def test_sample_load_tells_how_many_reports_of_how_many(tmp_path):
    """The first start's progress (issue 19) comes from the import itself: after each report,
    how many of how many are done."""
    from evaluation.submit import ensure_initialised

    folder = tmp_path / "sample"
    shutil.copytree(ROOT / "sample_data" / "gastvrij-dak", folder / "gastvrij-dak")
    files = len(list(folder.glob("**/*.xlsx")))
    heard: list[tuple[int, int]] = []
    with Store.open(f"sqlite:///{tmp_path / 'fresh.sqlite'}") as store:
        from evaluation import submit

        assert submit.load_sample_data(
            store, folder, on_progress=lambda n, of: heard.append((n, of))
        )
        assert heard == [(n, files) for n in range(1, files + 1)]
        assert ensure_initialised(store, on_progress=heard.append) is None, "filled: no load"
