"""Ingest benchmark (issues 3 and 13): how long reading an upload takes, at the sizes users send.

An upload is read by ``evaluation.ingest.read_workbook`` (safety checks, read, normalise,
validate, personal-data scan, in the reader's child process). Users send two kinds:

- a quarterly report: tens to hundreds of indicator rows (the sample workbooks, and built
  workbooks of 40 and 300 rows). Goal: the validation report in under 0.3 s, warm.
- a network's bulk history: many quarters of many initiatives in one workbook, 200,000
  indicator rows. Goal: the whole ingest within 1.5x a bare ``fastexcel`` read of the same
  file (and, with ``--openpyxl``, under 0.1x a bare openpyxl read). The default limits allow
  200,000 rows per sheet, header and example row included, so this run raises ``max_rows``
  a little; nothing else changes.

Between them sits the 2,700-row workbook of issue 13 (900 own indicators, three phases each).

Each workbook is built once (cached in the temp dir): a sample workbook's sheets, its
Indicators sheet replaced by ``rows`` valid rows (every (indicator, phase) pair distinct, so the
run measures the path an honest upload takes; enough own indicators are declared for that);
every row has a note, one in ten with a date and an amount in it, so the privacy scanner does
real work. Like every file Excel or LibreOffice saves, each sheet carries a ``<dimension>``.

``--code DIR`` measures the ``evaluation`` package in ``DIR`` (an extracted older commit)
instead of this checkout's; ``--against DIR`` runs the measurements for both, each in a fresh
process, and prints them side by side (before = ``DIR``, after = this checkout).

    .venv/bin/python benchmarks/ingest.py [--sizes 40,300,2700,200000] [--repeat 3]
        [--rebuild] [--profile ROWS] [--openpyxl] [--code DIR | --against DIR] [--json]

Figures are printed, never asserted: speed goals are not tests.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_VS_FASTEXCEL = 1.5  # a bulk history: the ingest within this x a bare read
GOAL_VS_OPENPYXL = 0.1
GOAL_SAMPLE_SECONDS = 0.3
BUILD_VERSION = 2  # bump when the generated workbook changes


def sample_workbooks() -> list[Path]:
    return sorted((ROOT / "sample_data").glob("**/*.xlsx"))


# --- building the large workbook ------------------------------------------------------------


def build_large_workbook(rows: int, path: Path, base: Path) -> None:
    """A filled template: ``base``'s sheets, with ``rows`` indicator rows, all distinct."""
    import openpyxl

    from evaluation.catalogue import load_catalogue

    cat = load_catalogue()
    src = openpyxl.load_workbook(base, read_only=True)
    names = {s.code: {s.name("nl"), s.name("en")} for s in cat.sections}
    lang = "en" if cat.section("indicators").name("en") in src.sheetnames else "nl"
    phases = list(cat.choices("phases").labels(lang).values())
    unit_labels = cat.choices("units").labels(lang)
    dimension_labels = cat.choices("dimensions").labels(lang)
    catalogue = [i for i in cat.indicators if i.sheet == "indicators"]

    indicator_rows: list[list[object]] = []
    for n, ind in enumerate(catalogue):
        for k, phase in enumerate(phases):
            indicator_rows.append(_indicator_row(ind.label(lang), ind.unit, phase, n * 3 + k))
    own_needed = max(0, -(-(rows - len(indicator_rows)) // len(phases)))
    own_rows = []
    for i in range(own_needed):
        code = f"eigen_bench_{i:05d}"
        own_rows.append(
            [
                code,
                f"Eigen indicator {i}",
                "Wat we zelf tellen omdat het laat zien waar het ons om gaat.",
                dimension_labels["relational" if i % 2 else "process"],
                unit_labels["count"],
                phases[i % len(phases)],
            ]
        )
        for k, phase in enumerate(phases):
            indicator_rows.append(_indicator_row(code, "count", phase, len(indicator_rows) + k))
    indicator_rows = indicator_rows[:rows]

    out = openpyxl.Workbook(write_only=True)
    extents: list[tuple[int, int]] = []  # (rows, columns) per sheet, in order
    for ws in src.worksheets:
        target = out.create_sheet(ws.title)
        existing = [list(r) for r in ws.iter_rows(values_only=True)]
        if ws.title in names["indicators"]:
            existing = existing[:2] + indicator_rows  # header and example row, then ours
        elif ws.title in names["own_indicators"]:
            existing = existing + own_rows
        for row in existing:
            target.append(row)
        if ws.sheet_state != "visible":
            target.sheet_state = ws.sheet_state
        extents.append((len(existing), max((len(r) for r in existing), default=0)))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    out.save(tmp)
    add_dimensions(tmp, path, extents)
    tmp.unlink()


def add_dimensions(src: Path, dst: Path, extents: list[tuple[int, int]]) -> None:
    """Give every sheet the ``<dimension>`` that Excel and LibreOffice always write.

    openpyxl's write-only mode leaves it out; without it the file would take the safety
    check's slower streaming row count, which no upload saved by a spreadsheet app takes.
    """
    import zipfile

    from openpyxl.utils import get_column_letter

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            name = info.filename
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                rows, cols = extents[int(name[len("xl/worksheets/sheet") : -4]) - 1]
                if rows and cols and b"<dimension" not in data[:4096]:
                    ref = f"A1:{get_column_letter(cols)}{rows}".encode()
                    at = data.index(b"</sheetPr>") + len(b"</sheetPr>")
                    data = data[:at] + b'<dimension ref="' + ref + b'"/>' + data[at:]
            zout.writestr(info, data)


def _indicator_row(indicator: str, unit: str, phase: str, i: int) -> list[object]:
    note = f"Toelichting {i}: vooral via de kookavond en de wandelgroep."
    if i % 10 == 0:
        note += f" Op 3-2-2025 kwamen er {i % 40 + 5} mensen, samen 1.234,50 euro aan boodschappen."
    if unit == "share":
        return [indicator, phase, None, i % 7 + 1, i % 7 + 8, note]
    value = float(i % 50) + 0.5 if unit == "hours" else i % 50
    return [indicator, phase, value, None, None, note]


# --- timing ---------------------------------------------------------------------------------

QUARTERLY = (40, 300)  # a quarterly report: tens to hundreds of indicator rows
ISSUE_ROWS = 2_700  # the size issue 13 measured
BULK_ROWS = 200_000  # a network's bulk history in one workbook
DEFAULT_SIZES = (*QUARTERLY, ISSUE_ROWS, BULK_ROWS)


def timed_cpu(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """The best of ``repeat`` runs after one warm-up run: wall seconds, the CPU seconds of
    that run (every thread of this process), and the last result."""
    result = fn()
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        if wall < best:
            best, best_cpu = wall, cpu
    return best, best_cpu, result


def bare_fastexcel(data: bytes) -> int:
    import fastexcel

    reader = fastexcel.read_excel(data)
    return sum(
        reader.load_sheet(name, header_row=None).to_arrow().num_rows for name in reader.sheet_names
    )


def read_floor(data: bytes) -> float:
    """The floor of reading a workbook (issue 16): seconds to unzip every member and scan its
    bytes for cells. ``benchmarks/store.py`` puts a whole import against it too."""
    import zipfile

    start = time.perf_counter()
    cells = 0
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            cells += z.read(name).count(b"<c ")
    assert cells > 0
    return time.perf_counter() - start


def bare_openpyxl(path: Path) -> int:
    import pandas as pd

    frames = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    return sum(len(f) for f in frames.values())


def limits_for(rows: int):
    """The default limits, with room for ``rows`` indicator rows and the two template rows."""
    from dataclasses import replace

    from evaluation.ingest.safety import DEFAULT_LIMITS

    return replace(DEFAULT_LIMITS, max_rows=max(DEFAULT_LIMITS.max_rows, rows + 10))


def report_of(path: Path) -> list[dict]:
    """The validation report a volunteer gets: every problem rendered in Dutch."""
    from evaluation.ingest import read_workbook

    result = read_workbook(path.read_bytes(), path.name)
    return [p.to_dict("nl") for p in result.problems]


def workbook_path(rows: int, base: Path) -> Path:
    folder = Path(tempfile.gettempdir()) / "evaluation-benchmarks"
    return folder / f"ingest-{rows}-{base.stem}-v{BUILD_VERSION}.xlsx"


def build_workbooks(sizes: list[int], rebuild: bool) -> dict[int, Path]:
    base = sample_workbooks()[0]
    paths = {}
    for rows in sizes:
        path = workbook_path(rows, base)
        if rebuild or not path.exists() or path.stat().st_mtime < base.stat().st_mtime:
            start = time.perf_counter()
            build_large_workbook(rows, path, base)
            print(f"built {path} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        paths[rows] = path
    return paths


def measure(paths: dict[int, Path], repeat: int, openpyxl: bool) -> dict:
    """The figures of one checkout: per size, and the sample workbooks' reports."""
    from evaluation.ingest import read_workbook

    out: dict = {"sizes": []}
    for rows, path in sorted(paths.items()):
        data = path.read_bytes()
        limits = limits_for(rows)
        runs = repeat if rows > 10_000 else repeat * 4  # small ones are quick: more runs
        name = path.name

        def ingest(data=data, name=name, limits=limits):
            return read_workbook(data, name, limits=limits)

        wall, cpu, result = timed_cpu(ingest, runs)
        fast, _cpu, _ = timed_cpu(lambda data=data: bare_fastexcel(data), runs)
        floor = min(read_floor(data) for _ in range(runs))
        read = len(result.report.indicators) if result.report is not None else 0
        entry = {
            "rows": rows,
            "mb": len(data) / 1024 / 1024,
            "ingest": wall,
            "cpu": cpu,
            "fastexcel": fast,
            "floor": floor,
            "read": read,
            "problems": dict(Counter(p.code for p in result.problems)),
        }
        if openpyxl and rows >= BULK_ROWS:
            start = time.perf_counter()
            bare_openpyxl(path)
            entry["openpyxl"] = time.perf_counter() - start
        out["sizes"].append(entry)
    samples = sample_workbooks()
    report_of(samples[0])  # warm-up: imports, catalogue, schemas
    times = []
    for sample in samples:
        start = time.perf_counter()
        report_of(sample)
        times.append(time.perf_counter() - start)
    times.sort()
    out["samples"] = {
        "n": len(times),
        "median": statistics.median(times),
        "p90": times[int(0.9 * (len(times) - 1))],
        "max": times[-1],
    }
    return out


def _goal(entry: dict) -> tuple[str, str]:
    """The goal of a size and whether this run met it."""
    if entry["rows"] >= BULK_ROWS:
        met = entry["ingest"] / entry["fastexcel"] <= GOAL_VS_FASTEXCEL
        return f"<= {GOAL_VS_FASTEXCEL}x fastexcel", "yes" if met else "NO"
    if entry["rows"] <= max(QUARTERLY):
        return f"< {GOAL_SAMPLE_SECONDS} s", "yes" if entry[
            "ingest"
        ] < GOAL_SAMPLE_SECONDS else "NO"
    return "", ""


def show(figures: dict) -> None:
    print(
        f"{'indicator rows':>14} {'MB':>5} {'ingest s':>9} {'CPU s':>7} {'fastexcel s':>11} "
        f"{'ratio':>6}  {'goal':>18} met {'floor s':>8} {'/floor':>7}"
    )
    print("-" * 100)
    for e in figures["sizes"]:
        goal, met = _goal(e)
        print(
            f"{e['rows']:>14,} {e['mb']:5.1f} {e['ingest']:9.3f} {e['cpu']:7.3f} "
            f"{e['fastexcel']:11.3f} {e['ingest'] / e['fastexcel']:5.2f}x  {goal:>18} {met} "
            f"{e['floor']:8.3f} {e['ingest'] / e['floor']:6.1f}x"
        )
        if e["read"] < e["rows"]:
            print(f"{'':>14} WARNING: only {e['read']:,} rows read; this figure is not valid")
        if e["problems"]:
            print(f"{'':>14} problems: {e['problems']}")
        if "openpyxl" in e:
            ratio = e["ingest"] / e["openpyxl"]
            met = "yes" if ratio < GOAL_VS_OPENPYXL else "NO"
            print(
                f"{'':>14} bare openpyxl read {e['openpyxl']:.3f} s: ingest {ratio:.2f}x "
                f"(goal < {GOAL_VS_OPENPYXL}x) {met}"
            )
    print(
        "floor: unzip + byte scan of the same file (issue 16: a whole import of 200,000 rows, "
        "read, validate and store, <= 8x it; benchmarks/store.py prints that one)"
    )
    s = figures["samples"]
    verdict = "yes" if s["max"] < GOAL_SAMPLE_SECONDS else "NO"
    print(
        f"validation report of {s['n']} sample workbooks (warm, read + render): median "
        f"{s['median']:.3f} s  p90 {s['p90']:.3f} s  max {s['max']:.3f} s  "
        f"goal < {GOAL_SAMPLE_SECONDS} s: {verdict}"
    )


def show_compared(before: dict, after: dict) -> None:
    print(
        f"{'indicator rows':>14} {'before s':>9} {'after s':>9} {'after/before':>12} "
        f"{'CPU before':>10} {'CPU after':>10}  {'goal':>18} met"
    )
    print("-" * 92)
    for b, a in zip(before["sizes"], after["sizes"], strict=True):
        goal, met = _goal(a)
        print(
            f"{a['rows']:>14,} {b['ingest']:9.3f} {a['ingest']:9.3f} "
            f"{a['ingest'] / b['ingest']:11.2f}x {b['cpu']:10.3f} {a['cpu']:10.3f}  "
            f"{goal:>18} {met}"
        )
        if a["problems"] != b["problems"] or a["read"] != b["read"]:
            print(
                f"{'':>14} DIFFERENT RESULT: before {b['read']:,} rows {b['problems']}, "
                f"after {a['read']:,} rows {a['problems']}"
            )
    sb, sa = before["samples"], after["samples"]
    print(
        f"sample workbooks ({sa['n']}), median: before {sb['median']:.3f} s, after "
        f"{sa['median']:.3f} s; max: before {sb['max']:.3f} s, after {sa['max']:.3f} s"
    )


def _child(code: Path | None, args) -> dict:
    """The figures of one checkout, measured in a fresh process."""
    import json
    import subprocess

    argv = [sys.executable, __file__, "--json", "--repeat", str(args.repeat)]
    argv += ["--sizes", ",".join(str(n) for n in args.sizes)]
    if code is not None:
        argv += ["--code", str(code)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda v: [int(n) for n in v.split(",")],
        default=list(DEFAULT_SIZES),
        help="indicator rows, comma-separated",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best is shown)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached workbooks")
    parser.add_argument("--profile", type=int, metavar="ROWS", help="cProfile one size")
    parser.add_argument("--openpyxl", action="store_true", help="also time a bare openpyxl read")
    parser.add_argument("--code", type=Path, help="measure the evaluation package in this folder")
    parser.add_argument("--against", type=Path, help="compare with the package in this folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.code is not None:
        sys.path.insert(0, str(args.code.resolve()))
    if not sample_workbooks():
        print("No sample workbooks in sample_data/; generate them first.")
        return 1
    paths = build_workbooks(args.sizes, args.rebuild)
    if args.against is not None:
        before, after = _child(args.against.resolve(), args), _child(None, args)
        print(f"before: {args.against}   after: {ROOT}")
        show_compared(before, after)
        return 0
    figures = measure(paths, args.repeat, args.openpyxl)
    if args.json:
        import json

        print(json.dumps(figures))
    else:
        show(figures)
    if args.profile:
        from evaluation.ingest import read_workbook

        path = paths.get(args.profile) or build_workbooks([args.profile], False)[args.profile]
        data = path.read_bytes()
        limits = limits_for(args.profile)
        print(f"\ncProfile of read_workbook, {args.profile:,} rows (top 25, cumulative):")
        profiler = cProfile.Profile()
        profiler.enable()
        read_workbook(data, path.name, limits=limits, isolate=False)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
