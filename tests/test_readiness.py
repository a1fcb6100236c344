"""Readiness as the user sees it (issue 20): Streamlit's health check answers as soon as the
server listens, so the README's run command prepares the database first, and
``evaluation ready`` says ready only when the server answers and the database is prepared.
Real servers (``streamlit run``), real SQLite files, the real command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import free_port, server_process

from evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EVALUATION_")}
    return {**clean, **extra}


def _evaluation(*argv: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "evaluation"), *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _streamlit_flags(port: int) -> list[str]:
    return [
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip


def _readme_run_steps() -> list[str]:
    """The README's "Run the dashboard" command after the install, one step a string."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(
        line
        for line in re.findall(r"^python3 -m venv .*$", readme, flags=re.M)
        if "streamlit run" in line
    )
    steps = [step.strip() for step in line.split("&&")]
    after_install = next(i for i, step in enumerate(steps) if "pip install" in step) + 1
    return steps[after_install:]


def test_readme_run_command_prepares_the_database_before_the_server_starts(tmp_path):
    """The README's run command, step by step in a fresh folder: the database step imports
    the sample before ``streamlit run``, so the moment the health check answers, ``evaluation
    ready`` says the first page can be served (nothing is left for the first visit to do)."""
    steps = _readme_run_steps()
    assert [s.split()[0] for s in steps] == [".venv/bin/evaluation", ".venv/bin/streamlit"]
    assert steps[0].split()[1:] == ["init", "--with-sample-data"]
    env = _env()
    prepare = subprocess.run(
        steps[0].replace(".venv/bin/", f"{BIN}/").split(),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert prepare.returncode == 0, prepare.stdout + prepare.stderr
    db = tmp_path / "data" / "evaluation.sqlite"  # the embedded default, as in the README
    with Store.open(f"sqlite:///{db}") as store:
        assert not store.is_empty()
        assert len(store.submissions(_admin())) > 0  # the sample is in
    port = free_port()
    start = steps[1].replace(".venv/bin/", f"{BIN}/").split()
    start = [str(ROOT / a) if a == "dashboards/app.py" else a for a in start]
    with server_process(
        start + _streamlit_flags(port), port, "/_stcore/health", tmp_path / "streamlit.log",
        cwd=tmp_path, env=env,
    ) as base:  # fmt: skip
        ready = _evaluation("ready", "--url", base, "--lang", "en", cwd=tmp_path, env=env)
    assert ready.returncode == 0, ready.stdout + ready.stderr
    assert ready.stdout.startswith("Ready: the dashboard at")


def _admin():
    from evaluation.access import Principal

    return Principal("admin", name="test")


def test_ready_says_not_ready_while_the_server_answers_on_an_unprepared_database(tmp_path):
    """A dashboard started on a database nobody prepared answers its health check at once,
    but its first visit would import the sample: ``evaluation ready`` says not ready (exit 1,
    the reason and the fix), then ready once ``evaluation init`` prepared it; with the server
    stopped it is not ready again, whatever the database."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    Store.open(url).close()  # the schema only, as a server's first Store.open leaves it
    env = _env(EVALUATION_DATABASE_URL=url)
    port = free_port()
    cmd = [str(BIN / "streamlit"), "run", str(ROOT / "dashboards" / "app.py")]
    log = tmp_path / "streamlit.log"
    with server_process(
        cmd + _streamlit_flags(port), port, "/_stcore/health", log, cwd=ROOT, env=env
    ) as base:
        before = _evaluation("ready", "--url", base, "--lang", "en", cwd=tmp_path, env=env)
        assert before.returncode == 1, before.stdout + before.stderr
        assert "not prepared yet" in before.stdout
        assert "evaluation init --with-sample-data" in before.stdout
        nl = _evaluation("ready", "--url", base, cwd=tmp_path, env=env)
        assert "nog niet voorbereid" in nl.stdout  # Dutch by default

        init = _evaluation("init", cwd=tmp_path, env=env)  # no sample: still prepared
        assert init.returncode == 0, init.stdout + init.stderr
        after = _evaluation("ready", "--url", base, "--lang", "en", cwd=tmp_path, env=env)
        assert after.returncode == 0, after.stdout + after.stderr
        assert after.stdout.startswith("Ready: the dashboard at")
    stopped = _evaluation("ready", "--url", base, "--lang", "en", cwd=tmp_path, env=env)
    assert stopped.returncode == 1
    assert "does not answer" in stopped.stdout


def test_ready_checks_without_changing_anything(tmp_path):
    """Checking is read-only: a missing SQLite file is reported, not created; the database
    alone (``--no-server``) is ready once prepared."""
    db = tmp_path / "none.sqlite"
    env = _env(EVALUATION_DATABASE_URL=f"sqlite:///{db}")
    missing = _evaluation("ready", "--no-server", "--lang", "en", cwd=tmp_path, env=env)
    assert missing.returncode == 1
    assert "does not exist yet" in missing.stdout
    assert not db.exists()
    assert _evaluation("init", cwd=tmp_path, env=env).returncode == 0
    ready = _evaluation("ready", "--no-server", "--lang", "en", cwd=tmp_path, env=env)
    assert ready.returncode == 0, ready.stdout + ready.stderr
    assert ready.stdout.startswith("Ready: the database is prepared")
