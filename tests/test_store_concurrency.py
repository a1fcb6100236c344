"""Many writers at once, and a writer killed mid-import: nothing lost, nothing half-stored.

Real processes (multiprocessing with spawn), real workbooks, a real SQLite file and a real
PostgreSQL database."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from helpers.store import (
    admin,
    import_in_child,
    initiative,
    write_workbooks,
)
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from evaluation.store import Store
from evaluation.store.schema import TIDY_TABLES
from evaluation.submit import submit

NAMES = ["Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Six initiatives' Q1 reports, plus two corrected versions of the first one's Q1."""
    specs = [(f"init-{n.lower()}", f"Initiatief {n}", 1, 0) for n in NAMES]
    specs += [("init-alfa", "Initiatief Alfa", 1, 1), ("init-alfa", "Initiatief Alfa", 1, 2)]
    return write_workbooks(tmp_path_factory.mktemp("concurrency"), specs)


def _initiative_of(path: Path) -> str:
    return path.name.split("_")[0]


def test_eight_processes_importing_at_once_lose_nothing(db_url: str, workbooks: list[Path]):
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(len(workbooks))
    queue = ctx.Queue()
    procs = [
        ctx.Process(
            target=import_in_child, args=(db_url, str(p), _initiative_of(p), barrier, queue)
        )
        for p in workbooks
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)

    errors = [r for r in results if r[1] != "accepted"]
    assert errors == []  # in particular no "database is locked"
    assert len({r[2] for r in results}) == 8

    with Store.open(db_url) as store:
        subs = store.submissions(admin())
        assert len(subs) == 8 and set(subs["status"]) == {"accepted"}
        # the three versions of one period: exactly one current, the others point forward
        alfa = subs[subs["initiative_id"] == "init-alfa"].set_index("submission_id")
        assert alfa["superseded_by"].isna().sum() == 1
        for sid, nxt in alfa["superseded_by"].dropna().items():
            assert nxt > sid and nxt in alfa.index
        current = store.current_dataset(admin())
        assert sorted(current.initiatives["initiative_id"]) == sorted(
            f"init-{n.lower()}" for n in NAMES
        )
        assert current.observations.groupby("initiative_id")["submission_id"].nunique().max() == 1


def _counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        out = {
            name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for name, t in TIDY_TABLES.items()
        }
    out["submissions"] = len(store.submissions(admin()))
    out["audit"] = len(store.audit(admin()))
    return out


def test_a_process_killed_inside_an_import_leaves_the_database_as_it_was(
    db_url: str,
    workbooks: list[Path],
    tmp_path: Path,
):
    first, correction = workbooks[0], workbooks[6]  # init-alfa Q1, then a corrected Q1
    with Store.open(db_url) as store:
        before_outcome = submit(store, first.read_bytes(), first.name, initiative("init-alfa"))
        before = _counts(store)
        before_subs = store.submissions(admin())

    marker = tmp_path / "inside-the-transaction"
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(
        target=import_in_child,
        args=(db_url, str(correction), "init-alfa", None, queue, str(marker)),
    )
    child.start()
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert child.is_alive() and time.monotonic() < deadline, "child never reached the pause"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=30)
    assert child.exitcode == -signal.SIGKILL

    if db_url.startswith("sqlite"):
        with sqlite3.connect(make_url(db_url).database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Store.open(db_url) as store:
        assert _counts(store) == before
        after_subs = store.submissions(admin())
        assert after_subs.equals(before_subs)  # the earlier version is still current
        ds = store.current_dataset(admin())
        assert set(ds.observations["submission_id"]) == {before_outcome.submission_id}
        # and the store is not stuck: the same correction imports fine now
        again = submit(store, correction.read_bytes(), correction.name, initiative("init-alfa"))
        assert again.status == "accepted"
        assert again.superseded == [before_outcome.submission_id]
