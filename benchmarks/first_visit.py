"""Time a visitor's first sight of the dashboard in a real browser (issue 19), against a
one-chart Streamlit page timed in the same run.

- **cold**: from the README's run command on a fresh database (``evaluation init
  --with-sample-data``, then ``streamlit run dashboards/app.py``) to the story page's first
  chart drawn in chromium; the reference is ``streamlit run`` of a page with one Plotly
  chart, from its start to its chart drawn. Goal: at most 2x.
- **warm**: the server up and the database prepared, a new browser context opens the root
  and waits for the first chart; the same for the reference, both servers up and their
  visits taken in turns (median of ``--repeats``). Goal: at most 1.3x.
- **profile switch** (with ``--db``): on the profile page, another initiative chosen, until
  its heading and charts are drawn. Goal: at most 1 s.

    .venv/bin/python benchmarks/first_visit.py
    .venv/bin/python benchmarks/first_visit.py --db /tmp/bench500.sqlite   # and the switch

Needs Debian's chromium (``apt-get install chromium``); says so and stops where it is
missing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CHART = '[data-testid="stPlotlyChart"] svg'
COLD_GOAL, WARM_GOAL, SWITCH_GOAL = 2.0, 1.3, 1.0
ONE_CHART = """
import plotly.express as px
import streamlit as st

st.title("One chart")
st.plotly_chart(px.bar(x=["a", "b", "c"], y=[3, 1, 2]))
"""


def chromium() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(script: Path, env: dict[str, str]) -> Iterator[str]:
    """``streamlit run script`` on a free port; its base URL once its health check answers."""
    port = _port()
    cmd = [str(BIN / "streamlit"), "run", str(script), "--server.headless", "true"]
    cmd += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            health = f"{base}/_stcore/health"
            with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2) as r:
                if r.status == 200:
                    break
            time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _first_chart(browser, url: str) -> float:
    """Seconds from a new context opening ``url`` to its first chart drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.locator(CHART).first.wait_for(timeout=300_000)
    seconds = time.perf_counter() - t0
    context.close()
    return seconds


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ, EVALUATION_DATABASE_URL=f"sqlite:///{db}", EVALUATION_DEMO="1")
    env.setdefault("EVALUATION_SAMPLE_DATA", str(ROOT / "sample_data"))
    return env


def cold_and_warm(browser, repeats: int) -> dict[str, float]:
    """The cold and warm first visits of the dashboard and of the one-chart page.

    Cold: each from its start on nothing (the dashboard's includes ``evaluation init
    --with-sample-data``). Warm: both servers up at once and their visits taken in turns,
    so that a busy moment of this shared machine falls on both alike; the median of each."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        reference = Path(tmp) / "one_chart.py"
        reference.write_text(ONE_CHART, encoding="utf-8")
        env = _env(Path(tmp) / "evaluation.sqlite")
        with contextlib.ExitStack() as servers:
            t0 = time.perf_counter()
            ref_base = servers.enter_context(server(reference, env))
            out["reference cold"] = time.perf_counter() - t0 + _first_chart(browser, ref_base)
            t0 = time.perf_counter()
            subprocess.run(
                [str(BIN / "evaluation"), "init", "--with-sample-data"],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            base = servers.enter_context(server(ROOT / "dashboards" / "app.py", env))
            out["dashboard cold"] = time.perf_counter() - t0 + _first_chart(browser, base)
            turns: dict[str, list[float]] = {"reference warm": [], "dashboard warm": []}
            for _ in range(repeats):
                turns["reference warm"].append(_first_chart(browser, ref_base))
                turns["dashboard warm"].append(_first_chart(browser, base))
            out.update({kind: statistics.median(times) for kind, times in turns.items()})
    return out


def profile_switch(browser, db: Path, repeats: int) -> list[float]:
    """Seconds per switch of the profile page to another initiative (a funder of all)."""
    from evaluation.access import Principal
    from evaluation.store import Store

    with Store.open(f"sqlite:///{db}") as store:
        names = store.initiatives(Principal("admin", name="bench"))["name"].tolist()
    out = []
    with server(ROOT / "dashboards" / "app.py", _env(db)) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{base}/profile")
        page.locator(CHART).first.wait_for(timeout=600_000)
        for name in sorted(names)[1 : repeats + 1]:
            box = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first
            box.click()
            t0 = time.perf_counter()
            page.get_by_role("option", name=name, exact=True).click()
            page.get_by_role("heading", name=name).first.wait_for(timeout=600_000)
            page.locator(CHART).first.wait_for(timeout=600_000)
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                timeout=600_000,
            )
            out.append(time.perf_counter() - t0)
    return out


def run(db: Path | None = None, repeats: int = 3, visits: bool = True) -> None:
    """Print the first-visit figures (and the profile switch with ``db``)."""
    path = chromium()
    if path is None:
        print("first visit: skipped, no chromium here (apt-get install chromium)")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            if visits:
                got = cold_and_warm(browser, repeats)
                print("\nfirst visit in chromium (s), against a one-chart Streamlit page:")
                for kind, goal in (("cold", COLD_GOAL), ("warm", WARM_GOAL)):
                    ours, ref = got[f"dashboard {kind}"], got[f"reference {kind}"]
                    ratio = ours / ref
                    flag = "" if ratio <= goal else "   (over goal)"
                    print(
                        f"  {kind:<5} dashboard {ours:6.2f}  one chart {ref:6.2f}  "
                        f"ratio {ratio:4.2f}x (goal <= {goal}x){flag}"
                    )
            if db is not None:
                switches = profile_switch(browser, db, repeats)
                median = statistics.median(switches)
                flag = "" if median <= SWITCH_GOAL else "   (over goal)"
                print(
                    f"  profile switch: median {median:.2f} s of {len(switches)} "
                    f"(goal <= {SWITCH_GOAL} s){flag}"
                )
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a benchmark store for the profile switch")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--no-visits", action="store_true", help="only the profile switch (with --db)"
    )
    args = parser.parse_args(argv)
    run(args.db, args.repeats, visits=not args.no_visits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
