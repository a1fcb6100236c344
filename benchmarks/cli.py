"""Command-line start-up benchmark (issue 20): ``evaluation validate`` on a typical workbook
and ``evaluation --help``, each as a whole process, against ``python -c "import pandas"``.

Goal: ``evaluation validate`` on a typical upload (a 40 KB sample workbook) within 2.5x
``import pandas``, both as whole processes. The commands run in turn (validate, help, the
reference, validate, ...), so the machine's drift touches all three alike; each ratio is taken
run by run against the reference run next to it, and its median printed. Wall-clock and CPU
seconds (user + system, of the process and its children, from ``os.wait4``) are both shown:
on a shared machine the CPU figure is the steadier one. Then, per checkout, which heavy
libraries the validate process loaded (it needs none of SQLAlchemy, networkx, hypothesis,
the store or openpyxl).

``--code DIR`` measures the ``evaluation`` package in ``DIR`` (an extracted older commit)
instead of this checkout's; ``--against DIR`` measures both in the same run, in turn, and
prints them side by side (before = ``DIR``, after = this checkout).

    .venv/bin/python benchmarks/cli.py [--runs 7] [--workbook FILE] [--code DIR | --against DIR]

Figures are printed, never asserted: speed goals are not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "sample_data" / "gastvrij-dak" / "gastvrij-dak_2025-Q4.xlsx"
GOAL_VS_PANDAS = 2.5
# the console script's own line: ``main()`` reads the command line, as ``evaluation`` does
ENTRY = "from evaluation.cli import main; raise SystemExit(main())"
HEAVY = (
    "sqlalchemy",
    "networkx",
    "hypothesis",
    "evaluation.store",
    "openpyxl",
    "plotly",
    "reportlab",
    "matplotlib",
    "fastapi",
    "streamlit",
)
# validate as the command does, then the heavy modules it loaded (a None entry is refused)
PROBE = f"""
import atexit, json, sys
def said():
    heavy = [m for m in {HEAVY!r} if sys.modules.get(m) is not None]
    print(json.dumps({{"heavy": heavy, "modules": len(sys.modules)}}), file=sys.stderr)
atexit.register(said)
{ENTRY}
"""


def _env(code: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVALUATION_")}
    env["PYTHONPATH"] = str(code)
    return env


def timed(argv: list[str], code: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``argv`` as one process (its output thrown away)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=code, env=_env(code), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # validate says 1 for an invalid workbook
        raise SystemExit(f"{' '.join(argv)} exited with {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def commands(workbook: Path) -> dict[str, list[str]]:
    return {
        "validate": [sys.executable, "-c", ENTRY, "validate", str(workbook)],
        "--help": [sys.executable, "-c", ENTRY, "--help"],
        "import pandas": [sys.executable, "-c", "import pandas"],
    }


def measure(codes: dict[str, Path], workbook: Path, runs: int) -> dict:
    """``{(label, command): [(wall, cpu), ...]}``, the runs in turn, one warm-up each."""
    cmds = commands(workbook)
    plan = [(label, name) for label in codes for name in cmds if name != "import pandas"]
    plan.append(("", "import pandas"))
    for label, name in plan:  # warm-up: the file cache, the bytecode caches
        timed(cmds[name], codes.get(label, ROOT))
    figures: dict = {key: [] for key in plan}
    for _ in range(runs):
        for label, name in plan:
            figures[(label, name)].append(timed(cmds[name], codes.get(label, ROOT)))
    return figures


def _row(name: str, runs: list[tuple[float, float]], ref: list[tuple[float, float]]) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    wall_ratio = statistics.median(w / r for (w, _), (r, _) in zip(runs, ref, strict=True))
    cpu_ratio = statistics.median(c / r for (_, c), (_, r) in zip(runs, ref, strict=True))
    return (
        f"{name:<34} {min(walls):7.3f} {statistics.median(walls):7.3f}"
        f"   {min(cpus):7.3f} {statistics.median(cpus):7.3f}"
        f"   {wall_ratio:6.2f}x {cpu_ratio:6.2f}x"
    )


def report(figures: dict, workbook: Path, runs: int) -> None:
    ref = figures[("", "import pandas")]
    size = workbook.stat().st_size // 1024
    print(f"whole processes, {runs} runs each in turn after a warm-up; workbook {workbook.name}")
    print(f"({size} KB); ratios: the median of run-by-run ratios to `import pandas`")
    print()
    print(f"{'command':<34} {'wall s':>15}   {'cpu s':>15}   {'/ import pandas':>15}")
    print(f"{'':<34} {'min':>7} {'median':>7}   {'min':>7} {'median':>7}   {'wall':>7} {'cpu':>7}")
    for (label, name), runs_ in figures.items():
        if name == "import pandas":
            shown = "python -c 'import pandas'"
        else:
            shown = f"{label + ': ' if label else ''}evaluation {name}"
        print(_row(shown, runs_, ref))
    print()
    print(f"goal: evaluation validate <= {GOAL_VS_PANDAS}x `python -c 'import pandas'`")
    for (label, name), runs_ in figures.items():
        if name == "validate":
            ratio = statistics.median(c / r for (_, c), (_, r) in zip(runs_, ref, strict=True))
            wall = statistics.median(w / r for (w, _), (r, _) in zip(runs_, ref, strict=True))
            met = "met" if max(ratio, wall) <= GOAL_VS_PANDAS else "not met"
            who = f"{label}: " if label else ""
            print(f"  {who}validate {wall:.2f}x wall, {ratio:.2f}x cpu: {met}")


def heavy_imports(code: Path, workbook: Path) -> dict:
    """What ``evaluation validate`` loads, in one more process of the checkout ``code`` (the
    workbook read in that process, not in a child, so that the reader's imports are seen)."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "validate", str(workbook)],
        cwd=code,
        env={**_env(code), "EVALUATION_READ_ISOLATION": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(out.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workbook", type=Path, default=WORKBOOK)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--code", type=Path, default=None, help="measure the package in DIR")
    which.add_argument("--against", type=Path, default=None, help="before (DIR) and after")
    args = parser.parse_args()
    if args.against:
        codes = {"before": args.against.resolve(), "after": ROOT}
    else:
        codes = {"": (args.code or ROOT).resolve()}
    figures = measure(codes, args.workbook.resolve(), args.runs)
    report(figures, args.workbook, args.runs)
    print()
    for label, code in codes.items():
        seen = heavy_imports(code, args.workbook.resolve())
        heavy = ", ".join(seen["heavy"]) or "none"
        who = f"{label}: " if label else ""
        print(f"{who}validate loads {seen['modules']} modules; heavy ones: {heavy}")


if __name__ == "__main__":
    main()
