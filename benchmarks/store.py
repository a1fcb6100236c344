"""Time the store at programme scale: 1,000 initiatives x 8 quarters of sample-sized reports.

Reports are cloned from the sample reports with new initiative ids and periods, then stored
through ``Store.store_report`` (the path an upload takes after its workbook has been read and
validated), so the figure measures storage itself. A few full workbook imports
(``evaluation.submit.submit``: read, validate, store) are timed separately, and so is reading the
current state of everything back (``Store.current_dataset``).

    .venv/bin/python benchmarks/store.py                 # full scale, SQLite
    .venv/bin/python benchmarks/store.py --scale 0.05    # a quick run (50 initiatives)
    .venv/bin/python benchmarks/store.py --postgres postgresql+psycopg://postgres@127.0.0.1:55432/postgres

PostgreSQL runs too when ``--postgres`` or ``EVALUATION_TEST_POSTGRES_URL`` is set: a fresh
database is created on that server for the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def run(label: str, url: str, n_initiatives: int, n_quarters: int, n_full: int) -> None:
    total = n_initiatives * n_quarters
    with Store.open(url) as store:
        t0 = time.perf_counter()
        for k, report in enumerate(generate(n_initiatives, n_quarters)):
            data = f"benchmark workbook {k}".encode()
            outcome = store.store_report(data, f"{report.initiative_id}.xlsx", ADMIN, report, [])
            assert outcome.status == "accepted", outcome
        stored = time.perf_counter() - t0

        t0 = time.perf_counter()
        ds = store.current_dataset(ADMIN)
        read = time.perf_counter() - t0
        rows = sum(len(f) for f in ds.frames().values())

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
            read_workbook(paths[0])  # warm up the reader (imports, schemas) outside the timing
            t0 = time.perf_counter()
            for path in paths:
                outcome = submit(store, path.read_bytes(), path.name, ADMIN)
                assert outcome.status == "accepted", outcome.problems
            full = time.perf_counter() - t0

    print(f"[{label}] stored {total:,} validated reports ({n_initiatives:,} initiatives x "
          f"{n_quarters} quarters) in {stored:.1f} s: {total / stored:,.0f} imports/s "
          f"({1000 * stored / total:.1f} ms each)")  # fmt: skip
    print(f"[{label}] read the current state of everything ({rows:,} tidy rows, "
          f"{len(ds.observations):,} observations) in {read:.2f} s")  # fmt: skip
    if n_full:
        print(f"[{label}] {n_full} full workbook imports (read + validate + store): "
              f"{full / n_full:.2f} s each, {n_full / full:.1f} imports/s")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000 initiatives")
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--full-imports", type=int, default=5)
    parser.add_argument("--postgres", default=os.environ.get("EVALUATION_TEST_POSTGRES_URL"))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)
    n = max(1, round(1000 * args.scale))

    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            run("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", n, args.quarters,
                args.full_imports)  # fmt: skip
    if args.postgres:
        with postgres_database(args.postgres) as url:
            run("postgresql", url, n, args.quarters, args.full_imports)
    else:
        print("[postgresql] skipped: set --postgres URL or EVALUATION_TEST_POSTGRES_URL")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
