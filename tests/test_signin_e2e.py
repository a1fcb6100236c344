"""Sign-in in a real browser (issue 8): Debian's chromium driven by Playwright against
`streamlit run dashboards/app.py`, with a real OpenID Connect provider on localhost
(``oidc-provider-mock``) configured in a ``.streamlit/secrets.toml`` of a tmp folder (the
app runs with that folder as its working directory), and with local accounts.

One app process and one browser serve every walk (two cores); each walk is a fresh browser
context, as a new visitor would be. Every attempt must leave its line in the audit log.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, free_port, streamlit_server

from evaluation import accounts
from evaluation.access import Principal
from evaluation.i18n import t
from evaluation.sample import sample_reports
from evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
WAIT_MS = 60_000
SETUP = Principal("admin", name="test-setup")
INITIATIVE = "gastvrij-dak"
PASSWORD = "a long enough password"
SSO_FUNDER = "fund@example.org"
LOCAL_USER = "dak@example.org"
DISABLED = "gone@example.org"
STRANGER = "stranger@elsewhere.example"

pytestmark = [pytest.mark.e2e, pytest.mark.system]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A real OpenID Connect provider on a free localhost port; its base URL."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=free_port()) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def app(tmp_path_factory, provider: str) -> Iterator[tuple[str, Path]]:
    """`streamlit run` with [auth] pointing at the provider, on a database holding one
    initiative's reports and accounts (an SSO-only funder, a local initiative account, a
    disabled one); its base URL and the database file."""
    folder = tmp_path_factory.mktemp("signin-e2e")
    db = _seeded(folder)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (folder / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length-1234"\n'
        'client_id = "evaluation-test"\n'
        'client_secret = "evaluation-test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    with streamlit_server(folder, _env(db), folder / "streamlit.log", port=port) as url:
        yield url, db


def _seeded(folder: Path) -> Path:
    """A database in ``folder`` holding one initiative's reports and accounts (an SSO-only
    funder, a local initiative account, a disabled one), and the app's Streamlit config."""
    db = folder / "evaluation.sqlite"
    store = Store.open(f"sqlite:///{db}")
    for report in sample_reports():
        if report.initiative_id == INITIATIVE:
            name = f"{report.initiative_id}_{report.period}.xlsx"
            store.store_report(name.encode(), name, SETUP, report, [])
    accounts.add_user(store, SETUP, SSO_FUNDER, "funder")
    accounts.add_user(store, SETUP, LOCAL_USER, "initiative", INITIATIVE, PASSWORD)
    accounts.add_user(store, SETUP, DISABLED, "evaluator", password=PASSWORD)
    accounts.disable_user(store, SETUP, DISABLED)
    store.close()
    (folder / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    return db


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ, EVALUATION_DATABASE_URL=f"sqlite:///{db}")
    env.pop("EVALUATION_DEMO", None)
    return env


@pytest.fixture(scope="module")
def browser(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _audit(db: Path) -> list[tuple[str, str, str]]:
    with Store.open(f"sqlite:///{db}") as store:
        frame = store.audit(SETUP)
    return list(zip(frame["actor"], frame["action"], frame["detail"].fillna(""), strict=True))


def _audited(db: Path, line: tuple[str, str, str]) -> bool:
    """Whether ``line`` reaches the audit trail within the browser wait: a refusal shows the
    same words as the one before it, so the page alone cannot say the second was handled."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while line not in _audit(db):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _sign_in_page(page, base: str) -> None:
    page.goto(base)
    page.get_by_role("heading", name=t("accounts.ui.signin_title", "nl"), level=1).wait_for(
        timeout=WAIT_MS
    )


def _title(page, text: str) -> None:
    page.get_by_role("heading", name=text, level=1).wait_for(timeout=WAIT_MS)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"signin-{name}.png"), full_page=True)


def _sso(page, base: str, email: str) -> None:
    """Through the provider's own authorisation form, as the given address."""
    _sign_in_page(page, base)
    page.get_by_role("button", name=t("accounts.ui.sso_button", "nl"), exact=True).click()
    page.locator("input[name=sub]").fill(email, timeout=WAIT_MS)
    page.get_by_role("button", name="Authorize").click()


def _local(page, email: str, password: str) -> None:
    page.get_by_role("textbox", name=t("accounts.ui.email", "nl"), exact=True).fill(email)
    page.get_by_label(t("accounts.ui.password", "nl"), exact=True).fill(password)
    page.get_by_role("button", name=t("accounts.ui.submit", "nl"), exact=True).click()


def test_single_sign_on_with_a_real_provider(app, browser):
    base, db = app
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1300, "height": 1400})
    page = context.new_page()
    try:
        _sso(page, base, SSO_FUNDER)
        _title(page, t("ui.story.title", "nl"))
        sidebar = page.locator("[data-testid=stSidebar]")
        expect(sidebar).to_contain_text(SSO_FUNDER, timeout=WAIT_MS)
        expect(page.get_by_text(t("accounts.ui.demo_first_run", "nl")[:30])).to_have_count(0)
        _shot(page, "sso-funder")
        # the sign-out ends the session here and at the provider (its end-session page),
        # which sends the browser back: the sign-in is all there is again
        page.get_by_role("button", name=t("accounts.ui.sign_out", "nl")).click()
        page.wait_for_url("**/end_session**", timeout=WAIT_MS)
        page.get_by_role("button", name="End session").click()
        _title(page, t("accounts.ui.signin_title", "nl"))
        page.goto(base)
        _title(page, t("accounts.ui.signin_title", "nl"))
    finally:
        context.close()
    lines = _audit(db)
    assert (SSO_FUNDER, "sign_in", "sso") in lines
    assert (SSO_FUNDER, "sign_out", "sign_out") in lines


def test_single_sign_on_for_an_address_without_an_account_is_refused(app, browser):
    base, db = app
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    try:
        _sso(page, base, STRANGER)
        refusal = t("accounts.refused.unknown_account", "nl", email=STRANGER)
        expect(page.get_by_text(refusal)).to_be_visible(timeout=WAIT_MS)
        _title(page, t("accounts.ui.signin_title", "nl"))
        expect(page.get_by_role("heading", name=t("ui.story.title", "nl"))).to_have_count(0)
        _shot(page, "sso-refused")
    finally:
        context.close()
    assert (STRANGER, "sign_in_refused", "sso: unknown_account") in _audit(db)


def test_local_accounts_refuse_clearly_then_sign_in(app, browser):
    base, db = app
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1300, "height": 1400})
    page = context.new_page()
    try:
        _sign_in_page(page, base)
        no_match = t("accounts.refused.no_match", "nl")
        for email, password, why in (
            (LOCAL_USER, "not the password", "wrong_password"),
            ("nobody@example.org", PASSWORD, "unknown_account"),
        ):
            _local(page, email, password)
            expect(page.get_by_text(no_match)).to_be_visible(timeout=WAIT_MS)
            assert _audited(db, (email, "sign_in_refused", f"local: {why}"))
        _local(page, DISABLED, PASSWORD)
        disabled = t("accounts.refused.disabled", "nl", email=DISABLED)
        expect(page.get_by_text(disabled)).to_be_visible(timeout=WAIT_MS)
        _shot(page, "local-refused")
        _local(page, LOCAL_USER, PASSWORD)
        _title(page, t("ui.story.title", "nl"))
        sidebar = page.locator("[data-testid=stSidebar]")
        expect(sidebar).to_contain_text(LOCAL_USER, timeout=WAIT_MS)
        # an initiative has no admin page
        expect(sidebar.get_by_role("link", name=t("accounts.admin.nav", "nl"))).to_have_count(0)
        _shot(page, "local-initiative")
    finally:
        context.close()
    lines = _audit(db)
    assert (LOCAL_USER, "sign_in_refused", "local: wrong_password") in lines
    assert ("nobody@example.org", "sign_in_refused", "local: unknown_account") in lines
    assert (DISABLED, "sign_in_refused", "local: disabled") in lines
    assert (LOCAL_USER, "sign_in", "local") in lines


def test_a_deep_link_to_a_page_on_a_fresh_server_asks_for_sign_in(tmp_path, browser):
    """The first visitor of a new server opens a page's own address, not the home page.

    Streamlit runs a file of a folder named ``pages/`` beside the entry script on its own
    until some run has reached ``st.navigation``: a deep link then showed the page without
    sign-in (or a traceback). The pages live in ``app_pages/`` so that every run goes
    through ``app.py``; here a real server and browser check it, page after page.
    """
    db = _seeded(tmp_path)
    with streamlit_server(tmp_path, _env(db), tmp_path / "streamlit.log") as base:
        page = browser.new_page()
        try:
            for path in ("profile", "voices", "export"):
                page.goto(f"{base}/{path}")
                _title(page, t("accounts.ui.signin_title", "nl"))
                assert page.locator(".js-plotly-plot").count() == 0, path
                assert not page.get_by_text("Traceback").count(), path
            _shot(page, "deep-link")
        finally:
            page.close()
