"""The story page in a real browser (Debian's chromium driven by Playwright against
`streamlit run dashboards/app.py`), in Dutch and English: a phase text, a takeaway sentence,
the reported-count line and quotes are on the screen; a click on an initiative in the
network over time opens its profile. Screenshots of the story page in both languages go to
test-artifacts/story/ (the folder is printed).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, streamlit_server
from helpers.dashboard import UPLOAD_INITIATIVE, UPLOAD_PERIOD, build_database

from evaluation import story
from evaluation.access import Principal
from evaluation.disclosure import disclose, select
from evaluation.i18n import t
from evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "story"
WAIT_MS = 90_000

pytestmark = [pytest.mark.e2e, pytest.mark.system]


@pytest.fixture
def served(tmp_path):
    db = tmp_path / "evaluation.sqlite"
    build_database(db, skip=(UPLOAD_INITIATIVE, UPLOAD_PERIOD))
    env = dict(os.environ, EVALUATION_DATABASE_URL=f"sqlite:///{db}")
    with streamlit_server(ROOT, env, tmp_path / "streamlit.log") as base:
        yield base, db


def _expected(db: Path, lang: str) -> tuple[list[story.PhaseStory], str, str]:
    with Store.open(f"sqlite:///{db}") as store:
        funder = disclose(store.current_dataset(Principal("funder")), Principal("funder"))
    window = select(funder, None, "2025-Q4", "2025-Q4")
    return (
        story.phase_stories(window, lang, earlier=funder),
        story.flows_takeaway(window, lang),
        story.reported_line(window, lang),
    )


def _idle(page) -> None:
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=WAIT_MS)


def test_story_page_in_both_languages_and_a_click_to_a_profile(chromium, served):
    from playwright.sync_api import expect, sync_playwright

    base, db = served
    expect.set_options(timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {ARTIFACTS}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1400})
            page.goto(base)
            for lang in ("nl", "en"):
                if lang == "en":
                    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
                page.get_by_role("heading", name=t("ui.story.title", lang), level=1).wait_for(
                    timeout=WAIT_MS
                )
                phases, flows, reported = _expected(db, lang)
                # a phase text, word for word as the library composed it
                expect(page.get_by_text(phases[0].text, exact=True)).to_be_visible()
                # a takeaway sentence and the reported-count line
                expect(page.get_by_text(flows, exact=True)).to_be_visible()
                expect(page.get_by_text(reported, exact=True).first).to_be_visible()
                # at least two quotes, as block quotes
                quotes = page.locator("blockquote")
                expect(quotes.nth(1)).to_be_visible()
                expect(page.locator("blockquote", has_text=phases[1].quotes[0].text).first)
                expect(page.locator(".js-plotly-plot").nth(5)).to_be_visible()
                _idle(page)
                # the app scrolls inside its own frame: a tall window shows the whole page
                page.set_viewport_size({"width": 1500, "height": 7600})
                page.wait_for_timeout(2500)  # let plotly finish drawing
                shot = ARTIFACTS / f"story-{lang}.png"
                page.screenshot(path=str(shot), full_page=True)
                page.set_viewport_size({"width": 1500, "height": 1400})
                assert shot.stat().st_size > 50_000
            # the network over time: a click on an initiative opens its profile
            title = t("ui.story.change_figure_title", "en")
            chart = page.locator(".js-plotly-plot", has_text=title)
            chart.scroll_into_view_if_needed()
            target = "Groeiplek"
            expect(chart.locator("g.textpoint text", has_text=target).first).to_be_attached()
            # where the initiative's marker is on the screen, from the figure's own axes
            x, y = chart.evaluate(
                """(gd) => {
                    const k = gd._fullData.findIndex(
                        (tr) => tr.customdata && Array.from(tr.customdata).includes("groeiplek"));
                    const tr = gd._fullData[k];
                    const i = Array.from(tr.customdata).indexOf("groeiplek");
                    const L = gd._fullLayout, box = gd.getBoundingClientRect();
                    return [box.left + L._size.l + L.xaxis.l2p(tr.x[i]),
                            box.top + L._size.t + L.yaxis.l2p(tr.y[i])];
                }"""
            )
            page.mouse.move(x, y)
            page.wait_for_timeout(500)
            page.mouse.click(x, y)
            page.get_by_role("heading", name=t("ui.profile.title", "en"), level=1).wait_for(
                timeout=WAIT_MS
            )
            expect(page.get_by_role("heading", name=target, level=2)).to_be_visible()
            assert "initiative=groeiplek" in page.url
            page.screenshot(path=str(ARTIFACTS / "profile-from-network-en.png"))
        finally:
            browser.close()
