"""Time the printable brief at 10 and at 200 initiatives (x 8 quarters).

The sample initiatives are cloned in memory (``build`` of ``benchmarks/analysis.py``), the
dataset is disclosed to funders once, then the portfolio's brief and a few initiatives'
briefs are written. Prints per output the pages (poppler's pdfinfo, where installed), the
file size and the time, and the time of the disclosure they share.

    .venv/bin/python benchmarks/brief.py                      # 10 and 200 initiatives
    .venv/bin/python benchmarks/brief.py --initiatives 50 --out /tmp/briefs
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from analysis import build  # noqa: E402  (benchmarks/analysis.py: the same sample clones)

from evaluation.access import Principal  # noqa: E402
from evaluation.brief import initiative_brief, portfolio_brief  # noqa: E402
from evaluation.disclosure import disclose  # noqa: E402


def pages(path: Path) -> str:
    tool = shutil.which("pdfinfo")
    if not tool:
        return "?"
    out = subprocess.run([tool, str(path)], capture_output=True, text=True).stdout
    return next((x.split()[1] for x in out.splitlines() if x.startswith("Pages:")), "?")


def run(n: int, out: Path, lang: str) -> None:
    ds = build(n, 8)
    t0 = time.perf_counter()
    disclosed = disclose(ds, Principal("funder"))
    t1 = time.perf_counter()
    print(f"{n} initiatives: disclosure {t1 - t0:.1f} s")
    jobs = [("portfolio", lambda: portfolio_brief(disclosed, None, None, lang))]
    ids = sorted(disclosed.dataset.initiatives["initiative_id"])[:3]
    jobs += [(iid, lambda iid=iid: initiative_brief(disclosed, iid, lang)) for iid in ids]
    for name, make in jobs:
        t = time.perf_counter()
        data = make()
        took = time.perf_counter() - t
        path = out / f"{n}-{name}.pdf"
        path.write_bytes(data)
        print(f"  {name}: {pages(path)} pages, {len(data) / 1e3:.0f} kB, {took:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, action="append", help="a multiple of 10")
    parser.add_argument("--lang", choices=["nl", "en"], default="nl")
    parser.add_argument("--out", default=None, help="keep the PDFs in this folder")
    args = parser.parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    for n in args.initiatives or [10, 200]:
        run(n, out, args.lang)
    print(f"PDFs in {out}")


if __name__ == "__main__":
    main()
