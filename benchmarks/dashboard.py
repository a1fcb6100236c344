"""Time the dashboard at programme scale: 500 initiatives x 20 quarters.

With ``--portfolios N`` the initiatives are shared out over N portfolios (issue 17) and the
pages are timed for a funder of the first one, as the demo's chooser offers it: what a
programme officer of one fund on a national platform waits for.

A SQLite store is filled with reports cloned from the sample reports (new initiative ids and
periods) through ``Store.store_report``, the path an upload takes after its workbook is read;
then every page is rendered through Streamlit's AppTest, first just after an upload (a
corrected report of the latest quarter, stored through the import path, so the data
version moves and every cached load goes, as a visitor meets it after an upload), and then
again with warm caches (the same visitor clicking on).
Each render runs the entry script (``app.py``: sidebar, names, navigation) and the page, as
``streamlit run`` does.

    .venv/bin/python benchmarks/dashboard.py                 # full scale (builds ~10,000 reports)
    .venv/bin/python benchmarks/dashboard.py --scale 0.05    # a quick run (25 initiatives)
    .venv/bin/python benchmarks/dashboard.py --db /tmp/bench.sqlite   # keep / reuse the database
    .venv/bin/python benchmarks/dashboard.py --scale 4 --portfolios 10  # 2,000 in 10 portfolios

Goals (2-core machine): first render of every page under 2 s, a cached re-render under 0.3 s.
At the end, ``benchmarks/first_visit.py`` times the cold and the warm first visit in chromium
against a one-chart Streamlit page (``--no-browser`` skips it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from store import ADMIN, clone, generate, quarters  # noqa: E402  (benchmarks/store.py: the same clones)

from evaluation.store import Store  # noqa: E402

APP = ROOT / "dashboards" / "app.py"
PAGES = {
    "story": ("app_pages/story.py", "funder"),
    "profile": ("app_pages/profile.py", "funder"),
    "voices": ("app_pages/voices.py", "funder"),
    "submit": ("app_pages/submit.py", "initiative:bench-00000"),
    "export": ("app_pages/export.py", "evaluator"),
    "cycle": ("app_pages/cycle.py", "funder"),
    "about": ("app_pages/about.py", "funder"),
}
PORTFOLIO = "bench-p00"  # with --portfolios: the funder and evaluator are of this one
FIRST_GOAL, CACHED_GOAL = 2.0, 0.3


def build(path: Path, n_initiatives: int, n_quarters: int) -> None:
    """Fill a fresh store (skipped when the file already holds a store)."""
    url = f"sqlite:///{path}"
    store = Store.open(url)
    if not store.is_empty():
        print(f"reusing {path}")
        store.close()
        return
    t0 = time.perf_counter()
    n = 0
    for report in generate(n_initiatives, n_quarters):
        data = f"{report.initiative_id}:{report.period}".encode()
        store.store_report(data, f"{report.initiative_id}_{report.period}.xlsx", ADMIN, report, [])
        n += 1
        if n % 1000 == 0:
            print(f"  stored {n} reports ({time.perf_counter() - t0:.0f} s)", flush=True)
    store.close()
    print(f"stored {n} reports in {time.perf_counter() - t0:.1f} s")


def share_out(path: Path, n_portfolios: int) -> None:
    """Put the initiatives, in turn, into ``n_portfolios`` portfolios (once per database)."""
    from evaluation import portfolios

    store = Store.open(f"sqlite:///{path}")
    if not store.read(portfolios.exist):
        ids = sorted(store.initiatives(ADMIN)["initiative_id"])
        for k in range(n_portfolios):
            code = f"bench-p{k:02d}"
            portfolios.create(store, ADMIN, code, f"Benchmark portfolio {k}")
            portfolios.update(store, ADMIN, code, ids[k::n_portfolios], [])
    store.close()


def upload(url: str, n_quarters: int, k: int) -> None:
    """What an initiative's upload does to the dashboard: a corrected report of the latest
    quarter of ``bench-00000`` (in the first portfolio), one count changed, stored through
    the import path. The data version moves, so every process forgets its cached loads, and
    the changed quarter has to be worked out again (the other quarters are remembered)."""
    from evaluation.sample import sample_reports

    start, end = quarters(n_quarters)[-1]
    report = clone(sample_reports()[0], "bench-00000", "Initiatief 00000", start, end)
    report.activities.loc[0, "activities_held"] = 100 + k
    with Store.open(url) as store:
        data = f"correction {k}".encode()
        outcome = store.store_report(data, "bench-00000.xlsx", ADMIN, report, [])
    assert outcome.status == "accepted", outcome


def time_pages(
    repeats: int, n_quarters: int, portfolio: str | None = None
) -> dict[str, tuple[float, float]]:
    """Per page: (first render after an upload, median cached re-render), in seconds."""
    from streamlit.testing.v1 import AppTest

    out = {}
    url = os.environ["EVALUATION_DATABASE_URL"]
    for k, (name, (path, role)) in enumerate(PAGES.items()):
        at = AppTest.from_file(str(APP), default_timeout=600)
        if portfolio and role in ("funder", "evaluator"):
            role = f"portfolio:{portfolio}"
        at.session_state["demo_role"] = role
        at.run()  # opens the store; lands on the default page
        if at.exception:
            raise SystemExit(f"{name}: {[e.message for e in at.exception]}")
        upload(url, n_quarters, k)
        at.switch_page(path)
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        if at.exception:
            raise SystemExit(f"{name}: {[e.message for e in at.exception]}")
        if not at.sidebar.radio:  # the entry script's language switch: app.py ran too
            raise SystemExit(f"{name}: the page ran without the entry script")
        cached = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            at.run()
            cached.append(time.perf_counter() - t0)
        out[name] = (first, statistics.median(cached))
    return out


def breakdown(url: str) -> list[tuple[str, float]]:
    """Where a first render of the story page and of a profile spends its time, by layer:
    the store read, each analysis, the dashboard's own view and figure building.

    The story page opens on the latest ``state.LATEST_PERIODS`` periods, so its layers are
    timed on those; reading all periods is timed too (what the slider's full range costs).
    """
    from dashboards import state, views
    from evaluation.access import Principal
    from evaluation.i18n import t

    t("ui.app.title")  # strings loaded once, as in a running app
    store = Store.open(url)
    who = Principal("funder")
    out: list[tuple[str, float]] = []

    def timed(label, fn):
        t0 = time.perf_counter()
        result = fn()
        out.append((label, time.perf_counter() - t0))
        return result

    everything = timed("store.current_dataset (all)", lambda: store.current_dataset(who))
    timed("views.available_periods (all)", lambda: views.available_periods(everything))
    periods = timed("store.periods", lambda: store.periods(who))
    latest = periods[-state.LATEST_PERIODS :]
    from evaluation.disclosure import disclose, select

    shown = timed("disclosure.disclose (all)", lambda: disclose(everything, who))
    window = timed("disclosure.select (latest)", lambda: select(shown, None, latest[0], latest[-1]))
    view = timed("views.story_view (latest)", lambda: views.story_view(window))
    timed("views.story_page (figures)", lambda: views.story_page(view, "nl"))
    first = str(everything.initiatives["initiative_id"].iloc[0])
    pv = timed("views.profile_view", lambda: views.profile_view(shown, first))
    timed("views.profile_page (figures)", lambda: views.profile_page(pv, "nl"))
    store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 500 initiatives")
    parser.add_argument("--quarters", type=int, default=20)
    parser.add_argument("--db", type=Path, help="database file to build or reuse")
    parser.add_argument(
        "--portfolios", type=int, default=0, help="share the initiatives out over N portfolios"
    )
    parser.add_argument("--repeats", type=int, default=3, help="cached re-renders per page")
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the per-layer timing of a first render"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="skip the first visit in chromium"
    )
    args = parser.parse_args(argv)
    n_initiatives = max(1, round(500 * args.scale))
    tmp = tempfile.TemporaryDirectory()
    path = args.db or Path(tmp.name) / "bench.sqlite"
    print(f"dashboard benchmark: {n_initiatives} initiatives x {args.quarters} quarters")
    build(path, n_initiatives, args.quarters)
    portfolio = None
    if args.portfolios:
        share_out(path, args.portfolios)
        portfolio = PORTFOLIO
        print(f"pages as a funder of {PORTFOLIO}, one of {args.portfolios} portfolios")
    os.environ["EVALUATION_DATABASE_URL"] = f"sqlite:///{path}"
    results = time_pages(args.repeats, args.quarters, portfolio)
    goals = f"goals: <{FIRST_GOAL} / <{CACHED_GOAL}"
    print(f"\n{'page':<10} {'first (s)':>10} {'cached (s)':>11}   {goals}")
    for name, (first, cached) in results.items():
        flag = "" if first < FIRST_GOAL and cached < CACHED_GOAL else "   (over goal)"
        print(f"{name:<10} {first:>10.2f} {cached:>11.3f}{flag}")
    if not args.no_breakdown:
        print(
            "\nfirst render, by layer (funder; story page on its latest periods, then one profile):"
        )
        for label, seconds in breakdown(os.environ["EVALUATION_DATABASE_URL"]):
            print(f"  {label:<34} {seconds:>7.2f} s")
    if not args.no_browser:
        import first_visit  # benchmarks/first_visit.py: cold and warm first visit in chromium

        first_visit.run()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
