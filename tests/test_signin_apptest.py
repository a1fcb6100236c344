"""Sign-in and roles through Streamlit's AppTest (issue 8), on a real SQLite file.

Single sign-on is exercised the way AppTest offers it: ``at.user`` holds what the provider
vouched for (``is_logged_in`` and ``email``), and the app maps that address to its account in
the store. Local accounts sign in through the real form. Each role is checked for what it
can and cannot see and do; the first-run demo and the switched-on demo are checked too.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboards import signin, state
from evaluation import accounts
from evaluation.access import Principal
from evaluation.i18n import t
from evaluation.sample import sample_reports
from evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboards" / "app.py")
SETUP = Principal("admin", name="test-setup")
MINE, OTHER = "gastvrij-dak", "groeiplek"
PASSWORD = "a long enough password"
USERS = {
    "admin": ("boss@example.org", "admin", None),
    "funder": ("fund@example.org", "funder", None),
    "evaluator": ("eval@example.org", "evaluator", None),
    "initiative": ("dak@example.org", "initiative", MINE),
}


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    """Two initiatives' sample reports and one account per role (local passwords)."""
    path = tmp_path_factory.mktemp("signin") / "template.sqlite"
    store = Store.open(f"sqlite:///{path}")
    for report in sample_reports():
        if report.initiative_id in (MINE, OTHER):
            name = f"{report.initiative_id}_{report.period}.xlsx"
            store.store_report(name.encode(), name, SETUP, report, [])
    for email, role, initiative in USERS.values():
        accounts.add_user(store, SETUP, email, role, initiative, PASSWORD)
    accounts.add_user(store, SETUP, "gone@example.org", "funder", password=PASSWORD)
    accounts.disable_user(store, SETUP, "gone@example.org")
    store.close()
    return path


def _fresh() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def db(template_db, tmp_path, monkeypatch) -> Path:
    """A private copy of the template database, used by the app."""
    path = tmp_path / "evaluation.sqlite"
    shutil.copy(template_db, path)
    monkeypatch.setenv("EVALUATION_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("EVALUATION_DEMO", raising=False)
    monkeypatch.chdir(tmp_path)  # no evaluation.toml here
    _fresh()
    yield path
    _fresh()


def _audit(db: Path) -> list[tuple[str, str, str]]:
    with Store.open(f"sqlite:///{db}") as store:
        frame = store.audit(SETUP)
    return list(zip(frame["actor"], frame["action"], frame["detail"].fillna(""), strict=True))


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def _app(lang: str = "en", sso_email: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    if sso_email:
        at.user = {"is_logged_in": True, "email": sso_email, "name": "Someone"}
    return at


def _titles(at: AppTest) -> list[str]:
    return [x.value for x in at.title]


def _sign_in_form(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="signin_email").input(email)
    at.text_input(key="signin_password").input(password)
    submit = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:signin_form")]
    return _ok(submit[0].click().run())


# --- demo or sign-in ------------------------------------------------------------------------


def test_first_run_without_accounts_is_the_demo_with_a_banner(tmp_path, monkeypatch):
    path = tmp_path / "fresh.sqlite"
    store = Store.open(f"sqlite:///{path}")
    report = next(r for r in sample_reports() if r.initiative_id == MINE)
    store.store_report(b"x", "x.xlsx", SETUP, report, [])
    store.close()
    monkeypatch.setenv("EVALUATION_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("EVALUATION_DEMO", raising=False)
    monkeypatch.chdir(tmp_path)
    _fresh()
    at = _ok(_app("en").run())
    assert at.selectbox(key="demo_role_choice").value == "funder"
    warning = " ".join(w.value for w in at.warning)
    assert "evaluation user add EMAIL --role admin" in warning
    assert t("ui.app.demo_banner", "en", who="X").split("**")[0] in " ".join(
        i.value for i in at.info
    )
    assert _titles(at) == [t("ui.story.title", "en")]
    assert not [x for x in at.text_input if x.key == "signin_email"]
    _fresh()


@pytest.mark.parametrize("how", ["env", "toml"])
def test_demo_switched_on_is_refused_on_a_database_with_accounts(db, monkeypatch, how, caplog):
    """Issue 21, point 4: the demo setting on a real database let anyone, unsigned, act as
    any initiative and upload for it. Now the sign-in is the only page, and says why."""
    if how == "env":
        monkeypatch.setenv("EVALUATION_DEMO", "1")
    else:
        (db.parent / "evaluation.toml").write_text("[accounts]\ndemo = true\n")
    with caplog.at_level("WARNING", logger="evaluation.accounts"):
        at = _ok(_app("nl").run())
    assert _titles(at) == [t("accounts.ui.signin_title", "nl")]
    assert "demo_role_choice" not in [s.key for s in at.selectbox]
    assert t("accounts.ui.demo_refused", "nl") in [w.value for w in at.warning]
    assert not at.get("plotly_chart") and not at.file_uploader
    # no other page is there to open unsigned: the sign-in is the app's one page
    with pytest.raises(ValueError, match="Known pages"):
        at.switch_page("app_pages/submit.py")
    # the owner still signs in, and then acts as herself, not as a chosen demo role
    at = _sign_in_form(at, "dak@example.org", PASSWORD)
    assert _titles(at) == [t("ui.story.title", "nl")]
    assert "demo_role_choice" not in [s.key for s in at.selectbox]
    assert t("ui.app.demo_banner", "nl", who="X")[:10] not in str(at.info)
    if how == "env":  # one log line for the refusal, not one per run
        lines = [r for r in caplog.records if "EVALUATION_DEMO" in r.getMessage()]
        assert len(lines) <= 1


def test_demo_switched_on_runs_on_a_database_without_accounts(tmp_path, monkeypatch):
    path = tmp_path / "demo.sqlite"
    store = Store.open(f"sqlite:///{path}")
    report = next(r for r in sample_reports() if r.initiative_id == MINE)
    store.store_report(b"x", "x.xlsx", SETUP, report, [])
    store.close()
    monkeypatch.setenv("EVALUATION_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("EVALUATION_DEMO", "1")
    monkeypatch.chdir(tmp_path)
    _fresh()
    at = _ok(_app("nl").run())
    assert at.selectbox(key="demo_role_choice")
    assert t("accounts.ui.demo_switched_on", "nl") in [i.value for i in at.info]
    _ok(at.switch_page("app_pages/voices.py").run())
    assert _titles(at) == [t("ui.voices.title", "nl")]
    banner = t("ui.app.demo_banner", "nl", who="X").split("**")[0]
    assert at.info[0].value.startswith(banner)
    _fresh()


def test_demo_mode_needs_a_database_without_accounts(db, tmp_path):
    """The rule itself, on the real SQLite file with its accounts and on an empty one."""
    on = accounts.AccountSettings(demo=True)
    off = accounts.AccountSettings(demo=False)
    with Store.open(f"sqlite:///{db}") as store:
        assert accounts.demo_mode(store, on) == "refused"
        assert accounts.demo_mode(store, off) is None
    with Store.open(f"sqlite:///{tmp_path / 'empty.sqlite'}") as store:
        assert accounts.demo_mode(store, on) == "switched_on"
        assert accounts.demo_mode(store, off) == "no_accounts"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_with_accounts_only_the_sign_in_shows(db, lang):
    at = _ok(_app(lang).run())
    assert _titles(at) == [t("accounts.ui.signin_title", lang)]
    assert not at.get("plotly_chart") and not at.dataframe
    assert "demo_role_choice" not in [s.key for s in at.selectbox]
    assert not at.warning and t("ui.app.demo_banner", lang, who="X")[:10] not in str(at.info)
    # no provider configured: the local form only
    assert "sso_login" not in [b.key for b in at.button]


def test_the_provider_button_shows_when_auth_is_configured(db):
    at = _app("en")
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "c",
        "client_secret": "s",
        "server_metadata_url": "http://localhost:1/.well-known/openid-configuration",
    }
    _ok(at.run())
    keys = [b.key for b in at.button]
    assert "sso_login" in keys and any(k.startswith("FormSubmitter:signin_form") for k in keys)
    # a deployment may switch the local form off and offer its provider only
    (db.parent / "evaluation.toml").write_text("[accounts]\nlocal_sign_in = false\n")
    _ok(at.run())
    assert [b.key for b in at.button] == ["sso_login"]
    assert not at.text_input


@pytest.mark.parametrize(
    ("email", "password", "reason"),
    [
        ("dak@example.org", "not the password", "wrong_password"),
        ("nobody@example.org", PASSWORD, "unknown_account"),
        ("gone@example.org", PASSWORD, "disabled"),
    ],
)
def test_local_refusals_are_clear_and_audited(db, email, password, reason):
    at = _sign_in_form(_ok(_app("en").run()), email, password)
    assert _titles(at) == [t("accounts.ui.signin_title", "en")]
    expected = accounts.SignInRefused(reason, email).render("en")  # type: ignore[arg-type]
    assert [e.value for e in at.error] == [expected]
    assert not at.get("plotly_chart")
    assert (email, "sign_in_refused", f"local: {reason}") in _audit(db)


def test_local_sign_in(db):
    at = _sign_in_form(_ok(_app("en").run()), "DAK@example.org", PASSWORD)
    assert _titles(at) == [t("ui.story.title", "en")]
    assert at.session_state[state.SIGNED_IN_KEY] == Principal(
        "initiative", MINE, name="dak@example.org"
    )
    assert ("dak@example.org", "sign_in", "local") in _audit(db)
    # another browser session is not signed in by this one
    assert _titles(_ok(_app("en").run())) == [t("accounts.ui.signin_title", "en")]


def test_sign_out_ends_the_session_here_and_at_the_provider(db):
    at = _ok(_app("en", USERS["funder"][0]).run())
    assert at.session_state[signin.VIA_KEY] == "sso"
    # signed out from a page reached through the navigation: the sign-in replaces it
    _ok(at.switch_page("app_pages/profile.py").run())
    _ok(at.sidebar.button(key="sign_out").click().run())
    assert _titles(at) == [t("accounts.ui.signin_title", "en")]
    assert not at.get("plotly_chart")
    assert state.SIGNED_IN_KEY not in at.session_state
    assert at.user == {"is_logged_in": False}  # st.logout() ran
    assert (USERS["funder"][0], "sign_out", "sign_out") in _audit(db)


def test_sso_address_without_an_account_is_refused_and_audited(db):
    at = _ok(_app("en", "stranger@elsewhere.example").run())
    assert _titles(at) == [t("accounts.ui.signin_title", "en")]
    (error,) = [e.value for e in at.error]
    assert "stranger@elsewhere.example" in error and "administrator" in error
    _ok(at.run())  # a rerun does not write a second audit line
    lines = [a for a in _audit(db) if a[0] == "stranger@elsewhere.example"]
    assert lines == [("stranger@elsewhere.example", "sign_in_refused", "sso: unknown_account")]


def test_sso_disabled_account_is_refused(db):
    at = _ok(_app("nl", "gone@example.org").run())
    assert [e.value for e in at.error] == [
        t("accounts.refused.disabled", "nl", email="gone@example.org")
    ]
    assert ("gone@example.org", "sign_in_refused", "sso: disabled") in _audit(db)


# --- what each role sees and does -----------------------------------------------------------

PAGES = ["story", "profile", "voices", "submit", "export", "about"]


@pytest.mark.parametrize("role", list(USERS))
def test_each_role_sees_what_it_may(db, role):
    email, _, _ = USERS[role]
    at = _ok(_app("en", email).run())
    assert _titles(at) == [t("ui.story.title", "en")]
    box = " ".join(m.value for m in at.markdown)
    assert email in box
    assert "demo_role_choice" not in [s.key for s in at.selectbox]
    assert (email, "sign_in", "sso") in _audit(db)
    for page in PAGES:
        _ok(at.switch_page(f"app_pages/{page}.py").run())
        # the entry script ran before the page: still signed in as this account
        assert "sign_out" in [b.key for b in at.sidebar.button], page
        assert email in " ".join(m.value for m in at.sidebar.markdown), page
        if page == "submit":
            assert bool(at.get("file_uploader")) == (role == "initiative")
        if page == "export":
            assert bool(at.get("download_button")) == (role != "initiative")
    if role != "initiative":  # the reporting calendar (issue 17), in words, by name
        _ok(at.switch_page("app_pages/cycle.py").run())
        assert _titles(at) == [t("cycle.title", "en")]
        assert at.dataframe and "Gastvrij Dak" in set(at.dataframe[0].value.iloc[:, 0])
    if role == "admin":
        _ok(at.switch_page("app_pages/admin.py").run())
        assert _titles(at) == [t("accounts.admin.title", "en")]
        # the narrative tab (issue 14); the reporting arrangements' table (issue 15); the
        # portfolios' tab (issue 17: none here, so no table of them)
        assert len(at.tabs) == 6 and len(at.dataframe) == 5
        emails = set(at.dataframe[0].value[t("accounts.admin.columns.email", "en")])
        assert emails == {u[0] for u in USERS.values()} | {"gone@example.org"}
        submissions, audit = at.dataframe[3].value, at.dataframe[4].value  # [2]: the arrangements
        # in words: initiatives by name, roles as words, times without a time zone's code
        assert set(submissions[t("accounts.admin.columns.initiative_id", "en")]) == {
            "Gastvrij Dak",
            "Groeiplek",
        }
        roles = set(at.dataframe[0].value[t("accounts.admin.columns.role", "en")])
        assert roles == {"administrator", "funder", "evaluator", "initiative"}
        newest = audit.iloc[0]  # newest first
        assert newest[t("accounts.admin.columns.actor", "en")] == email
        assert newest[t("accounts.admin.columns.action", "en")] == "sign_in"
        assert newest[t("accounts.admin.columns.role", "en")] == "administrator"
        shown = audit.astype(str).to_csv()
        assert "+00:00" not in shown and "None" not in shown and "nan" not in shown


@pytest.mark.parametrize("role", list(USERS))
def test_the_admin_page_is_in_the_navigation_only_for_admins(db, role):
    email = USERS[role][0]
    at = _ok(_app("en", email).run())
    # AppTest.switch_page finds only the pages the app put in its navigation
    if role == "admin":
        _ok(at.switch_page("app_pages/admin.py").run())
        assert _titles(at) == [t("accounts.admin.title", "en")]
        return
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/admin.py")
    # and should the page file ever run without the entry script, it refuses by itself
    page = AppTest.from_file(str(ROOT / "dashboards" / "app_pages" / "admin.py"))
    page.session_state["lang"] = "en"
    page.session_state[state.SIGNED_IN_KEY] = at.session_state[state.SIGNED_IN_KEY]
    _ok(page.run(timeout=60))
    assert [e.value for e in page.error] == [t("access.admin_only", "en", who=email)]
    assert not page.dataframe
    assert (email, "denied", "admin: access.admin_only") in _audit(db)


def test_an_initiative_opening_another_initiatives_page_is_refused(db):
    at = _app("en", USERS["initiative"][0])
    at.query_params["initiative"] = OTHER
    _ok(at.run())
    assert [e.value for e in at.error] == [
        t("accounts.other_initiative", "en", who="dak@example.org", initiative=OTHER)
    ]
    assert not at.get("plotly_chart")
    assert ("dak@example.org", "denied", "story: accounts.other_initiative") in _audit(db)
    # its own initiative's link opens; so does any initiative's for a funder
    for email, initiative in ((USERS["initiative"][0], MINE), (USERS["funder"][0], OTHER)):
        _fresh()
        at = _app("en", email)
        at.query_params["initiative"] = initiative
        _ok(at.run())
        assert not at.error and _titles(at) == [t("ui.story.title", "en")]


def test_the_other_initiative_guard_holds_on_every_page(db):
    """A link to another page (``/profile?initiative=...``) is refused like the default page,
    in the chosen language, with one audit line per page; the account's own link opens."""
    email = USERS["initiative"][0]
    at = _ok(_app("nl", email).run())
    refusal = t("accounts.other_initiative", "nl", who=email, initiative=OTHER)
    pages = [p for p in PAGES if p != "story"]
    for page in pages:
        at.query_params["initiative"] = OTHER
        _ok(at.switch_page(f"app_pages/{page}.py").run())
        assert [e.value for e in at.error] == [refusal], page
        assert not at.get("plotly_chart") and not at.dataframe, page
        assert not at.get("file_uploader") and not at.get("download_button"), page
    denied = [a[2] for a in _audit(db) if a[:2] == (email, "denied")]
    assert sorted(denied) == sorted(f"{p}: accounts.other_initiative" for p in pages)
    at.query_params["initiative"] = MINE
    _ok(at.switch_page("app_pages/profile.py").run())
    assert not at.error and _titles(at) == [t("ui.profile.title", "nl")]


def test_an_idle_session_is_signed_out(db):
    # a session whose account signed in 31 minutes ago and did nothing since
    at = _app("en")
    who = Principal("funder", name=USERS["funder"][0])
    at.session_state[state.SIGNED_IN_KEY] = who
    at.session_state[signin.VIA_KEY] = "local"
    at.session_state[signin.LAST_SEEN_KEY] = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)
    _ok(at.run())
    assert _titles(at) == [t("accounts.ui.signin_title", "en")]
    assert t("accounts.ui.idle_signed_out", "en", minutes=30) in [i.value for i in at.info]
    assert not at.get("plotly_chart")
    assert (USERS["funder"][0], "sign_out", "idle_timeout") in _audit(db)
    # within the timeout the session stays
    at = _app("en")
    at.session_state[state.SIGNED_IN_KEY] = who
    at.session_state[signin.LAST_SEEN_KEY] = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=29)
    assert _titles(_ok(at.run())) == [t("ui.story.title", "en")]


def test_disabling_an_account_ends_its_open_session(db):
    with Store.open(f"sqlite:///{db}") as store:
        who = accounts.authenticate(store, USERS["evaluator"][0], PASSWORD)
        accounts.disable_user(store, SETUP, USERS["evaluator"][0])
    # the session that signed in before the account was disabled
    at = _app("en")
    at.session_state[state.SIGNED_IN_KEY] = who
    at.session_state[signin.VIA_KEY] = "local"
    at.session_state[signin.LAST_SEEN_KEY] = dt.datetime.now(dt.UTC)
    _ok(at.run())
    assert _titles(at) == [t("accounts.ui.signin_title", "en")]
    assert [e.value for e in at.error] == [
        t("accounts.refused.disabled", "en", email=USERS["evaluator"][0])
    ]
    assert not at.get("plotly_chart")
    assert (USERS["evaluator"][0], "sign_out", "disabled") in _audit(db)


def test_the_admin_adds_and_disables_accounts_on_the_admin_page(db):
    at = _ok(_app("en", USERS["admin"][0]).run())
    _ok(at.switch_page("app_pages/admin.py").run())
    at.text_input(key="admin_email").input("new@example.org")
    at.selectbox(key="admin_role").set_value("initiative")
    at.selectbox(key="admin_initiative").set_value(OTHER)
    at.text_input(key="admin_password").input(PASSWORD)
    add = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:admin_add_account")]
    _ok(add[0].click().run())
    assert t("accounts.admin.added", "en", email="new@example.org") in [s.value for s in at.success]
    at.selectbox(key="admin_disable").set_value(USERS["funder"][0])
    _ok(at.button(key="admin_disable_button").click().run())
    with Store.open(f"sqlite:///{db}") as store:
        users = accounts.list_users(store, SETUP).set_index("email")
        assert users.loc["new@example.org", "initiative_id"] == OTHER
        assert bool(users.loc[USERS["funder"][0], "disabled"])
        who = accounts.authenticate(store, "new@example.org", PASSWORD)
    assert who == Principal("initiative", OTHER, name="new@example.org")
    audit = _audit(db)
    assert (USERS["admin"][0], "disable_account", USERS["funder"][0]) in audit
    assert any(a[:2] == (USERS["admin"][0], "add_account") for a in audit)


def test_sso_address_the_provider_did_not_verify_is_refused(db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    at.user = {"is_logged_in": True, "email": USERS["admin"][0], "email_verified": False}
    _ok(at.run())
    assert _titles(at) == [t("accounts.ui.signin_title", "en")]
    assert [e.value for e in at.error] == [
        t("accounts.refused.unverified_email", "en", email=USERS["admin"][0])
    ]
    assert (USERS["admin"][0], "sign_in_refused", "sso: unverified_email") in _audit(db)
