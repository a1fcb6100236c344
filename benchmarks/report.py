"""Time the evaluator's Excel report at programme scale: 200 initiatives x 8 quarters.

The ten sample initiatives' tidy datasets are cloned in memory with new initiative ids and
names (partners inside a clone group renamed with them; ``build`` of
``benchmarks/analysis.py``), then ``build_report`` runs for the funder audience and the
workbook is saved. Prints the time of each step and the file size.

    .venv/bin/python benchmarks/report.py                     # 200 initiatives
    .venv/bin/python benchmarks/report.py --initiatives 50    # a quicker run
    .venv/bin/python benchmarks/report.py --out /tmp/report.xlsx --audience public
"""

from __future__ import annotations

import argparse
import os
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
from evaluation.report import report_for  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=200, help="a multiple of 10")
    parser.add_argument("--audience", choices=["funder", "public"], default="funder")
    parser.add_argument("--lang", choices=["nl", "en"], default="nl")
    parser.add_argument("--out", default=None, help="keep the report here")
    args = parser.parse_args()

    c0 = time.process_time()
    t0 = time.perf_counter()
    ds = build(args.initiatives, 8)  # the sample's own eight quarters
    t1 = time.perf_counter()
    n_ini = len(ds.initiatives)
    n_periods = ds.observations["period"].nunique()
    print(
        f"dataset: {n_ini} initiatives x {n_periods} quarters, "
        f"{len(ds.observations):,} observations, {len(ds.stories):,} stories, "
        f"{len(ds.network):,} ties (built in {t1 - t0:.1f} s)"
    )
    wb = report_for(ds, submissions(ds), lang=args.lang, audience=args.audience)
    t2 = time.perf_counter()
    c2 = time.process_time()
    print(f"build_report: {t2 - t1:.1f} s wall ({len(wb.sheetnames)} sheets)")
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp()) / "report.xlsx"
    wb.save(out)
    t3 = time.perf_counter()
    c3 = time.process_time()
    size = out.stat().st_size
    print(f"save: {t3 - t2:.1f} s wall, {c3 - c2:.1f} s CPU")
    print(f"total (build + save): {t3 - t1:.1f} s wall; file size {size / 1e6:.1f} MB ({out})")
    # on a shared machine the wall time depends on the load; the CPU time of this process
    # (dataset cloning included) does not
    print(f"CPU time of the whole run: {c3 - c0:.1f} s; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
