"""Time every public analysis function at portfolio scale: N initiatives x Q quarters.

The sample's 80 reports (10 initiatives x 8 quarters) are turned into tidy form once, then
cloned with new initiative ids, names and submission ids (a partner that names an initiative
of the same clone group is renamed with it) and, beyond 8 quarters, repeated with periods
shifted by whole years. The built dataset is cached as a pickle in /tmp. Each function runs
for a funder (``Principal("funder")``) and for an initiative viewer; the table shows CPU
seconds (``time.process_time``) and wall seconds.

    .venv/bin/python benchmarks/analysis.py                           # 500 x 20
    .venv/bin/python benchmarks/analysis.py --initiatives 100 --quarters 8
    .venv/bin/python benchmarks/analysis.py --only trajectories,referral_flows
"""

from __future__ import annotations

import argparse
import datetime as dt
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import importlib  # noqa: E402

from evaluation import analysis  # noqa: E402
from evaluation.access import Principal  # noqa: E402
from evaluation.disclosure import disclose  # noqa: E402
from evaluation.model import Dataset  # noqa: E402
from evaluation.periods import period_label  # noqa: E402
from evaluation.sample import known_initiatives, sample_reports  # noqa: E402

BASE_INITIATIVES = 10
BASE_QUARTERS = 8


def base_dataset() -> Dataset:
    reports = sample_reports()
    known = known_initiatives()
    return Dataset.concat([r.to_tidy(i + 1, known) for i, r in enumerate(reports)])


def _shift_date(d: object, years: int) -> object:
    return d.replace(year=d.year + years) if isinstance(d, dt.date) else d


def _shift_periods(frame: pd.DataFrame, years: int) -> pd.DataFrame:
    if not years or "period_start" not in frame.columns:
        return frame
    f = frame.copy()
    f["period_start"] = f["period_start"].map(lambda d: _shift_date(d, years))
    f["period_end"] = f["period_end"].map(lambda d: _shift_date(d, years))
    f["period"] = [
        period_label(s, e) if isinstance(s, dt.date) else p
        for s, e, p in zip(f["period_start"], f["period_end"], f["period"], strict=True)
    ]
    return f


def _keep_quarters(frame: pd.DataFrame, keep: set[str]) -> pd.DataFrame:
    if "period" not in frame.columns:
        return frame
    return frame[frame["period"].isin(keep)].reset_index(drop=True)


def build(initiatives: int, quarters: int) -> Dataset:
    """``initiatives`` x ``quarters`` from the sample (initiatives: a multiple of 10)."""
    base = base_dataset()
    periods = sorted(set(base.observations["period"]))
    blocks = -(-quarters // BASE_QUARTERS)
    n_subs = int(base.observations["submission_id"].max())
    copies = max(1, initiatives // BASE_INITIATIVES)
    parts = []
    for k in range(copies):
        suffix = f"-{k:03d}"
        for b in range(blocks):
            keep = quarters - b * BASE_QUARTERS
            frames = {}
            for name, frame in base.frames().items():
                f = frame.copy()
                f["initiative_id"] = f["initiative_id"].astype(str) + suffix
                if name == "initiatives":
                    f["name"] = f["name"].astype(str) + f" {k + 1:03d}"
                else:
                    f["submission_id"] = f["submission_id"] + (k * blocks + b) * n_subs
                    if keep < BASE_QUARTERS:
                        f = _keep_quarters(f, set(periods[:keep]))
                    f = _shift_periods(f, 2 * b)
                if name == "network":
                    linked = f["partner_initiative_id"].notna()
                    f.loc[linked, "partner_initiative_id"] = (
                        f.loc[linked, "partner_initiative_id"].astype(str) + suffix
                    )
                frames[name] = f
            parts.append(Dataset(**frames))
    return Dataset.concat(parts)


def cached(initiatives: int, quarters: int) -> Dataset:
    path = Path(tempfile.gettempdir()) / f"evaluation-analysis-bench-{initiatives}x{quarters}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    ds = build(initiatives, quarters)
    with path.open("wb") as fh:
        pickle.dump(ds, fh)
    return ds


def calls(ds: Dataset) -> dict[str, Callable[[Principal], object]]:
    """One call per public function, as a page or the report makes it."""
    ini = str(ds.initiatives["initiative_id"].iloc[0])
    periods = sorted(set(ds.observations["period"]))
    p_a, p_b = periods[0], periods[-1]

    def story_page(v: Principal) -> None:
        analysis.output_totals(ds, v)
        analysis.build_graph(ds)
        analysis.phase_flows(ds)
        analysis.phase_puzzle(ds, v)
        analysis.formal_links(ds)

    def profile_page(v: Principal) -> None:
        analysis.trajectories(ds, ini, v)
        analysis.build_graph(ds)
        analysis.network_positions(ds)

    def trajectories_each(v: Principal, n: int = 20) -> None:
        for i in ds.initiatives["initiative_id"].head(n):
            analysis.trajectories(ds, str(i), v)

    return {
        "story page (analyses)": story_page,
        "profile page (analyses)": profile_page,
        "trajectories(x20)": trajectories_each,
        "phase_puzzle": lambda v: analysis.phase_puzzle(ds, v),
        "phase_coverage": lambda v: analysis.phase_coverage(ds, v),
        "referral_flows": lambda v: analysis.referral_flows(ds),
        "referral_flows(period)": lambda v: analysis.referral_flows(ds, p_b),
        "phase_flows": lambda v: analysis.phase_flows(ds),
        "phase_flows(period)": lambda v: analysis.phase_flows(ds, p_b),
        "formal_links": lambda v: analysis.formal_links(ds),
        "build_graph": lambda v: analysis.build_graph(ds),
        "components": lambda v: analysis.components(ds),
        "network_positions": lambda v: analysis.network_positions(ds),
        "network_change": lambda v: analysis.network_change(ds, p_a, p_b),
        "output_totals": lambda v: analysis.output_totals(ds, v),
        "trajectories(one)": lambda v: analysis.trajectories(ds, ini, v),
        "durability": lambda v: analysis.durability(ds),
        "durability(one)": lambda v: analysis.durability(ds, ini),
        "voice_balance": lambda v: analysis.voice_balance(ds, None, v),
        "voice_balance(one)": lambda v: analysis.voice_balance(ds, ini, v),
        "themes_over_time": lambda v: analysis.themes_over_time(ds, v),
        "reflection_timeline": lambda v: analysis.reflection_timeline(ds, ini),
        "disclose (every table)": lambda v: disclose(ds, v),
    }


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c0, time.perf_counter() - w0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=500, help="a multiple of 10")
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--only", default="", help="comma-separated names from the table")
    parser.add_argument(
        "--module",
        default="evaluation.analysis",
        help="the analysis package to time (e.g. a frozen copy of an earlier version)",
    )
    args = parser.parse_args()
    global analysis
    analysis = importlib.import_module(args.module)

    c0, w0 = time.process_time(), time.perf_counter()
    ds = cached(args.initiatives, args.quarters)
    print(
        f"dataset {args.initiatives} x {args.quarters}: "
        f"{len(ds.initiatives)} initiatives, {len(ds.observations)} observations, "
        f"{len(ds.network)} network rows, {len(ds.stories)} stories "
        f"(load {time.process_time() - c0:.1f} s CPU, {time.perf_counter() - w0:.1f} s wall)"
    )
    ini = str(ds.initiatives["initiative_id"].iloc[0])
    viewers = {"funder": Principal("funder"), "initiative": Principal("initiative", ini)}
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    print(f"{'function':<26}{'viewer':<12}{'cpu s':>8}{'wall s':>8}")
    total_cpu = total_wall = 0.0
    for name, call in calls(ds).items():
        if only and name not in only:
            continue
        for vname, viewer in viewers.items():
            cpu, wall = timed(lambda c=call, v=viewer: c(v))
            total_cpu += cpu
            total_wall += wall
            print(f"{name:<26}{vname:<12}{cpu:>8.2f}{wall:>8.2f}", flush=True)
    print(f"{'total':<38}{total_cpu:>8.2f}{total_wall:>8.2f}")


if __name__ == "__main__":
    main()
