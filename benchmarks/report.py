"""Time the evaluator's Excel report at programme scale, against the writer alone (issue 20).

The ten sample initiatives' tidy datasets are cloned in memory with new initiative ids and
names (partners inside a clone group renamed with them; ``build`` of
``benchmarks/analysis.py``), then the report is made for the funder audience: ``disclose``
(the protection, once), ``build_report`` (the sheets) and the save. The reference, measured
in the same run: the same cells (values and number formats) written into a fresh openpyxl
workbook and saved, i.e. the writer alone. Each size runs in a process of its own, so that
its peak memory is its own.

Prints per size the CPU seconds of each step (``time.process_time``: on a shared machine the
wall time depends on the load, the CPU time of the process does not), the wall seconds, the
cells written, the peak memory of the process (dataset included) and the ratio of building
and saving the report to writing the same cells with the writer alone (issue 20's goal:
<= 1.5x; < 60 s and < 500 MB at 1,000 initiatives).

    .venv/bin/python benchmarks/report.py                          # 10, 200 and 1,000
    .venv/bin/python benchmarks/report.py --initiatives 10,200     # quicker
    .venv/bin/python benchmarks/report.py --initiatives 50 --out /tmp/report.xlsx
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from analysis import build  # noqa: E402  (benchmarks/analysis.py: the same sample clones)

from evaluation.model import Dataset  # noqa: E402


def submissions(ds: Dataset) -> pd.DataFrame:
    ids = sorted({int(s) for s in ds.observations["submission_id"]})
    return pd.DataFrame(
        {
            "submission_id": ids,
            "initiative_id": None,
            "period": None,
            "status": "accepted",
            "sha256": [f"{i:064x}" for i in ids],
            "uploaded_role": "initiative",
            "uploaded_at": pd.Timestamp("2026-01-01 09:00"),
        }
    )


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _writer_alone(cells: list[tuple[str, list[tuple[int, int, object, str]]]], out: Path):
    """The same cells written with openpyxl and nothing else; (CPU s, wall s)."""
    from openpyxl import Workbook

    c0, t0 = time.process_time(), time.perf_counter()
    wb = Workbook()
    wb.remove(wb.active)
    for title, sheet_cells in cells:
        ws = wb.create_sheet(title)
        for row, col, value, fmt in sheet_cells:
            cell = ws.cell(row=row, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if fmt != "General":
                cell.number_format = fmt
    wb.save(out)
    return time.process_time() - c0, time.perf_counter() - t0


def one(n: int, audience: str, lang: str, out: str | None) -> dict[str, float]:
    from evaluation.disclosure import disclose
    from evaluation.report.build import AUDIENCES, build_report

    ds = build(n, 8)  # the sample's own eight quarters
    subs = submissions(ds)
    before_mb = _peak_mb()
    fig: dict[str, float] = {"initiatives": len(ds.initiatives)}
    c0, t0 = time.process_time(), time.perf_counter()
    disclosed = disclose(ds, AUDIENCES[audience])
    c1 = time.process_time()
    wb = build_report(disclosed, subs, lang=lang)
    c2 = time.process_time()
    path = Path(out) if out else Path(tempfile.mkdtemp()) / "report.xlsx"
    wb.save(path)
    c3, t3 = time.process_time(), time.perf_counter()
    fig.update(
        disclose_cpu=c1 - c0,
        build_cpu=c2 - c1,
        save_cpu=c3 - c2,
        report_wall=t3 - t0,
        size_mb=path.stat().st_size / 1e6,
        peak_mb=_peak_mb(),
        before_mb=before_mb,
    )
    cells = [
        (
            ws.title,
            [
                (r, c, cell.value, cell.number_format)
                for (r, c), cell in ws._cells.items()
                if cell.value is not None
            ],
        )
        for ws in wb.worksheets
    ]
    fig["cells"] = sum(len(c) for _, c in cells)
    del wb
    ref_cpu, ref_wall = _writer_alone(cells, path.with_name("writer-alone.xlsx"))
    fig.update(writer_cpu=ref_cpu, writer_wall=ref_wall)
    return fig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", default="10,200,1000", help="multiples of 10, a list")
    parser.add_argument("--audience", choices=["funder", "public"], default="funder")
    parser.add_argument("--lang", choices=["nl", "en"], default="nl")
    parser.add_argument("--out", default=None, help="keep the (last) report here")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:  # a child: one size, figures as JSON on the last line
        print(json.dumps(one(args.one, args.audience, args.lang, args.out)))
        return
    print(
        "initiatives  cells      disclose  build   save   | writer alone | ratio  "
        "| wall   peak MB  file MB   (CPU seconds)"
    )
    for n in [int(x) for x in args.initiatives.split(",")]:
        cmd = [sys.executable, __file__, "--one", str(n), "--audience", args.audience]
        cmd += ["--lang", args.lang] + (["--out", args.out] if args.out else [])
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        f = json.loads(done.stdout.strip().splitlines()[-1])
        report = f["build_cpu"] + f["save_cpu"]
        print(
            f"{int(f['initiatives']):>11,}  {int(f['cells']):>9,}  {f['disclose_cpu']:>8.1f}"
            f"  {f['build_cpu']:>6.1f}  {f['save_cpu']:>5.1f}  | {f['writer_cpu']:>12.1f} "
            f"| {report / f['writer_cpu']:>5.2f}x | {f['report_wall']:>5.1f}  "
            f"{f['peak_mb']:>7.0f}  {f['size_mb']:>7.1f}",
            flush=True,
        )
    print(
        "ratio: (build_report + save) / (the same cells written and saved with openpyxl alone),"
        " CPU time, measured in the same run;\nwall: disclose + build + save; peak MB: the"
        " process's peak resident memory, the cloned dataset included;"
        f" load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
