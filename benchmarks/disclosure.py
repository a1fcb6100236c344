"""What the disclosure layer withholds, and what it costs, on the sample and at scale.

For each audience: per table of the protection problem, the cells, how many are withheld and
how much of the table's total they hold (the figures for administrators and the closing
notes; outputs print only counts, see ``evaluation.disclosure``), then the numbers the tidy
export and the Excel report withhold, and the time of one ``disclose`` (median of a few).

    .venv/bin/python benchmarks/disclosure.py                  # the sample (10 initiatives)
    .venv/bin/python benchmarks/disclosure.py --initiatives 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=10)
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from analysis import build  # benchmarks/analysis.py: the sample, cloned to a size

    from evaluation import export
    from evaluation.access import Principal
    from evaluation.disclosure import disclose

    ds = build(args.initiatives, args.quarters)
    print(f"disclosure benchmark: {args.initiatives} initiatives x {args.quarters} quarters")
    first = str(sorted(ds.initiatives["initiative_id"])[0])
    for who in (Principal("funder"), Principal("public"), Principal("initiative", first)):
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            d = disclose(ds, who)
            times.append(time.perf_counter() - t0)
        print(f"\n{who.label}: disclose median {statistics.median(times):.2f} s")
        w = d.withheld
        for r in w.itertuples(index=False):
            share = r.withheld_total / r.total if r.total else 0.0
            print(
                f"  {r.table:<24} {r.withheld:>6} of {r.cells:>6} cells withheld"
                f"  ({share:6.1%} of the total {r.total:,.0f})"
            )
        withheld, cells = export.withheld_cells(d)
        print(f"  tidy export: {withheld} of {cells} numbers of people withheld")
    incremental(ds)
    return 0


def incremental(ds) -> None:
    """A funder's disclosure from nothing remembered, again on the same data, and after one
    count of the latest quarter changed (what an upload does): CPU seconds."""
    import pandas as pd

    from evaluation import disclosure_parts
    from evaluation.access import Principal
    from evaluation.disclosure import disclose
    from evaluation.model import Dataset

    def cpu(data) -> float:
        t0 = time.process_time()
        disclose(data, Principal("funder"))
        return time.process_time() - t0

    disclosure_parts.MEMO.clear()
    cold = cpu(ds)
    same = cpu(ds)
    obs = ds.observations.reset_index(drop=True)
    last = sorted(set(obs["period"].astype(str)))[-1]
    counts = (obs["period"].astype(str) == last) & (obs["unit"] == "count")
    at = obs.index[counts & pd.to_numeric(obs["value"], errors="coerce").notna()][0]
    obs.loc[at, "value"] = float(obs.loc[at, "value"]) + 1
    changed = cpu(Dataset(**{**ds.frames(), "observations": obs}))
    print(f"\nfunder, CPU s: from nothing {cold:.2f}, same data {same:.2f} ({same / cold:.2f}x),")
    print(f"  one count of {last} changed {changed:.2f} ({changed / cold:.2f}x)")


if __name__ == "__main__":
    raise SystemExit(main())
