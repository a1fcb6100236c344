"""Every output an evaluator hands on, at 10 and at 200 initiatives (x 8 quarters): pages,
file size and time (issue 18's closing note).

The sample initiatives are cloned in memory (``build`` of ``benchmarks/analysis.py``) and
disclosed to funders once; then each output is made from that ``Disclosed``: the Excel report
(built and saved; printed to PDF through LibreOffice where installed, for its page count),
the tidy export as a data package zip (comma CSV and the Dutch Excel dialect), the portfolio's
brief and one initiative's brief (pages with poppler's pdfinfo). Times are wall seconds of
this process; the disclosure they share is printed once per size.

    .venv/bin/python benchmarks/outputs.py                      # 10 and 200 initiatives
    .venv/bin/python benchmarks/outputs.py --initiatives 10 --no-print
"""

from __future__ import annotations

import argparse
import io
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
from brief import pages  # noqa: E402  (benchmarks/brief.py: pdfinfo's page count)
from report import submissions  # noqa: E402  (benchmarks/report.py: the provenance rows)

from evaluation import export  # noqa: E402
from evaluation.access import Principal  # noqa: E402
from evaluation.brief import initiative_brief, portfolio_brief  # noqa: E402
from evaluation.disclosure import disclose  # noqa: E402
from evaluation.report import build_report  # noqa: E402


def _timed(make):
    t0 = time.perf_counter()
    data = make()
    return data, time.perf_counter() - t0


def _report_bytes(disclosed, subs) -> bytes:
    buf = io.BytesIO()
    build_report(disclosed, subs, lang="nl").save(buf)
    return buf.getvalue()


def _printed_pages(path: Path, out: Path) -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return "?"
    profile = f"-env:UserInstallation=file://{out}/lo-profile"  # its own, beside any other
    cmd = [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(path)]
    subprocess.run(cmd, capture_output=True, timeout=1800)
    return pages(path.with_suffix(".pdf"))


def run(n: int, out: Path, print_report: bool) -> None:
    ds = build(n, 8)
    disclosed, took = _timed(lambda: disclose(ds, Principal("funder")))
    print(f"{n} initiatives x 8 quarters: disclosure {took:.1f} s")
    print(f"  {'output':<34} {'pages':>6} {'size':>9} {'time':>8}")

    def line(name: str, data: bytes, seconds: float, n_pages: str = "") -> None:
        print(f"  {name:<34} {n_pages:>6} {len(data) / 1e3:>7.0f} kB {seconds:>6.1f} s")

    data, took = _timed(lambda: _report_bytes(disclosed, submissions(ds)))
    path = out / f"report-{n}.xlsx"
    path.write_bytes(data)
    line(
        "Excel report (build + save)", data, took, _printed_pages(path, out) if print_report else ""
    )
    for dialect in ("csv", "excel-nl"):
        data, took = _timed(lambda d=dialect: export.tidy_zip(disclosed, "nl", d))
        line(f"data package zip ({dialect})", data, took)
    for name, make in (
        ("brief, the portfolio", lambda: portfolio_brief(disclosed, None, None, "nl")),
        (
            "brief, one initiative",
            lambda: initiative_brief(
                disclosed, str(disclosed.dataset.initiatives["initiative_id"].iloc[0]), "nl"
            ),
        ),
    ):
        data, took = _timed(make)
        pdf = out / f"{name.split(', ')[1].replace(' ', '-')}-{n}.pdf"
        pdf.write_bytes(data)
        line(name, data, took, pages(pdf))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, action="append", help="a multiple of 10")
    parser.add_argument("--out", default=None, help="keep the files in this folder")
    parser.add_argument("--no-print", action="store_true", help="skip LibreOffice's page count")
    args = parser.parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    for n in args.initiatives or [10, 200]:
        run(n, out, not args.no_print)
    print(f"files in {out}")


if __name__ == "__main__":
    main()
