"""Fresh across replicas (issue 17, point 4): two `streamlit run` processes on one PostgreSQL
database, as a shared deployment runs them. An initiative uploads its next quarter through
the upload box of one; a funder on the other reads it in the reporting calendar at its next
rerun, well within the cache's time-to-live (ten minutes). Debian's chromium through
Playwright; screenshots in test-artifacts/replicas/."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, streamlit_server
from helpers.store import postgres_database
from openpyxl import load_workbook

from evaluation.access import Principal
from evaluation.i18n import t
from evaluation.store import Store
from evaluation.submit import submit

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "replicas"
WAIT_MS = 60_000
GASTVRIJ = "gastvrij-dak"

pytestmark = [pytest.mark.e2e, pytest.mark.system]


@pytest.fixture
def shared_db(postgres_url):
    for url in postgres_database(postgres_url):
        admin = Principal("admin", name="test-setup")
        with Store.open(url) as s:
            for path in sorted((ROOT / "sample_data" / GASTVRIJ).glob("*.xlsx")):
                assert submit(s, path.read_bytes(), path.name, admin).status == "accepted"
        yield url


def _next_quarter(url: str, tmp_path: Path) -> Path:
    """Gastvrij Dak's next template (2026-Q1) with one number filled in."""
    from evaluation.cli import main

    out = tmp_path / "volgend.xlsx"
    assert main(["template", "--initiative", GASTVRIJ, "--database", url, "--out", str(out)]) == 0
    wb = load_workbook(out)
    wb["Indicatoren"]["C3"] = 6
    wb.save(out)
    return out


def _as(page, role_label: str) -> None:
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=role_label, exact=True).click()


def test_an_upload_on_one_replica_shows_on_the_other_at_its_next_rerun(
    chromium, shared_db, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    workbook = _next_quarter(shared_db, tmp_path)
    env = dict(os.environ, EVALUATION_DATABASE_URL=shared_db)
    with (
        streamlit_server(ROOT, env, tmp_path / "a.log") as replica_a,
        streamlit_server(ROOT, env, tmp_path / "b.log") as replica_b,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)

        def profile_on_b():
            """A funder opens the profile on replica B (a new session each time); the
            period slider runs over the periods B's cache holds."""
            page = browser.new_page(viewport={"width": 1280, "height": 1200})
            page.goto(f"{replica_b}/profile")
            _as(page, t("ui.app.role_funder", "nl"))
            page.get_by_role("heading", name=t("ui.profile.title", "nl"), level=1).wait_for()
            return page

        try:
            funder = profile_on_b()
            slider = funder.get_by_test_id("stSlider").first
            expect(slider).to_contain_text("4e kwartaal 2025")
            expect(slider).not_to_contain_text("1e kwartaal 2026")  # cached on B now
            funder.close()

            coordinator = browser.new_page(viewport={"width": 1280, "height": 1400})
            coordinator.goto(f"{replica_a}/submit")
            # the page first: a role chosen before its first run is done reran the default page
            coordinator.get_by_role("heading", name=t("ui.submit.title", "nl"), level=1).wait_for()
            _as(coordinator, t("ui.app.role_initiative", "nl", name="Gastvrij Dak"))
            coordinator.locator('input[type="file"]').set_input_files(str(workbook))
            confirm = coordinator.get_by_role("button", name=t("ui.submit.confirm", "nl"))
            confirm.click()
            coordinator.get_by_text(
                t("ui.submit.accepted", "nl", id="X", period="Y").split("X")[0]
            ).wait_for()
            stored = time.monotonic()

            # replica B's next run shows the new quarter, within the cache's time-to-live
            funder = profile_on_b()
            slider = funder.get_by_test_id("stSlider").first
            expect(slider).to_contain_text("1e kwartaal 2026", timeout=10_000)
            seen = time.monotonic() - stored
            funder.screenshot(path=str(ARTIFACTS / "replica-b-after-upload.png"), full_page=True)
        finally:
            browser.close()
    assert seen < 10, f"replica B showed the upload after {seen:.1f} s"
