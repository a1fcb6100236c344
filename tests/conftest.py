"""Shared fixtures.

System components (LibreOffice, chromium, a PostgreSQL server) are looked up here. Where one
is missing a test that needs it is skipped with the reason, unless EVALUATION_REQUIRE_SYSTEM=1
(set by .ci/run), which turns that skip into a failure so CI always runs them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.store import postgres_database, sqlite_url
from hypothesis import settings

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


# Property tests explore new examples on every run of a developer; CI (CI=true, as .ci/run is
# started) runs the same examples each time, so a landing never waits on a lucky draw, and a
# failure anywhere prints the blob that replays it.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

# A browser test drives a real chromium against a real server on a shared two-core machine:
# a step can miss its wait once for reasons outside the product (a submission did not land on
# a sign-in form that never came, seen only in CI, never here). Each e2e test gets one
# more run, as Playwright's own runner does in CI; the first failure stays in the output (the
# "R" in the progress line and the "RERUN" lines of the summary), so a test that fails twice
# fails the run and one that is only flaky is seen.
E2E_RERUNS = 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=E2E_RERUNS, reruns_delay=3))


_RERUN_FAILURES: list[pytest.TestReport] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.outcome == "rerun":  # the failure the second run made up for
        _RERUN_FAILURES.append(report)


def pytest_terminal_summary(terminalreporter) -> None:
    """Each rerun test's first failure, so that a flaky step is seen with its cause."""
    for report in _RERUN_FAILURES:
        terminalreporter.write_sep("-", f"first failure of {report.nodeid} (it ran again)")
        terminalreporter.write_line(str(report.longrepr)[-6000:])


@pytest.fixture(autouse=True)
def _main_module_restored() -> Iterator[None]:
    """Each test ends with the ``__main__`` it started with. Streamlit's AppTest leaves the
    app script there, and a process that multiprocessing spawns later imports the parent's
    ``__main__`` on start: each such child would run the dashboard (filling the default
    database with the sample) before its own work."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


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


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """A running `streamlit run dashboards/app.py` on a fresh database holding the sample
    but for one initiative's quarter (the browser tests upload it); its base URL."""
    from helpers.dashboard import UPLOAD_INITIATIVE, UPLOAD_PERIOD, build_database

    db = tmp_path / "evaluation.sqlite"
    build_database(db, skip=(UPLOAD_INITIATIVE, UPLOAD_PERIOD))
    env = dict(os.environ, EVALUATION_DATABASE_URL=f"sqlite:///{db}")
    with streamlit_server(ROOT, env, tmp_path / "streamlit.log") as base:
        yield base


@pytest.fixture
def eight_quarters(tmp_path: Path) -> str:
    """The URL of a fresh SQLite store holding the eight sample quarters of one initiative
    (gastvrij-dak, 2024-Q1 to 2025-Q4)."""
    from evaluation.access import Principal
    from evaluation.store import Store
    from evaluation.submit import submit

    url = f"sqlite:///{tmp_path / 'eight.sqlite'}"
    admin = Principal("admin", name="test-admin")
    with Store.open(url) as s:
        for path in sorted((ROOT / "sample_data" / "gastvrij-dak").glob("*.xlsx")):
            assert submit(s, path.read_bytes(), path.name, admin).status == "accepted"
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs on a real SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    base = request.getfixturevalue("postgres_url")
    yield from postgres_database(base)


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(
    cwd: Path, env: dict[str, str], log_path: Path, port: int | None = None
) -> Iterator[str]:
    """``streamlit run dashboards/app.py`` on localhost, as a user starts it; its base URL.

    Started from ``cwd`` (where a test may keep its own ``.streamlit/secrets.toml``), with the
    test's environment (its database), and stopped afterwards; its output goes to
    ``log_path`` and is shown if it does not come up. Pass ``port`` when the test needs the
    address beforehand (a sign-in redirect URI).
    """
    port = port or free_port()
    cmd = [
        str(Path(sys.executable).parent / "streamlit"),
        "run",
        str(ROOT / "dashboards" / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        # no reloading of modules changed on disk while a test runs
        "--server.fileWatcherType",
        "none",
    ]
    with server_process(cmd, port, "/_stcore/health", log_path, cwd=cwd, env=env) as base:
        yield base


def _tail(path: Path, chars: int = 4000) -> str:
    text = path.read_text(errors="replace")
    return text[-chars:]


@contextlib.contextmanager
def server_process(
    cmd: list[str],
    port: int,
    health: str,
    log_path: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    wait_s: float = 90,
) -> Iterator[str]:
    """A server process started from ``cmd`` on ``port``: its base URL once ``health``
    answers 200, stopped afterwards; its output goes to ``log_path`` and is shown if it
    does not come up."""
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + wait_s
            while True:
                try:
                    with urllib.request.urlopen(f"{base}{health}", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.time() > deadline or proc.poll() is not None:
                    log.flush()
                    pytest.fail(f"{cmd[0]} did not start: " + log_path.read_text())
                time.sleep(0.3)
            try:
                yield base
            except Exception as exc:  # a failed test shows what the server said meanwhile
                log.flush()
                exc.add_note("server output (last 4,000 characters):\n" + _tail(log_path))
                raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
