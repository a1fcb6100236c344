"""Accessibility in a real browser (issue 19): axe-core's WCAG 2.1 A/AA rules on every page of
the demo dashboard in Dutch, as a funder and (the upload page) as an initiative; and on every
page each signed-in role has (funder, initiative, admin), in Dutch and in English. No serious
or critical violation may come from our content; Streamlit's own widgets' violations we
cannot fix are listed below as known exceptions, each with its reason. Every finding is
printed per page, and a screenshot per page goes to test-artifacts/a11y/.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, streamlit_server
from helpers.axe import KnownException, blocking, run_axe
from helpers.dashboard import UPLOAD_INITIATIVE, UPLOAD_PERIOD, build_database

from evaluation.i18n import t

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "a11y"
WAIT_MS = 60_000

pytestmark = [pytest.mark.e2e, pytest.mark.system]

# Streamlit's own markup, which our pages cannot change (rule id, selector pattern, reason).
KNOWN = (
    KnownException(
        "list",
        '[data-testid="stSidebarNav"]',
        "Streamlit's page navigation puts its section headers (st.navigation with sections) "
        "as <div> elements directly in the <ul>",
    ),
    KnownException(
        "listitem",
        '[data-testid="stSidebarNav"]',
        "the same navigation: axe does not count a <ul> holding headers as the items' list",
    ),
    KnownException(
        "scrollable-region-focusable",
        '[height="380px"]',
        "st.container(height=...) (the profile's notes beside each chart) scrolls in a <div> "
        "Streamlit gives no tabindex and no parameter to set one; keyboard users reach the "
        "same notes in the export",
    ),
)

# the other pages a funder (the demo's first role) sees, by address
FUNDER_PAGES = ("profile", "voices", "export", "about", "reflect", "cycle")


def _check(page, name: str, report: dict, lang: str = "nl") -> None:
    from playwright.sync_api import expect

    page.get_by_role("heading", level=1).first.wait_for(timeout=WAIT_MS)
    page.get_by_test_id("stSidebarNav").wait_for(timeout=WAIT_MS)
    # the page has finished running: no placeholder left where a chart is still coming
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # let plotly finish drawing
    page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)
    findings = run_axe(page, KNOWN)
    counts = Counter((f.rule, f.impact, f.excused_by is not None) for f in findings)
    print(f"\n== {name} ({lang}): {len(findings)} finding(s); by rule: {dict(counts)}")
    for finding in findings:
        if finding.excused_by is None:  # the known exceptions are counted in the line above
            print("  " + finding.line())
    report[f"{name} ({lang})"] = blocking(findings)


def test_every_page_has_no_serious_or_critical_violation_of_ours(chromium, app_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {ARTIFACTS}")
    report: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.goto(app_url)  # the story, the default page, at the root
            _check(page, "story", report)
            for path in FUNDER_PAGES:
                page.goto(f"{app_url}/{path}")
                _check(page, path, report)
            page.goto(f"{app_url}/submit")
            # the page first: a role chosen before its first run is done reran the default page
            page.get_by_role("heading", name=t("ui.submit.title", "nl"), level=1).wait_for()
            page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
            name = t("ui.app.role_initiative", "nl", name="Gastvrij Dak")
            page.get_by_role("option", name=name).click()
            page.get_by_test_id("stFileUploader").wait_for(timeout=WAIT_MS)
            _check(page, "submit", report)
        finally:
            browser.close()
    failing = {name: [f.line() for f in found] for name, found in report.items() if found}
    assert not failing, failing


# a signed-in account per role (the initiative's own account for the upload's initiative)
PASSWORD = "a long password 123"
ACCOUNTS = {
    "funder": ("fund@example.org", None),
    "initiative": ("dak@example.org", "gastvrij-dak"),
    "admin": ("admin@example.org", None),
}


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_of_a_signed_in_role_in_both_languages(chromium, tmp_path, role):
    """Signed in as ``role`` (no demo): every page in its navigation, in Dutch and then in
    English (switched in the sidebar, so the session and its sign-in stay)."""
    from playwright.sync_api import expect, sync_playwright

    from evaluation import accounts
    from evaluation.access import Principal
    from evaluation.store import Store

    db = tmp_path / "evaluation.sqlite"
    build_database(db, skip=(UPLOAD_INITIATIVE, UPLOAD_PERIOD))
    email, initiative = ACCOUNTS[role]
    with Store.open(f"sqlite:///{db}") as store:
        setup = Principal("admin", name="test-setup")
        accounts.add_user(store, setup, email, role, initiative, PASSWORD)
    env = dict(os.environ, EVALUATION_DATABASE_URL=f"sqlite:///{db}")
    env.pop("EVALUATION_DEMO", None)
    expect.set_options(timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {ARTIFACTS}")
    report: dict = {}
    with (
        streamlit_server(ROOT, env, tmp_path / "streamlit.log") as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.set_default_timeout(WAIT_MS)
            page.goto(base)
            page.get_by_label(t("accounts.ui.email", "nl")).fill(email)
            page.get_by_label(t("accounts.ui.password", "nl")).fill(PASSWORD)
            page.get_by_role("button", name=t("accounts.ui.submit", "nl")).click()
            nav = page.get_by_test_id("stSidebarNav")
            for lang in ("nl", "en"):
                if lang == "en":
                    sidebar = page.get_by_test_id("stSidebar")
                    sidebar.get_by_text(t("ui.app.lang_en", "nl"), exact=True).click()
                story = nav.get_by_role("link", name=t("ui.nav.story", lang))
                story.wait_for()
                hrefs = [link.get_attribute("href") for link in nav.get_by_role("link").all()]
                for href in hrefs:
                    nav.locator(f'a[href="{href}"]').click()
                    expect(page).to_have_url(href)
                    expect(page.get_by_role("heading", level=1).first).to_be_visible()
                    path = href.rstrip("/").removeprefix(base).strip("/") or "story"
                    _check(page, f"{role}-{path}", report, lang)
            assert len(hrefs) >= 5, hrefs
        finally:
            browser.close()
    failing = {name: [f.line() for f in found] for name, found in report.items() if found}
    assert not failing, failing
