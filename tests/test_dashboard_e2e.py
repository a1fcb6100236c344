"""The dashboard in a real browser: Debian's chromium driven by Playwright against
`streamlit run dashboards/app.py` on localhost, with a real SQLite database in a tmp folder.

The walk: open the app (the demo banner shows), switch to English, open a profile, act as an
initiative, upload a workbook with one error and read the located message, upload the fixed
workbook and confirm, see its quarter on the profile, and download the export as an
evaluator. Screenshots of each page go to test-artifacts/e2e/.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import CHROMIUM_ARGS
from helpers.dashboard import UPLOAD_FILE

from evaluation.i18n import t

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
WAIT_MS = 60_000

pytestmark = [pytest.mark.e2e, pytest.mark.system]


def _broken_workbook(path: Path) -> Path:
    wb = openpyxl.load_workbook(UPLOAD_FILE)
    wb["Activiteiten"]["C3"] = "veel"
    wb.save(path)
    return path


def _shot(page, name: str) -> None:
    page.wait_for_timeout(1500)  # let plotly finish drawing
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _title(page, text: str) -> None:
    page.get_by_role("heading", name=text, level=1).wait_for(timeout=WAIT_MS)


def _idle(page) -> None:
    """Wait until the app has finished its run: a click during a rerun can be lost."""
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=WAIT_MS)


def _nav(page, text: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(text, exact=True).click()


def _choose_role(page, label: str) -> None:
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=label).click()


def test_browser_walk(chromium, app_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)  # a first render on a busy 2-core machine takes time
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {ARTIFACTS}")
    broken = _broken_workbook(tmp_path / UPLOAD_FILE.name)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
            page.goto(app_url)
            _title(page, t("ui.story.title", "nl"))
            expect(page.get_by_text("Demo:", exact=False).first).to_be_visible()
            puzzle = page.locator(".js-plotly-plot", has_text=t("ui.figures.puzzle_title", "nl"))
            expect(puzzle.first).to_be_visible(timeout=WAIT_MS)
            # a product, not a developer's tool: no Deploy button in the toolbar
            expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
            _shot(page, "1-story-nl")

            # switch language: the whole page follows
            page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
            _title(page, t("ui.story.title", "en"))
            flows = t("ui.figures.sankey_title", "en")
            expect(page.locator(".js-plotly-plot", has_text=flows).first).to_be_attached()
            _shot(page, "2-story-en")

            _nav(page, t("ui.nav.profile", "en"))
            _title(page, t("ui.profile.title", "en"))
            expect(page.get_by_text(t("ui.profile.mission", "en"))).to_be_visible()
            _shot(page, "3-profile-en")

            _nav(page, t("ui.nav.voices", "en"))
            _title(page, t("ui.voices.title", "en"))
            _shot(page, "4-voices-en")

            # act as the initiative and submit a report
            _choose_role(page, t("ui.app.role_initiative", "en", name="Gastvrij Dak"))
            expect(page.get_by_text("Gastvrij Dak", exact=False).first).to_be_visible()
            _nav(page, t("ui.nav.submit", "en"))
            _title(page, t("ui.submit.title", "en"))
            page.locator('input[type="file"]').set_input_files(str(broken))
            cell = page.get_by_role("cell", name="Activiteiten!C3", exact=True)
            cell.wait_for(timeout=WAIT_MS)
            row = page.get_by_role("row").filter(has=cell)
            expect(row).to_contain_text("veel")
            expect(page.get_by_text(t("ui.submit.problems_intro", "en"))).to_be_visible()
            _shot(page, "5-submit-error-en")

            page.locator('input[type="file"]').set_input_files(str(UPLOAD_FILE))
            confirm = page.get_by_role("button", name=t("ui.submit.confirm", "en"))
            confirm.wait_for(timeout=WAIT_MS)
            expect(page.get_by_role("cell", name="Activiteiten!C3")).to_have_count(0)
            confirm.click()
            page.get_by_text(
                t("ui.submit.accepted", "en", id="X", period="Y").split("X")[0]
            ).wait_for(timeout=WAIT_MS)
            _shot(page, "6-submit-stored-en")

            # the new quarter is in the initiative's profile figures
            _nav(page, t("ui.nav.profile", "en"))
            _title(page, t("ui.profile.title", "en"))
            expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=WAIT_MS)
            # the last period's tick, short on two lines (issue 19): "Q4" over "2025"
            latest = re.compile(r"Q4\s*2025")
            expect(page.locator(".js-plotly-plot", has_text=latest).first).to_be_attached()
            _shot(page, "7-profile-own-en")

            # an evaluator downloads the tidy export
            _choose_role(page, t("ui.app.role_evaluator", "en"))
            _nav(page, t("ui.nav.export", "en"))
            _title(page, t("ui.export.title", "en"))
            # the report button is the page's last element: the whole page is there
            page.get_by_role("button", name=t("ui.export.report_button", "en")).wait_for(
                timeout=WAIT_MS
            )
            _idle(page)
            with page.expect_download(timeout=WAIT_MS) as info:
                page.get_by_role("button", name=t("ui.export.tidy_button", "en")).click()
            data = Path(info.value.path()).read_bytes()
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
            assert {"observations.csv", "stories.csv", "dictionary_indicators.csv"} <= names
            _shot(page, "8-export-en")

            _nav(page, t("ui.nav.about", "en"))
            _title(page, t("about.title", "en"))
            _shot(page, "9-about-en")
        finally:
            browser.close()
