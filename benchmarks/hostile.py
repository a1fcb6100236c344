"""Hostile uploads (issue 16): outcome, time and peak memory of each crafted file, the cost of
reading in a child process, and the personal-data scan on long text.

Three parts, each printed as a table of figures (never asserted: speed goals are not tests):

1. Every file in ``tests/fixtures/hostile/`` (built by ``tests/fixtures/build_hostile.py``)
   through ``evaluation validate --json`` in its own process: exit code, the problem codes,
   wall-clock and CPU seconds (on a shared machine the CPU figure is the steadier one) and
   peak memory (the largest resident set of that process and of the reader process it
   starts, from ``os.wait4``). ``--cap-mb`` puts an address-space limit on
   each run, so that measuring the code of an older commit cannot take the machine's memory;
   ``--code DIR`` runs the ``evaluation`` package found in ``DIR`` (an extracted older
   commit) instead of this checkout's.
2. The cost of the reader's child process on the typical sample uploads
   (``sample_data/*/*.xlsx``): ``read_workbook`` with and without isolation, warm, median
   per file; the goal is under 0.1 s.
3. The personal-data scan (``evaluation.ingest.privacy.scan_text``) on 256 KB to 2 MB of text
   with personal data sprinkled in: seconds per size and the ratio per doubling (about 2 for
   a linear scan, 4 for a quadratic one).

    .venv/bin/python benchmarks/hostile.py [--cap-mb 3000] [--timeout 180] [--code DIR]
                                           [--skip-files] [--skip-isolation] [--skip-scan]
                                           [--save RUN.json]
    .venv/bin/python benchmarks/hostile.py --table BEFORE.json AFTER.json  # Markdown

The before/after table of issue 16 (``benchmarks/results/hostile-kinds.md``) is made from
two saved runs: one on an extracted older commit (``git archive <sha> evaluation | tar -x
-C /tmp/before``, then ``--code /tmp/before --cap-mb 3000 --timeout 60``), one on this code.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "hostile"
GOAL_ISOLATION_SECONDS = 0.1
GOAL_FILE_SECONDS = 10.0
GOAL_FILE_MB = 500


def run_validate(path: Path, code: Path, cap_mb: int | None, timeout: float) -> dict:
    """``evaluation validate --json`` on ``path`` in a child process: exit code, problem
    codes, seconds and peak resident memory (MB) of it and its own children."""
    env = dict(os.environ, PYTHONPATH=str(code), PYTHONUNBUFFERED="1")

    def limit() -> None:  # runs in the child before exec
        if cap_mb:
            cap = cap_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    argv = [sys.executable, "-c", "from evaluation.cli import main; raise SystemExit(main())"]
    argv += ["validate", str(path), "--json", "--lang", "en"]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        proc = subprocess.Popen(
            argv, cwd=code, env=env, stdout=out_f, stderr=err_f, preexec_fn=limit
        )
        timed_out = False
        while True:  # wait4 gives this run's own usage, with the reader it forked and reaped
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                timed_out = True
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    peak_mb = usage.ru_maxrss / 1024
    codes: list[str] = []
    with contextlib.suppress(ValueError):
        codes = [p["code"] for p in json.loads(out or b"[]")]
    tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
    return {
        "file": path.name,
        "exit": "timeout" if timed_out else returncode,
        "cpu": cpu,
        "codes": codes,
        "seconds": seconds,
        "peak_mb": peak_mb,
        "stderr": tail[0][:70] if tail else "",
    }


def summarise(codes: list[str]) -> str:
    counts: dict[str, int] = {}
    for c in codes:
        counts[c] = counts.get(c, 0) + 1
    parts = [f"{c} x{n}" if n > 1 else c for c, n in counts.items()]
    text = ", ".join(parts) or "-"
    return text if len(text) <= 60 else text[:57] + "..."


def files_part(args: argparse.Namespace) -> None:
    paths = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".xlsx", ".xlsb", ".ods"))
    if not paths:
        print(f"no fixtures in {FIXTURES}: run tests/fixtures/build_hostile.py")
        return
    print(f"1. hostile files through `evaluation validate` (code: {args.code}; "
          f"address-space cap: {args.cap_mb or 'none'} MB; goals: < {GOAL_FILE_SECONDS:.0f} s, "
          f"< {GOAL_FILE_MB} MB)")  # fmt: skip
    print(f"{'file':36} {'exit':>7} {'seconds':>8} {'CPU s':>6} {'peak MB':>8}  problems / stderr")
    # one fresh interpreter per file: ru_maxrss of RUSAGE_CHILDREN is a running maximum
    rows = []
    for path in paths:
        argv = [sys.executable, __file__, "--one", str(path), "--code", str(args.code)]
        argv += ["--timeout", str(args.timeout)]
        if args.cap_mb:
            argv += ["--cap-mb", str(args.cap_mb)]
        row = json.loads(subprocess.run(argv, capture_output=True, check=True).stdout)
        rows.append(row)
        shown = summarise(row["codes"]) if row["codes"] else row["stderr"] or "-"
        print(f"{row['file']:36} {row['exit']!s:>7} {row['seconds']:8.2f} {row['cpu']:6.2f} "
              f"{row['peak_mb']:8.0f}  {shown}")  # fmt: skip
    if args.save:
        meta = {"code": str(args.code), "cap_mb": args.cap_mb, "timeout": args.timeout}
        args.save.write_text(json.dumps({"run": meta, "rows": rows}, indent=1) + "\n")
        print(f"   saved to {args.save}")


def outcome(row: dict) -> str:
    """What a user met: accepted, refused with which problems, or how the run ended."""
    if row["exit"] == "timeout":
        return "**timeout**"
    if isinstance(row["exit"], int) and row["exit"] < 0:
        return f"**crashed** (signal {-row['exit']})"
    codes = sorted(set(row["codes"]))
    if row["exit"] == 0:
        return "accepted" + (f" ({', '.join(codes)})" if codes else "")
    if row["exit"] in (1, 2) and codes:
        shown = [c for c in codes if c != "more_problems"][:3]
        more = ", ..." if len(codes) > len(shown) + ("more_problems" in codes) else ""
        return f"refused: {', '.join(shown)}{more}"
    return f"**exit {row['exit']}**"


def _cell(row: dict | None) -> str:
    if row is None:
        return "- | - | - | -"
    return f"{outcome(row)} | {row['seconds']:.1f} | {row['cpu']:.1f} | {row['peak_mb']:.0f}"


def markdown_table(before_path: Path, after_path: Path) -> str:
    """Before and after side by side, one line per kind of hostile file (Markdown)."""
    before, after = json.loads(before_path.read_text()), json.loads(after_path.read_text())
    by_file = {r["file"]: r for r in before["rows"]}
    lines = [
        f"Before: `{before['run']['code']}` (address space capped at "
        f"{before['run']['cap_mb'] or 'no'} MB, stopped after {before['run']['timeout']:.0f} s); "
        f"after: `{after['run']['code']}`. Seconds are wall-clock (a shared machine: other "
        "sessions ran tests) and CPU (the steadier figure); peak MB is the largest resident set "
        "of `evaluation validate` and of the reader process it forks. Goals: < 10 s, < 500 MB.",
        "",
        "| # | kind of file | before: outcome | s | CPU s | peak MB "
        "| after: outcome | s | CPU s | peak MB |",
        "|---|---|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for i, row in enumerate(after["rows"], 1):
        name = row["file"]
        lines.append(f"| {i} | `{name}` | {_cell(by_file.get(name))} | {_cell(row)} |")
    return "\n".join(lines) + "\n"


def isolation_part(repeat: int) -> None:
    from evaluation.ingest import reading

    paths = sorted((ROOT / "sample_data").glob("*/*.xlsx"))
    if not hasattr(reading, "read_workbook_isolated"):
        print("2. no isolated reader in this code")
        return
    datas = [(p.read_bytes(), p.name) for p in paths]
    for data, name in datas[:2]:  # warm up imports and caches
        reading.read_workbook(data, name, isolate=False)
        reading.read_workbook(data, name, isolate=True)
    per_file = {"in process": [], "child process": []}
    for _ in range(repeat):
        for data, name in datas:
            for label, isolate in (("in process", False), ("child process", True)):
                start = time.perf_counter()
                reading.read_workbook(data, name, isolate=isolate)
                per_file[label].append(time.perf_counter() - start)
    inproc = statistics.median(per_file["in process"])
    child = statistics.median(per_file["child process"])
    print(f"2. reading in a child process, {len(paths)} sample uploads x {repeat} (median per "
          f"file): in process {inproc:.3f} s, child process {child:.3f} s, "
          f"cost {child - inproc:+.3f} s (goal < {GOAL_ISOLATION_SECONDS} s), "
          f"ratio {child / inproc:.2f}x")  # fmt: skip


def long_text(size: int, seed: int = 16) -> str:
    rnd = random.Random(seed)
    words = ["buren", "koken", "samen", "avond", "taal", "2025", "3-2-2025", "48", "1.234,50",
             "nieuwkomer", "tafel", "verhaal", "06", "12", "Q1", "-", "(0)"]  # fmt: skip
    hits = ["fatima@example.nl", "06-12345678", "NL91ABNA0417164300", "111222333",
            "+31 20 123 4567"]  # fmt: skip
    parts: list[str] = []
    n = 0
    while n < size:
        w = rnd.choice(hits) if rnd.random() < 0.05 else rnd.choice(words)
        parts.append(w)
        n += len(w) + 1
    return " ".join(parts)[:size]


def scan_part(max_kb: int) -> None:
    from evaluation.ingest.privacy import scan_text

    print("3. personal-data scan of one long text (seconds; ratio to the size before)")
    previous = None
    size = 256 * 1024
    while size <= max_kb * 1024:
        text = long_text(size)
        start = time.perf_counter()
        found = scan_text(text)
        seconds = time.perf_counter() - start
        ratio = f"{seconds / previous:5.2f}x" if previous else "     -"
        print(f"   {size // 1024:5d} KB: {seconds:8.3f} s  {ratio}  ({len(found)} findings)")
        previous = seconds
        size *= 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cap-mb", type=int, default=None, help="address-space cap per run")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per file")
    parser.add_argument("--code", type=Path, default=ROOT, help="folder holding evaluation/")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the sample files")
    parser.add_argument("--scan-kb", type=int, default=2048, help="largest text to scan")
    parser.add_argument("--skip-files", action="store_true")
    parser.add_argument("--skip-isolation", action="store_true")
    parser.add_argument("--skip-scan", action="store_true")
    parser.add_argument("--save", type=Path, default=None, help="write part 1's rows as JSON")
    parser.add_argument("--table", type=Path, nargs=2, metavar=("BEFORE", "AFTER"),
                        help="print the Markdown table of two saved runs and stop")  # fmt: skip
    parser.add_argument("--one", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table(*args.table), end="")
        return 0
    if args.one:
        print(json.dumps(run_validate(args.one, args.code.resolve(), args.cap_mb, args.timeout)))
        return 0
    args.code = args.code.resolve()
    if not args.skip_files:
        files_part(args)
    if not args.skip_isolation:
        isolation_part(args.repeat)
    if not args.skip_scan:
        scan_part(args.scan_kb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
