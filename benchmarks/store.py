"""Time the store at programme scale: 1,000 initiatives x 8 quarters of sample-sized reports.

Reports are cloned from the sample reports with new initiative ids and periods, then stored
through ``Store.store_report`` (the path an upload takes after its workbook has been read and
validated), so the figure measures storage itself. A few full workbook imports
(``evaluation.submit.submit``: read, validate, store) are timed separately, and so is reading the
current state of everything back (``Store.current_dataset``).

    .venv/bin/python benchmarks/store.py                 # full scale, SQLite
    .venv/bin/python benchmarks/store.py --scale 0.05    # a quick run (50 initiatives)
    .venv/bin/python benchmarks/store.py --postgres postgresql+psycopg://postgres@127.0.0.1:55432/postgres
    .venv/bin/python benchmarks/store.py --bulk-rows 200000 --peak-rows 1000000

The bulk part (issue 16) imports one workbook of ``--bulk-rows`` indicator rows (the workbook
of ``benchmarks/ingest.py``: read, validate, store, as ``evaluation.submit`` does) into a fresh
store and prints it as a ratio to the read floor measured in the same run: unzipping the same
file and scanning its bytes for cells. ``--peak-rows`` imports a larger one in a fresh child
process and prints the peak memory of the largest process (the importer or its reader).

Goals (issue 16), printed with each figure: the bulk import <= 8x the read floor; the peak of a
1,000,000-row import < 1.2 GB; >= 200 validated reports stored per second; the current state
of 1,000 x 8 read in < 0.5 s; on SQLite and on PostgreSQL.

PostgreSQL runs too when ``--postgres``, ``EVALUATION_BENCH_POSTGRES_URL`` or
``EVALUATION_TEST_POSTGRES_URL`` is set: a fresh database is created on that server for the run
and dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "--code" in sys.argv:  # measure the evaluation package of another checkout (before)
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve()))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from evaluation.access import Principal  # noqa: E402
from evaluation.ingest import read_workbook  # noqa: E402
from evaluation.model import Report  # noqa: E402
from evaluation.sample import sample_reports  # noqa: E402
from evaluation.store import Store  # noqa: E402
from evaluation.submit import submit  # noqa: E402
from evaluation.template import write_report  # noqa: E402

ADMIN = Principal("admin", name="benchmark")
GOAL_BULK_VS_FLOOR = 8.0
GOAL_PEAK_GB = 1.2
GOAL_REPORTS_PER_S = 200.0
GOAL_READ_S = 0.5


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def bulk_workbook(rows: int) -> Path:
    """The ingest benchmark's workbook of ``rows`` indicator rows (built once, cached)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import ingest as ingest_bench  # benchmarks/ingest.py

    return ingest_bench.build_workbooks([rows], False)[rows]


def read_floor(data: bytes) -> float:
    """The floor of reading a workbook: ``benchmarks/ingest.py``'s, measured the same way."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import ingest as ingest_bench  # benchmarks/ingest.py

    return ingest_bench.read_floor(data)


def bulk_import(url: str, path: Path) -> tuple[float, float, int]:
    """Read, validate and store one large workbook into the store at ``url`` (as ``submit``
    does, with the row limit raised to fit): the whole import's and the store's seconds, and
    the observations stored."""
    from dataclasses import replace

    from evaluation.ingest.safety import DEFAULT_LIMITS

    data = path.read_bytes()
    with Store.open(url) as store:
        t0 = time.perf_counter()
        # room for the bulk workbook (the defaults bound a quarterly upload); nothing else
        big = {"max_rows": 10**7, "max_bytes": 10**9, "max_uncompressed_bytes": 10**10,
               "max_cells": 10**9, "max_shared_strings": 10**8}  # fmt: skip
        limits = replace(DEFAULT_LIMITS, **big)
        result = read_workbook(data, path.name, limits=limits,
                               declared=store.all_own_declarations())  # fmt: skip
        t1 = time.perf_counter()
        outcome = store.store_report(data, path.name, ADMIN, result.report,
                                     list(result.problems))  # fmt: skip
        t2 = time.perf_counter()
        assert outcome.status == "accepted", outcome.problems[:3]
        n = int(store.read(lambda c: c.execute(text("SELECT count(*) FROM observations")).scalar()))
    return t2 - t0, t2 - t1, n


def run_bulk(label: str, url: str, rows: int) -> None:
    path = bulk_workbook(rows)
    data = path.read_bytes()
    read_floor(data)  # warm the file cache
    floor = min(read_floor(data) for _ in range(3))
    read_workbook(bulk_workbook(300).read_bytes(), "warm.xlsx")  # imports, schemas
    whole, stored, n = bulk_import(url, path)
    ratio = whole / floor
    print(f"[{label}] import of {rows:,} indicator rows ({n:,} observations stored): "
          f"{whole:.1f} s, of which storing {stored:.1f} s; read floor (unzip + byte scan) "
          f"{floor:.2f} s: {ratio:.1f}x the floor (goal <= {GOAL_BULK_VS_FLOOR:g}x: "
          f"{_met(ratio <= GOAL_BULK_VS_FLOOR)})")  # fmt: skip


def run_peak(label: str, url: str, rows: int) -> None:
    """A ``rows`` import in a fresh process; the peak of its largest process."""
    import json
    import subprocess

    path = bulk_workbook(rows)
    argv = [sys.executable, __file__, "--peak-child", str(path), url]
    if "--code" in sys.argv:
        argv += ["--code", sys.argv[sys.argv.index("--code") + 1]]
    # the reader's time and memory budgets bound an upload, not a bulk history: room for one
    # (with the default 2 GB of address space the reader refuses 1,000,000 rows)
    env = os.environ | {"EVALUATION_READ_SECONDS": "3600", "EVALUATION_READ_MEMORY_MB": "16384"}
    out = subprocess.run(argv, capture_output=True, text=True, env=env)
    if out.returncode:
        print(f"[{label}] import of {rows:,} indicator rows failed: {out.stderr[-600:]}")
        return
    fig = json.loads(out.stdout.strip().splitlines()[-1])
    gb = fig["peak_kb"] / 1024 / 1024
    print(f"[{label}] import of {rows:,} indicator rows in a fresh process: "
          f"{fig['seconds']:.1f} s, "
          f"peak memory {gb:.2f} GB (largest process; goal < {GOAL_PEAK_GB} GB: "
          f"{_met(gb < GOAL_PEAK_GB)}); the importer {fig['own_kb'] / 1024 / 1024:.2f} GB, "
          f"its reader {fig['reader_kb'] / 1024 / 1024:.2f} GB")  # fmt: skip


def peak_child(path: str, url: str) -> None:
    import json
    import resource

    t0 = time.perf_counter()
    bulk_import(url, Path(path))
    seconds = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_kb": max(own, reader), "own_kb": own,
                      "reader_kb": reader}))  # fmt: skip


def quarters(n: int, first_year: int = 2024) -> list[tuple[dt.date, dt.date]]:
    out = []
    for i in range(n):
        year, q = first_year + i // 4, i % 4 + 1
        start = dt.date(year, 3 * q - 2, 1)
        end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
        out.append((start, end))
    return out


def clone(report: Report, initiative_id: str, name: str, start: dt.date, end: dt.date) -> Report:
    """The same report for another initiative and period (every other sheet shared)."""
    profile = report.profile.copy()
    profile.loc[:, "initiative_id"] = initiative_id
    profile.loc[:, "name"] = name
    profile["period_start"] = [start]
    profile["period_end"] = [end]
    stories = report.stories.copy()
    stories["date"] = [start + dt.timedelta(days=7 * k + 1) for k in range(len(stories))]
    return Report(
        profile,
        report.own_indicators,
        report.activities.copy(),
        report.indicators,
        stories,
        report.network,
        report.reflection,
    )


def generate(n_initiatives: int, n_quarters: int) -> Iterator[Report]:
    """Quarter by quarter (the order uploads arrive in), initiative by initiative."""
    base = sample_reports()
    for start, end in quarters(n_quarters):
        for i in range(n_initiatives):
            yield clone(base[i % len(base)], f"bench-{i:05d}", f"Initiatief {i:05d}", start, end)


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    name = f"evaluation_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def commit_floor(store: Store, n: int = 100) -> float:
    """Seconds of one durable write transaction of one row, through the store's unit of
    work: the floor under storing one report in one transaction."""
    store.write(lambda c: c.exec_driver_sql("CREATE TABLE bench_commit (x integer)"))
    t0 = time.perf_counter()
    for _ in range(n):
        store.write(lambda c: c.exec_driver_sql("INSERT INTO bench_commit VALUES (1)"))
    return (time.perf_counter() - t0) / n


def run(label: str, url: str, n_initiatives: int, n_quarters: int, n_full: int) -> None:
    total = n_initiatives * n_quarters
    with Store.open(url) as store:
        floor = commit_floor(store)
        # only the store's call is timed: cloning the sample report for the next initiative
        # and period (about 1.3 ms, pandas copies) is the benchmark's work, not the store's
        stored = 0.0
        for k, report in enumerate(generate(n_initiatives, n_quarters)):
            data = f"benchmark workbook {k}".encode()
            t0 = time.perf_counter()
            outcome = store.store_report(data, f"{report.initiative_id}.xlsx", ADMIN, report, [])
            stored += time.perf_counter() - t0
            assert outcome.status == "accepted", outcome

        t0 = time.perf_counter()
        ds = store.current_dataset(ADMIN)
        read = time.perf_counter() - t0
        t0 = time.perf_counter()
        store.current_dataset(ADMIN)
        again = time.perf_counter() - t0
        rows = sum(len(f) for f in ds.frames().values())
        # a new process (another replica, a command): the state kept in the database
        with Store.open(url) as new:
            t0 = time.perf_counter()
            new.current_dataset(ADMIN)
            from_kept = time.perf_counter() - t0

        # a few full imports: real workbooks read, validated and stored (corrections of
        # the first initiatives' latest quarter, so each one supersedes)
        start, end = quarters(n_quarters)[-1]
        base = sample_reports()
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i in range(n_full):
                report = clone(base[i % len(base)], f"bench-{i:05d}", f"Initiatief {i:05d}",
                               start, end)  # fmt: skip
                report.activities.loc[:, "activities_held"] = i + 1.0
                paths.append(write_report(report, Path(tmp) / f"full-{i}.xlsx"))
            if paths:  # warm up the reader (imports, schemas) outside the timing
                read_workbook(paths[0])
            t0 = time.perf_counter()
            for path in paths:
                outcome = submit(store, path.read_bytes(), path.name, ADMIN)
                assert outcome.status == "accepted", outcome.problems
            full = time.perf_counter() - t0
        # the state once more, after those uploads: read from what they changed
        t0 = time.perf_counter()
        store.current_dataset(ADMIN)
        changed = time.perf_counter() - t0 if n_full else None

    rate = total / stored
    print(f"[{label}] stored {total:,} validated reports ({n_initiatives:,} initiatives x "
          f"{n_quarters} quarters) in {stored:.1f} s: {rate:,.0f} reports/s "
          f"({1000 * stored / total:.1f} ms each; goal >= {GOAL_REPORTS_PER_S:g}/s: "
          f"{_met(rate >= GOAL_REPORTS_PER_S)}); one durable one-row write transaction "
          f"{1000 * floor:.1f} ms (at most {1 / floor:,.0f}/s): a report "
          f"{stored / total / floor:.1f}x that")  # fmt: skip
    print(f"[{label}] read the current state of everything ({rows:,} tidy rows, "
          f"{len(ds.observations):,} observations) in {read:.2f} s (goal < {GOAL_READ_S} s: "
          f"{_met(read < GOAL_READ_S)}); read again, nothing changed: {again:.3f} s")  # fmt: skip
    print(f"[{label}] read the current state in a new store, from the state kept in the "
          f"database: {from_kept:.2f} s (goal < {GOAL_READ_S} s: "
          f"{_met(from_kept < GOAL_READ_S)}); {read / from_kept:.1f}x faster than reading "
          f"the tables")  # fmt: skip
    if changed is not None:
        print(f"[{label}] read the current state after {n_full} more uploads, from what they "
              f"changed: {changed:.2f} s (goal < {GOAL_READ_S} s: "
              f"{_met(changed < GOAL_READ_S)}); {read / changed:.1f}x faster than reading "
              f"it whole")  # fmt: skip
    if n_full:
        print(f"[{label}] {n_full} full workbook imports (read + validate + store): "
              f"{full / n_full:.2f} s each, {n_full / full:.1f} imports/s")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000 initiatives")
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--full-imports", type=int, default=5)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("EVALUATION_BENCH_POSTGRES_URL")
        or os.environ.get("EVALUATION_TEST_POSTGRES_URL"),
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--bulk-rows", type=int, default=200_000, help="0: no bulk import")
    parser.add_argument("--peak-rows", type=int, default=1_000_000, help="0: no peak figure")
    parser.add_argument("--skip-reports", action="store_true", help="only the bulk figures")
    parser.add_argument("--peak-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--code", help="measure the evaluation package in this folder")
    args = parser.parse_args(argv)
    if args.peak_child:
        peak_child(*args.peak_child)
        return 0
    n = max(1, round(1000 * args.scale))

    def everything(label: str, url_of: Callable[[str], str]) -> None:
        if not args.skip_reports:
            run(label, url_of("reports"), n, args.quarters, args.full_imports)
        if args.bulk_rows:
            run_bulk(label, url_of("bulk"), args.bulk_rows)
        if args.peak_rows:
            run_peak(label, url_of("peak"), args.peak_rows)

    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            everything("sqlite", lambda part: f"sqlite:///{Path(tmp) / part}.sqlite")
    if args.postgres:
        with ExitStack() as stack:
            parts = ("reports", "bulk", "peak")
            urls = {p: stack.enter_context(postgres_database(args.postgres)) for p in parts}
            everything("postgresql", urls.__getitem__)
    else:
        print("[postgresql] skipped: set --postgres URL or EVALUATION_TEST_POSTGRES_URL")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
