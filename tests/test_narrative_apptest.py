"""The network's narrative and the funders' reflection through the dashboard (AppTest), in
Dutch and English, with signed-in accounts: the administrator writes a draft and publishes it
on the admin page, the initiative reads the draft and leaves a comment on its profile page, a
funder never reads the draft, writes its reflection on its own page beside the initiatives'
gathered answers, and the initiative reads that reflection on its profile page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from helpers.dashboard import build_database
from streamlit.testing.v1 import AppTest

from evaluation import accounts
from evaluation import narrative as nv
from evaluation.access import Principal
from evaluation.formatting import format_period
from evaluation.i18n import t
from evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboards" / "app.py")
SETUP = Principal("admin", name="test-setup")
MINE = "gastvrij-dak"
PASSWORD = "a long enough password"
USERS = {
    "admin": Principal("admin", name="beheer@example.org"),
    "funder": Principal("funder", name="fonds@example.org"),
    "initiative": Principal("initiative", MINE, name="dak@example.org"),
}


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    """Every sample report and one account per role."""
    path = tmp_path_factory.mktemp("narrative") / "template.sqlite"
    build_database(path)
    with Store.open(f"sqlite:///{path}") as store:
        for who in USERS.values():
            accounts.add_user(store, SETUP, who.name, who.role, who.initiative_id, PASSWORD)
    return path


def _fresh() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def db(template_db, tmp_path, monkeypatch) -> str:
    path = tmp_path / "evaluation.sqlite"
    shutil.copy(template_db, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("EVALUATION_DATABASE_URL", url)
    monkeypatch.delenv("EVALUATION_DEMO", raising=False)
    monkeypatch.chdir(tmp_path)  # no evaluation.toml here
    _fresh()
    yield url
    _fresh()


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def _as(role: str, lang: str, page: str | None = None) -> AppTest:
    """The app (or one page) as the signed-in account of ``role``."""
    at = AppTest.from_file(
        APP if page is None else str(ROOT / "dashboards" / "app_pages" / page), default_timeout=90
    )
    at.session_state["lang"] = lang
    at.session_state["signed_in"] = USERS[role]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.subheader] + [e.label for e in at.expander]
    # user text is shown escaped, short codes broken by a word joiner (texts.plain)
    return "\n".join(parts).replace("\\", "").replace("\u2060", "")


def _latest(url: str) -> str:
    with Store.open(url) as store:
        return store.periods(SETUP)[-1]


def _published(url: str, lang: str) -> AppTest:
    """The story page's top, as the lead wires it: ``render_published_narrative``."""

    def script(url: str, lang: str) -> None:
        from dashboards.narrative import render_published_narrative
        from evaluation.store import Store

        render_published_narrative(Store.open(url), None, lang)

    return _ok(AppTest.from_function(script, args=(url, lang), default_timeout=60).run())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_draft_comment_and_publication_through_the_pages(db, lang):
    period = _latest(db)
    # the administrator writes a draft on the admin page's narrative tab
    at = _ok(_as("admin", lang).run())
    _ok(at.switch_page("app_pages/admin.py").run())
    assert t("narrative.editor_tab", lang) in [tab.label for tab in at.tabs]
    at.text_area(key=f"narrative_text_{period}_0").input("Concept: de puzzel van dit kwartaal.")
    _ok(at.button(key="narrative_save_draft").click().run())
    assert t("narrative.saved_draft", lang, version=1) in [s.value for s in at.success]

    # not published: a funder reads nothing of it, nor on the profile page
    assert t("narrative.none_published", lang, period="–") in _texts(_published(db, lang))
    funder = _ok(_as("funder", lang).run())
    _ok(funder.switch_page("app_pages/profile.py").run())
    assert "de puzzel van dit kwartaal" not in _texts(funder)

    # the initiative reads the draft on its own profile page and leaves a comment
    mine = _ok(_as("initiative", lang).run())
    _ok(mine.switch_page("app_pages/profile.py").run())
    label = format_period(period, lang)
    assert t("narrative.draft_title", lang, period=label, version=1) in _texts(mine)
    assert "Concept: de puzzel van dit kwartaal." in _texts(mine)
    mine.text_area(key="narrative_comment_text").input("Noem ook de logeerweekenden.")
    submit = [b for b in mine.button if b.key and b.key.startswith("FormSubmitter:narrative_")]
    _ok(submit[0].click().run())
    assert t("narrative.comment_saved", lang) in [s.value for s in mine.success]
    with Store.open(db) as store:
        assert [c.text for c in nv.comments(store, SETUP, period)] == [
            "Noem ook de logeerweekenden."
        ]
        trail = store.audit(SETUP)
    assert (USERS["initiative"].name, "narrative_comment") in set(
        zip(trail["actor"], trail["action"], strict=True)
    )

    # the administrator sees the comment, revises and publishes: a second version
    at = _ok(_as("admin", lang).run())
    _ok(at.switch_page("app_pages/admin.py").run())
    assert "Noem ook de logeerweekenden" in _texts(at)
    at.text_area(key=f"narrative_text_{period}_1").input("De puzzel, met de logeerweekenden.")
    _ok(at.button(key="narrative_publish").click().run())
    assert t("narrative.saved_published", lang, version=2) in [s.value for s in at.success]
    shown = _texts(_published(db, lang))
    assert "De puzzel, met de logeerweekenden." in shown
    assert (
        t("narrative.published_caption", lang, period=label, version=2, date="X").split("(")[0]
        in shown
    )
    with Store.open(db) as store:
        assert [v.status for v in nv.versions(store, SETUP, period)] == ["draft", "published"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_funder_reflects_beside_the_gathered_answers_and_initiatives_read_it(db, lang):
    at = _ok(_as("funder", lang).run())
    _ok(at.switch_page("app_pages/reflect.py").run())
    assert [x.value for x in at.title] == [t("narrative.reflect_title", lang)]
    assert t("narrative.gathered_title", lang) in _texts(at)
    period = at.selectbox(key="reflection_period").value
    assert period == _latest(db)
    with Store.open(db) as store:  # what the funder reads of the initiatives, gathered
        from evaluation.disclosure import disclose, select

        view = select(disclose(store.current_dataset(Principal("funder")), Principal("funder")),
                      None, period, period)  # fmt: skip
    assert view.gathered, "the sample has gathered answers for the latest period"
    assert all(f"> {a[:20]}" in _texts(at) for a in view.gathered[:1])

    at.text_input(key="reflection_funder_name").input("Fonds Noorderlicht")
    at.text_area(key="reflection_pulled").input("We vroegen elk kwartaal uitstroomcijfers.")
    at.text_area(key="reflection_loosened").input("Dat vragen we niet meer.")
    submit = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:funder_")]
    _ok(submit[0].click().run())
    saved = t("narrative.reflection_saved", lang, period=format_period(period, lang))
    assert saved in [s.value for s in at.success]

    mine = _ok(_as("initiative", lang).run())
    _ok(mine.switch_page("app_pages/profile.py").run())
    shown = _texts(mine)
    assert t("narrative.funders_title", lang) in shown
    assert "We vroegen elk kwartaal uitstroomcijfers." in shown
    assert "Fonds Noorderlicht" in shown
    # beside it, the initiatives' own gathered answers as far as an initiative may read them
    assert t("narrative.gathered_title", lang) in shown


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_only_funders_reach_the_reflection_page_and_refusals_are_audited(db, lang):
    mine = _ok(_as("initiative", lang).run())
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        mine.switch_page("app_pages/reflect.py")
    page = _as("initiative", lang, "reflect.py").run()
    who = USERS["initiative"].name
    assert [e.value for e in page.error] == [t("narrative.funder_only", lang, who=who)]
    with Store.open(db) as store:
        trail = store.audit(SETUP)
        assert nv.reflections(store, SETUP) == []
    assert (who, "denied") in set(zip(trail["actor"], trail["action"], strict=True))
    # and a funder's account never reaches the narrative editor
    funder = _ok(_as("funder", lang).run())
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        funder.switch_page("app_pages/admin.py")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_funder_agrees_a_lighter_rhythm_on_its_page_and_the_store_keeps_it(db, lang):
    """The reporting arrangements (issue 15) beside the funder's reflection: the table in
    words, in the neutral order of names, and a form whose save reaches the store."""
    from evaluation import arrangements

    at = _ok(_as("funder", lang, "reflect.py").run())
    assert t("arrangements.ui.heading", lang) in _texts(at)
    (table,) = [d.value for d in at.dataframe]
    names = list(table[t("arrangements.columns.initiative", lang)])
    assert names == sorted(names, key=str.casefold) and len(names) == 10
    assert set(table[t("arrangements.columns.rhythm", lang)]) == {
        t("arrangements.rhythm.quarter", lang)
    }
    at.selectbox(key=f"arrangement_initiative_{lang}").select(MINE)
    at.radio(key=f"arrangement_rhythm_{lang}").set_value("year")
    at.checkbox(key=f"arrangement_light_{lang}").check()
    submit = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:arrangement_")]
    _ok(submit[0].click().run())
    assert any(t("arrangements.rhythm.year", lang) in s.value for s in at.success)
    with Store.open(db) as store:
        agreed = arrangements.arrangement(store, MINE)
    assert (agreed.rhythm, agreed.light_allowed, agreed.set_by) == (
        "year", True, "fonds@example.org"
    )  # fmt: skip
    (table,) = [d.value for d in at.dataframe]  # the table below the form shows it at once
    row = table[table[t("arrangements.columns.initiative", lang)] == "Gastvrij Dak"].iloc[0]
    assert row[t("arrangements.columns.kind", lang)] == t("arrangements.light", lang)
