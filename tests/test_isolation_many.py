"""Several readers at once (issue 19, the first start): ``isolation.run_isolated_many`` runs
each call in its own bounded child, up to a number at a time, and gives the results in the
order of the calls; ``read_workbooks`` reads a batch that way; the sample is loaded in rounds
of one workbook per initiative; ``isolation.warm`` leaves a child nothing to import."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pandas as pd

from evaluation.access import Principal
from evaluation.ingest import isolation, read_workbook, read_workbooks
from evaluation.model import SECTION_CODES
from evaluation.store import Store
from evaluation.submit import SAMPLE_PRINCIPAL, load_sample_data, sample_rounds, submit

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def _spans(seconds: float) -> tuple[int, float, float]:
    """The child's pid and when it slept, on the clock all processes share."""
    start = time.monotonic()
    time.sleep(seconds)
    return os.getpid(), start, time.monotonic()


def _crash() -> None:
    os.abort()


def test_results_come_in_the_order_of_the_calls_from_children_running_side_by_side():
    # the first call sleeps longest: it ends last but its result still comes first
    calls = [(_spans, (0.6,)), (_spans, (0.3,)), (_spans, (0.1,))]
    out = isolation.run_isolated_many(calls, workers=2)
    pids = [pid for pid, _, _ in out]
    assert len(set(pids)) == 3 and os.getpid() not in pids
    (_, a0, a1), (_, b0, b1), (_, c0, _) = out
    assert b0 < a1 and a0 < b1  # the first two ran at the same time
    assert c0 >= b1 - 0.05  # the third waited for a free place (two at most)
    assert all(e - s > slept - 0.01 for (_, s, e), slept in zip(out, (0.6, 0.3, 0.1), strict=True))


def test_one_workers_calls_run_one_after_the_other():
    out = isolation.run_isolated_many([(_spans, (0.2,)), (_spans, (0.2,))], workers=1)
    (_, _, first_end), (_, second_start, _) = out
    assert second_start >= first_end - 0.05


def test_a_crash_or_a_timeout_ends_only_its_own_call(monkeypatch):
    monkeypatch.setenv(isolation.SECONDS_ENV, "1")
    calls = [(_spans, (0.0,)), (_crash, ()), (time.sleep, (30,)), (_spans, (0.0,))]
    start = time.perf_counter()
    first, crashed, slow, last = isolation.run_isolated_many(calls, workers=2)
    assert time.perf_counter() - start < 10
    assert crashed.code == "reader_failed"
    assert slow.code == "reader_timeout" and slow.params["seconds"] == "1"
    assert first[0] != last[0] and os.getpid() not in (first[0], last[0])


def test_a_batch_reads_as_each_workbook_read_alone():
    paths = sorted(SAMPLE.glob("*/*2025-Q2.xlsx"))[:4]
    sources = [(p.read_bytes(), p.name) for p in paths]
    sources.insert(2, (b"not a workbook", "notes.xlsx"))  # refused before any reader
    batch = read_workbooks(sources, workers=2)
    assert len(batch) == len(sources)
    assert batch[2].unreadable
    assert [p.code for p in batch[2].problems] == [
        p.code for p in read_workbook(b"not a workbook", "notes.xlsx").problems
    ]
    for (data, name), got in zip(sources, batch, strict=True):
        alone = read_workbook(data, name, isolate=False)
        assert [p.to_dict("en") for p in got.problems] == [p.to_dict("en") for p in alone.problems]
        if not alone.unreadable:
            for code in SECTION_CODES:
                pd.testing.assert_frame_equal(got.report.section(code), alone.report.section(code))


def test_the_sample_is_loaded_in_rounds_of_one_workbook_per_initiative():
    paths = sorted(SAMPLE.glob("**/*.xlsx"))
    rounds = sample_rounds(paths)
    assert sorted(p for r in rounds for p in r) == paths
    for k, batch in enumerate(rounds):
        folders = [p.parent for p in batch]
        assert len(set(folders)) == len(folders)  # one workbook per initiative
        for p in batch:  # the k-th in name order of its folder: oldest period first
            assert sorted(p.parent.glob("*.xlsx"))[k] == p


def test_the_sample_loaded_in_rounds_holds_what_it_holds_loaded_one_by_one(tmp_path, monkeypatch):
    """Same state, same stored problems, whichever way the sample was read; a second load
    reads nothing (every file is a duplicate)."""
    admin = Principal("admin", name="test")
    with Store.open(f"sqlite:///{tmp_path / 'rounds.sqlite'}") as rounds_store:
        assert load_sample_data(rounds_store, SAMPLE) == 80
        batched = rounds_store.current_dataset(admin)
        batched_subs = rounds_store.submissions(admin)
        read: list[int] = []
        real = isolation.run_isolated_many
        monkeypatch.setattr(
            isolation, "run_isolated_many", lambda c, w=None: read.append(len(c)) or real(c, w)
        )
        assert load_sample_data(rounds_store, SAMPLE) == 0
        assert sum(read) == 0  # not one workbook read again
    with Store.open(f"sqlite:///{tmp_path / 'serial.sqlite'}") as serial_store:
        for path in sorted(SAMPLE.glob("**/*.xlsx")):
            submit(serial_store, path.read_bytes(), path.name, SAMPLE_PRINCIPAL)
        serial = serial_store.current_dataset(admin)
        serial_subs = serial_store.submissions(admin)
    for name in ("observations", "own_indicators", "stories", "network", "reflections"):
        a = getattr(batched, name).drop(columns="submission_id")
        b = getattr(serial, name).drop(columns="submission_id")
        key = list(a.columns)
        a = a.astype(str).sort_values(key).reset_index(drop=True)
        b = b.astype(str).sort_values(key).reset_index(drop=True)
        assert a.equals(b), name
    cols = ["file_name", "status", "n_errors", "n_warnings"]
    by_name = batched_subs[cols].sort_values("file_name").reset_index(drop=True)
    assert by_name.equals(serial_subs[cols].sort_values("file_name").reset_index(drop=True))


def _new_modules_reading(path: str) -> list[str]:
    before = set(sys.modules)
    read_workbook(path, isolate=False)
    return sorted(set(sys.modules) - before)


def test_a_warm_parent_leaves_its_reader_child_nothing_to_import():
    """Whatever a child imports dies with it and is imported again by the next one (pandera
    imports hypothesis at a schema's first run: 0.2 s per upload)."""
    isolation.warm()
    sample = str(sorted(SAMPLE.glob("*/*.xlsx"))[0])
    assert isolation.run_isolated(_new_modules_reading, sample) == []
