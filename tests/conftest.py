"""Shared fixtures.

System components (LibreOffice, chromium, a PostgreSQL server) are looked up here. Where one
is missing a test that needs it is skipped with the reason, unless EVALUATION_REQUIRE_SYSTEM=1
(set by .ci/run), which turns that skip into a failure so CI always runs them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SYSTEM = os.environ.get("EVALUATION_REQUIRE_SYSTEM") == "1"


def need_system(what: str, available: bool, how: str) -> None:
    """Skip (or fail under EVALUATION_REQUIRE_SYSTEM=1) when a system component is missing."""
    if available:
        return
    reason = f"{what} is not available here ({how})"
    if REQUIRE_SYSTEM:
        pytest.fail(f"EVALUATION_REQUIRE_SYSTEM=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice's soffice for headless conversions."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    need_system("LibreOffice", path is not None, "apt-get install libreoffice-calc-nogui")
    return path  # type: ignore[return-value]


# Debian's chromium as root in a closed network: no sandbox, no GPU, and none of the background
# connections it would otherwise try (and be refused) at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    need_system("chromium", path is not None, "apt-get install chromium")
    return path  # type: ignore[return-value]


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL from EVALUATION_TEST_POSTGRES_URL (set by .ci/run)."""
    url = os.environ.get("EVALUATION_TEST_POSTGRES_URL")
    need_system(
        "a PostgreSQL server",
        bool(url),
        "set EVALUATION_TEST_POSTGRES_URL=postgresql+psycopg://user@host:port/db",
    )
    return url  # type: ignore[return-value]
