"""Accessibility in a real browser (issue 19): axe-core's WCAG 2.1 A/AA rules on every page of
the demo dashboard in Dutch, as a funder and (the upload page) as an initiative. No serious or
critical violation may come from our content; Streamlit's own widgets' violations we cannot
fix are listed below as known exceptions, each with its reason. Every finding is printed per
page, and a screenshot per page goes to test-artifacts/a11y/.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS
from helpers.axe import KnownException, blocking, run_axe

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


def _check(page, name: str, report: dict) -> None:
    from playwright.sync_api import expect

    page.get_by_role("heading", level=1).first.wait_for(timeout=WAIT_MS)
    page.get_by_test_id("stSidebarNav").wait_for(timeout=WAIT_MS)
    # the page has finished running: no placeholder left where a chart is still coming
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # let plotly finish drawing
    page.screenshot(path=str(ARTIFACTS / f"{name}-nl.png"), full_page=True)
    findings = run_axe(page, KNOWN)
    counts = Counter((f.rule, f.impact, f.excused_by is not None) for f in findings)
    print(f"\n== {name}: {len(findings)} finding(s); by rule: {dict(counts)}")
    for finding in findings:
        print("  " + finding.line())
    report[name] = blocking(findings)


def test_every_page_has_no_serious_or_critical_violation_of_ours(chromium, app_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {ARTIFACTS}")
    report: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            # the story is the default page, at the root: /story opens Streamlit's English
            # "Page not found" dialog over it (which hides the page from axe)
            page.goto(app_url)
            _check(page, "story", report)
            for path in FUNDER_PAGES:
                page.goto(f"{app_url}/{path}")
                _check(page, path, report)
            page.goto(f"{app_url}/submit")
            page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
            name = t("ui.app.role_initiative", "nl", name="Gastvrij Dak")
            page.get_by_role("option", name=name).click()
            page.get_by_test_id("stFileUploader").wait_for(timeout=WAIT_MS)
            _check(page, "submit", report)
        finally:
            browser.close()
    failing = {name: [f.line() for f in found] for name, found in report.items() if found}
    assert not failing, failing
