"""Load: 32 importing processes at once, as 32 coordinators pressing "send" in the same minute.

Whole `evaluation import` processes (the command a coordinator's script or the dashboard's
upload runs), real workbooks, one real SQLite file and one real PostgreSQL database. Every
report is stored, no process says the database is locked, and SQLite's own integrity check
passes afterwards."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.store import admin, write_workbooks
from sqlalchemy.engine import make_url

from evaluation.store import Store

PROCESSES = 32


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Sixteen initiatives, each with its first two quarters: 32 distinct reports."""
    specs = [(f"load-{i:02d}", f"Initiatief {i:02d}", q, 0) for i in range(16) for q in (1, 2)]
    return write_workbooks(tmp_path_factory.mktemp("load"), specs)


def test_thirty_two_processes_importing_at_once_store_everything(
    db_url: str, workbooks: list[Path], tmp_path: Path
):
    assert len(workbooks) == PROCESSES
    cli = [sys.executable, "-m", "evaluation.cli"]
    env = os.environ | {"EVALUATION_DATABASE_URL": db_url}
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True, timeout=300)

    procs = [
        subprocess.Popen(
            [*cli, "import", str(path), "--lang", "en"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for path in workbooks
    ]
    outcomes = [(p.wait(timeout=600), p.stdout.read()) for p in procs]  # type: ignore[union-attr]

    failed = [out for rc, out in outcomes if rc != 0]
    assert failed == []
    assert not [out for _, out in outcomes if "locked" in out.lower()]
    with Store.open(db_url) as store:
        subs = store.submissions(admin())
        assert len(subs) == PROCESSES and set(subs["status"]) == {"accepted"}
        assert subs["superseded_by"].isna().all()
        current = store.current_dataset(admin())
        per_initiative = current.observations.groupby("initiative_id")["period"].nunique()
        assert len(per_initiative) == 16 and set(per_initiative) == {2}
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
