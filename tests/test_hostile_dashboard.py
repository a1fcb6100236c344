"""Hostile uploads through the dashboard's upload box (issue 16): after each of the worst
files, the server still answers its health check and its memory stays bounded.

A real ``streamlit run`` server on a real SQLite file, driven by Debian's chromium through
Playwright, as an initiative uploads on the Submit page. The files are the committed fixtures
of ``tests/fixtures/build_hostile.py``: a single cell at XFD1048576 (which once made the
reader allocate 512 GB and abort the server), one at ZZ200000 (6 GB), a sheet whose
dimension claims 1,048,564 rows, a VBA project hidden under ``xl/media/``, an .ods that repeats
a filled cell over 16,384 columns and 1,000 rows, and XML entity declarations. The server's
memory is its resident set read from ``/proc`` (the reader runs in a child process of its
own, which the limits of ``evaluation.ingest.isolation`` bound).
"""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, streamlit_server
from helpers.dashboard import UPLOAD_INITIATIVE, UPLOAD_PERIOD, build_database

from evaluation.i18n import t
from tests.fixtures.build_hostile import path_of

ROOT = Path(__file__).resolve().parent.parent
WAIT_MS = 60_000  # as the other browser tests: a busy machine starts the app slowly
WORST = (
    "cell_at_xfd1048576",
    "cell_at_zz200000",
    "dimension_claims_1048564_rows",
    "vba_in_media",
    "ods_columns_repeated_16384",  # 1.1 GB in the reader before the ods repeats were bounded
    "entity_expansion_and_xxe",
)
# what an upload may add to the server's resident memory (it held 2.15 GB more after the
# ZZ200000 file before issue 16, and died on the XFD1048576 one)
MAX_GROWTH_MB = 300

pytestmark = [pytest.mark.e2e, pytest.mark.system]


def _server_pid(port: int) -> int:
    """The process of ``streamlit run`` listening on ``port`` (found by its command line)."""
    wanted = f"--server.port\0{port}\0".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"streamlit" in cmdline and wanted in cmdline:
            return int(entry.name)
    raise AssertionError(f"no streamlit server on port {port}")


def _resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _health(base: str) -> tuple[int, str]:
    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=10) as r:
        return r.status, r.read().decode().strip()


def test_the_server_answers_its_health_check_after_each_hostile_upload(chromium, tmp_path):
    from playwright.sync_api import sync_playwright

    db = tmp_path / "evaluation.sqlite"
    build_database(db, skip=(UPLOAD_INITIATIVE, UPLOAD_PERIOD))
    env = dict(os.environ, EVALUATION_DATABASE_URL=f"sqlite:///{db}")
    with (
        streamlit_server(ROOT, env, tmp_path / "streamlit.log") as base,
        sync_playwright() as p,
    ):
        pid = _server_pid(int(base.rsplit(":", 1)[1]))
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.set_default_timeout(WAIT_MS)
            before = None
            seen = []
            for fixture in WORST:
                # a fresh session each time, as another user: the Submit page as an initiative
                page.goto(f"{base}/submit")
                page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
                name = t("ui.app.role_initiative", "nl", name="Gastvrij Dak")
                page.get_by_role("option", name=name).click()
                box = page.locator('input[type="file"]')
                box.wait_for(state="attached", timeout=WAIT_MS)
                before = _resident_mb(pid) if before is None else before
                box.set_input_files(str(path_of(fixture)))
                # the page has read the file: its problems, or its preview
                done = page.get_by_text(t("ui.submit.problems_intro", "nl")).or_(
                    page.get_by_text(t("ui.submit.step_preview", "nl"))
                )
                done.first.wait_for(timeout=WAIT_MS)
                status, body = _health(base)
                resident = _resident_mb(pid)
                seen.append((fixture, status, body, round(resident)))
                assert (status, body) == (200, "ok"), seen
                assert resident < before + MAX_GROWTH_MB, (before, seen)
            print(f"\nserver resident MB before {before:.0f}, after each upload: {seen}")
        finally:
            browser.close()
