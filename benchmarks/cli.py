"""Time the command line as a user starts it: ``evaluation validate`` on a typical workbook.

Whole processes, start-up included: ``evaluation validate <workbook>`` (one sample quarter,
about 40 KB) against ``python -c "import pandas"`` (the floor every command pays), run in turn
(A B A B ...) so that a drift of the machine's speed moves both. Prints min and median wall
seconds of each, the median of the pairwise ratios (goal: at most 2.5x), and which heavy
libraries the validate process imported (it needs none of SQLAlchemy, networkx, hypothesis,
the store or openpyxl's writer).

    .venv/bin/python benchmarks/cli.py            # 9 pairs
    .venv/bin/python benchmarks/cli.py --runs 21

The same pair with the machine's own tool: ``farm-bench --vs '.venv/bin/python -c "import
pandas"' -- .venv/bin/evaluation validate sample_data/gastvrij-dak/gastvrij-dak_2025-Q4.xlsx``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "sample_data" / "gastvrij-dak" / "gastvrij-dak_2025-Q4.xlsx"
GOAL = 2.5
HEAVY = (
    "sqlalchemy",
    "networkx",
    "hypothesis",
    "evaluation.store",
    "openpyxl",
    "openpyxl.writer.excel",
    "openpyxl.chart",
    "plotly",
    "streamlit",
)

# validate in this process, then list the heavy modules it imported (sys.modules at exit)
PROBE = """
import json, sys
from evaluation.cli import main
code = main(["validate", sys.argv[1]])
print(json.dumps({"exit": code, "heavy": [m for m in %r if m in sys.modules],
                  "modules": len(sys.modules)}))
"""


def command() -> list[str]:
    """The ``evaluation`` script beside this Python (as installed), else ``-m evaluation.cli``."""
    script = Path(sys.executable).parent / "evaluation"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "evaluation.cli"]


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="pairs of runs (default 9)")
    parser.add_argument("--workbook", type=Path, default=WORKBOOK)
    args = parser.parse_args()

    validate = [*command(), "validate", str(args.workbook)]
    floor = [sys.executable, "-c", "import pandas"]
    probe = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,), str(args.workbook)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(probe.stdout.strip().splitlines()[-1])

    wall(validate), wall(floor)  # warm the file cache; not counted
    a, b = [], []
    for _ in range(args.runs):
        a.append(wall(validate))
        b.append(wall(floor))
    ratios = [x / y for x, y in zip(a, b, strict=True)]

    size_kb = args.workbook.stat().st_size / 1024
    print(f"workbook: {args.workbook.relative_to(ROOT)} ({size_kb:.0f} KB), {args.runs} pairs")
    print(f"{'command':<34} {'min s':>7} {'median s':>9}")
    for label, times in (("evaluation validate", a), ('python -c "import pandas"', b)):
        print(f"{label:<34} {min(times):>7.3f} {statistics.median(times):>9.3f}")
    ratio = statistics.median(ratios)
    verdict = "meets" if ratio <= GOAL else "misses"
    print(f"ratio validate / import pandas: median {ratio:.2f}x, min {min(ratios):.2f}x")
    print(f"goal <= {GOAL}x: {verdict}")
    heavy = ", ".join(seen["heavy"]) or "none"
    print(f"validate exit code {seen['exit']}; {seen['modules']} modules; heavy imports: {heavy}")


if __name__ == "__main__":
    main()
