"""The dashboard tests' database: every sample report stored, one period held back for the
upload tests (shared by the AppTest and the browser tests)."""

from __future__ import annotations

from pathlib import Path

from evaluation.access import Principal
from evaluation.sample import sample_reports
from evaluation.store import Store

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
# the period the upload tests submit; the session database holds every other sample report
UPLOAD_INITIATIVE = "gastvrij-dak"
UPLOAD_PERIOD = "2025-Q4"
UPLOAD_FILE = SAMPLE / UPLOAD_INITIATIVE / f"{UPLOAD_INITIATIVE}_{UPLOAD_PERIOD}.xlsx"


def build_database(path: Path, skip: tuple[str, str] | None = None) -> str:
    """A SQLite store at ``path`` with every sample report but ``skip`` (initiative, period).

    Reports go through ``Store.store_report`` (access checks, superseding, audit) with the
    report already read; only the Excel reading of 80 workbooks is skipped.
    """
    url = f"sqlite:///{path}"
    store = Store.open(url)
    admin = Principal("admin", name="test-setup")
    for report in sample_reports():
        if skip and (report.initiative_id, report.period) == skip:
            continue
        name = f"{report.initiative_id}_{report.period}.xlsx"
        store.store_report(name.encode(), name, admin, report, [])
    store.close()
    return url
