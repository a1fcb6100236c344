"""Issue 19 in a real browser (Debian's chromium through Playwright, `streamlit run`): the
Voices cards and their search, and the upload box without Streamlit's English (its size line,
its button, the accessible names of its input and file chip).
Screenshots go to test-artifacts/ui/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import CHROMIUM_ARGS, streamlit_server
from helpers.dashboard import UPLOAD_FILE, UPLOAD_INITIATIVE, UPLOAD_PERIOD, build_database
from helpers.overlap import label_boxes, outside, overlapping_pairs, point_labels

from dashboards import streamlit_words
from evaluation.i18n import t

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "ui"
WAIT_MS = 60_000
# profiles whose labels are checked: the first (eight quarters) and one in every phase
PROFILE_INITIATIVES = ("gastvrij-dak", "brug-en-bedrijf")

pytestmark = [pytest.mark.e2e, pytest.mark.system]


def _shot(page, name: str) -> None:
    page.wait_for_timeout(1500)  # let plotly finish drawing
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# the accessible names, titles and tooltips (Streamlit's and Plotly's) in one of the wordings
_LEFT_JS = """([exact, patterns]) => {
    const res = patterns.map((p) => new RegExp(p, "s"));
    const values = [];
    for (const el of document.querySelectorAll("[aria-label], [title], [data-title]"))
        for (const name of ["aria-label", "title", "data-title"])
            if (el.getAttribute(name)) values.push(el.getAttribute(name));
    for (const el of document.querySelectorAll('[data-testid="stTooltipContent"] p'))
        values.push(el.textContent);
    return values.filter((v) => exact.includes(v) || res.some((re) => re.test(v)));
}"""


def _words_left(page, lang: str) -> list[str]:
    """The accessible names, titles and tooltips on the page still in ``lang``'s wording of
    Streamlit's chrome (ui.streamlit_words; in English, Streamlit's or Plotly's own), waited
    for: the script replaces them as they are drawn."""
    words = streamlit_words.wordings(lang)
    exact = [e for e in words if "{label}" not in e]
    patterns = [
        "^" + re.escape(e).replace(re.escape("{label}"), ".+") + "$"
        for e in words
        if "{label}" in e
    ]
    left: list[str] = []
    for _ in range(20):  # up to 10 s on a loaded machine; what stays is returned
        page.wait_for_timeout(500)
        left = page.evaluate(_LEFT_JS, [exact, patterns])
        if not left:
            break
    return left


def test_voices_cards_and_upload_box_in_dutch(chromium, app_url):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {ARTIFACTS}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{app_url}/voices")
            page.get_by_role("heading", name=t("ui.voices.title", "nl"), level=1).wait_for(
                timeout=WAIT_MS
            )
            cards = page.get_by_text("Stem: ", exact=False)
            expect(cards.first).to_be_visible()
            _shot(page, "voices-nl")
            assert _words_left(page, "en") == []
            ours = t("ui.widgets.choose_options", "nl")
            expect(page.get_by_text("Choose options")).to_have_count(0)
            expect(page.get_by_placeholder("Choose options")).to_have_count(0)
            expect(page.get_by_placeholder(ours).or_(page.get_by_text(ours)).first).to_be_attached()
            before = cards.count()
            assert before >= 10
            search = page.get_by_label(t("ui.voices_cards.search", "nl"))
            search.fill("taal")
            search.press("Enter")
            expect(page.get_by_text('verhalen bevatten "taal"', exact=False)).to_be_visible()
            assert 0 < page.get_by_text("Stem: ", exact=False).count() < before
            _shot(page, "voices-search-nl")

            page.goto(f"{app_url}/submit")
            # the page first: a role chosen before its first run is done reran the default page
            page.get_by_role("heading", name=t("ui.submit.title", "nl"), level=1).wait_for()
            page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
            name = t("ui.app.role_initiative", "nl", name="Gastvrij Dak")
            page.get_by_role("option", name=name).click()
            expect(page.get_by_text(t("ui.upload.limit_line", "nl", mb="20"))).to_be_visible()
            # the box is there, and Streamlit's English size line in it is not shown (it stays
            # in the page, hidden: counting it passed only while the box had not come yet)
            expect(page.locator('input[type="file"]')).to_be_attached()
            expect(page.get_by_text("per file", exact=False)).to_be_hidden()
            # Streamlit's English in the box is replaced: the button, the input's and the file
            # chip's accessible names, the size
            box = page.get_by_test_id("stFileUploader")
            button = t("ui.upload.widget_button", "nl")
            expect(box.get_by_role("button", name=button)).to_be_visible()
            expect(box.get_by_role("button", name="Upload", exact=True)).to_have_count(0)
            expect(box).not_to_contain_text("Upload")  # (the icon's own name is "upload")
            label = t("ui.upload.widget_input", "nl")
            expect(page.locator('input[type="file"]')).to_have_attribute("aria-label", label)
            _shot(page, "submit-nl")
            # a tooltip of Streamlit's table toolbar, drawn when hovered: on the history of
            # submissions, the page's one table before a file is chosen (its preview's tables
            # come in tabs, all but one hidden)
            history = page.get_by_test_id("stDataFrame")
            expect(history).to_have_count(1)
            history.hover()
            csv = t("ui.streamlit_words.download_csv", "nl")
            history.get_by_role("button", name=csv).hover()
            expect(page.get_by_test_id("stTooltipContent")).to_have_text(csv)
            page.locator('input[type="file"]').set_input_files(str(UPLOAD_FILE))
            remove = t("ui.streamlit_words.remove", "nl", label=UPLOAD_FILE.name)
            expect(box.get_by_role("button", name=remove, exact=True)).to_be_attached()
            another = t("ui.upload.widget_another", "nl")
            expect(box.get_by_role("button", name=another)).to_be_attached()
            size = box.get_by_test_id("stFileChipName").locator("xpath=following-sibling::*[1]")
            expect(size).to_have_text(re.compile(r"^\d+(,\d+)? (B|kB|MB)$"))
            expect(box.get_by_text(re.compile(r"\d(\.\d+)?KB$"))).to_have_count(0)
            _shot(page, "submit-chosen-nl")
            assert _words_left(page, "en") == []

            # Plotly's modebar, a range slider and help icons on a profile
            page.goto(f"{app_url}/profile?initiative={PROFILE_INITIATIVES[0]}")
            page.get_by_role("heading", name=t("ui.profile.title", "nl"), level=1).wait_for()
            png = t("ui.streamlit_words.plot_png", "nl")
            expect(page.locator(f'.modebar-btn[data-title="{png}"]').first).to_be_attached()
            assert _words_left(page, "en") == []
        finally:
            browser.close()


def test_deep_link_signed_out_then_signed_in_lands_on_the_page(chromium, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from evaluation import accounts
    from evaluation.access import Principal
    from evaluation.store import Store

    db = tmp_path / "evaluation.sqlite"
    build_database(db, skip=(UPLOAD_INITIATIVE, UPLOAD_PERIOD))
    with Store.open(f"sqlite:///{db}") as store:
        setup = Principal("admin", name="test-setup")
        accounts.add_user(store, setup, "fund@example.org", "funder", None, "a long password 123")
    env = dict(os.environ, EVALUATION_DATABASE_URL=f"sqlite:///{db}")
    env.pop("EVALUATION_DEMO", None)
    expect.set_options(timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (
        streamlit_server(ROOT, env, tmp_path / "streamlit.log") as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{base}/voices")
            page.get_by_role("heading", name=t("accounts.ui.signin_title", "nl"), level=1).wait_for(
                timeout=WAIT_MS
            )
            _no_streamlit_box(page)
            _shot(page, "deep-link-signin-nl")
            page.get_by_label(t("accounts.ui.email", "nl")).fill("fund@example.org")
            page.get_by_label(t("accounts.ui.password", "nl")).fill("a long password 123")
            page.get_by_role("button", name=t("accounts.ui.submit", "nl")).click()
            page.get_by_role("heading", name=t("ui.voices.title", "nl"), level=1).wait_for(
                timeout=WAIT_MS
            )
            assert page.url.rstrip("/").endswith("/voices")
            _shot(page, "deep-link-landed-nl")

            # the story's own address: the default page is served at the root, so /story
            # got the English box (over the sign-in, and again after signing in)
            page.get_by_role("button", name=t("accounts.ui.sign_out", "nl")).click()
            page.get_by_role(
                "heading", name=t("accounts.ui.signin_title", "nl"), level=1
            ).wait_for()
            page.goto(f"{base}/story")
            page.get_by_role(
                "heading", name=t("accounts.ui.signin_title", "nl"), level=1
            ).wait_for()
            _no_streamlit_box(page)
            _shot(page, "deep-link-story-signin-nl")
            page.get_by_label(t("accounts.ui.email", "nl")).fill("fund@example.org")
            page.get_by_label(t("accounts.ui.password", "nl")).fill("a long password 123")
            page.get_by_role("button", name=t("accounts.ui.submit", "nl")).click()
            page.get_by_role("heading", name=t("ui.story.title", "nl"), level=1).wait_for()
            _no_streamlit_box(page)
            _shot(page, "deep-link-story-landed-nl")
        finally:
            browser.close()


def test_the_reporting_calendar_and_the_arrangements_in_the_browser(chromium, app_url):
    """Issues 15 and 17: a funder (the demo's role) reads the calendar in words and agrees a
    lighter rhythm on its page; both seen as pictures."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.set_default_timeout(WAIT_MS)  # a fresh server on a busy machine starts slowly
            page.goto(f"{app_url}/cycle")
            page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
            page.get_by_role("option", name=t("ui.app.role_funder", "nl"), exact=True).click()
            page.get_by_role("heading", name=t("cycle.title", "nl"), level=1).wait_for()
            line = t("cycle.reported_line", "nl", n=0, of=0, period="X").split("X")[0]
            expect(page.get_by_text(line.strip(), exact=False).first).to_be_visible()
            _shot(page, "cycle-nl")

            page.goto(f"{app_url}/reflect")
            heading = page.get_by_role("heading", name=t("arrangements.ui.heading", "nl"))
            heading.scroll_into_view_if_needed()
            expect(heading).to_be_visible()
            page.get_by_text(t("arrangements.rhythm.year", "nl"), exact=True).click()
            page.get_by_text(t("arrangements.ui.light_label", "nl")).click()
            page.get_by_role("button", name=t("arrangements.ui.save", "nl")).click()
            expect(page.get_by_text(t("arrangements.light", "nl")).first).to_be_visible()
            expect(page.get_by_text("Afspraak vastgelegd", exact=False)).to_be_visible()
            _shot(page, "arrangements-nl")
        finally:
            browser.close()


def _no_streamlit_box(page) -> None:
    from playwright.sync_api import expect

    page.wait_for_timeout(1000)  # a "Page not found" box would have come by now
    expect(page.get_by_text("Page not found", exact=False)).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_role_chooser_and_addresses_follow_the_language(chromium, app_url):
    """The demo's role chooser shows its roles in the language switched to (it kept showing
    the Dutch "Financier" in English), and every page's address answers in the user's
    language: /story (the default page, served at the root) and /admin (a page a funder does
    not have) got Streamlit's English "Page not found" box."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {ARTIFACTS}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{app_url}/story")
            page.get_by_role("heading", name=t("ui.story.title", "nl"), level=1).wait_for()
            _no_streamlit_box(page)
            sidebar = page.get_by_test_id("stSidebar")
            chooser = sidebar.get_by_test_id("stSelectbox").get_by_role("combobox")
            expect(chooser).to_have_value(t("ui.app.role_funder", "nl"))
            sidebar.get_by_text(t("ui.app.lang_en", "nl"), exact=True).click()
            page.get_by_role("heading", name=t("ui.story.title", "en"), level=1).wait_for()
            expect(chooser).to_have_value(t("ui.app.role_funder", "en"))
            chooser.click()
            expect(
                page.get_by_role("option", name=t("ui.app.role_evaluator", "en"))
            ).to_be_visible()
            expect(page.get_by_role("option", name=t("ui.app.role_funder", "nl"))).to_have_count(0)
            page.keyboard.press("Escape")
            _shot(page, "role-chooser-en")

            page.goto(f"{app_url}/admin")
            title = t("ui.app.page_unavailable_title", "nl")
            page.get_by_role("heading", name=title, level=1).wait_for()
            _no_streamlit_box(page)
            _shot(page, "address-not-for-role-nl")
        finally:
            browser.close()


def _open_page(page, url: str, title_key: str, lang: str) -> None:
    """``url`` opened in ``lang`` (Dutch is the default; English switched to in the sidebar)."""
    page.goto(url)
    if lang == "en":
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text(t("ui.app.lang_en", "nl"), exact=True).click()
    page.get_by_role("heading", name=t(title_key, lang), level=1).wait_for()
    # Streamlit's chrome in the page's language, also what was drawn before the switch
    assert _words_left(page, "nl" if lang == "en" else "en") == []


def _overlaps(page, name: str, lang: str) -> dict[str, list[str]]:
    """Every chart on the page: the pairs of its text labels whose boxes overlap."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    # the charts shown (one in a closed expander or another tab has no layout to check)
    charts = page.locator(".js-plotly-plot:visible")
    expect(charts.first).to_be_visible()
    page.wait_for_timeout(2000)  # let plotly finish drawing (and its automargins)
    found: dict[str, list[str]] = {}
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        boxes = label_boxes(chart)
        titles = chart.locator(".gtitle")
        title = titles.first.text_content() if titles.count() else "(no title)"
        pairs = overlapping_pairs(boxes)
        print(f"  {name} chart {i} ({title[:40]}): {len(boxes)} labels, {len(pairs)} overlapping")
        for a, b in pairs:
            print(f"      {a.text!r} x {b.text!r}")
        chart.screenshot(path=str(ARTIFACTS / f"{name.replace(' ', '-')}-chart-{i}-{lang}.png"))
        if pairs:
            found[f"{name} {i}: {title}"] = [f"{a.text!r} x {b.text!r}" for a, b in pairs]
    return found


def _each_page_at_1280(chromium, app_url, lang, check) -> dict[str, list[str]]:
    """The profiles of ``PROFILE_INITIATIVES``, then the story, each opened in ``lang`` in
    chromium at 1280 pixels wide: what ``check(page, name)`` found on them."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {ARTIFACTS}")
    found: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1200})
            page.set_default_timeout(WAIT_MS)
            for initiative in PROFILE_INITIATIVES:
                url = f"{app_url}/profile?initiative={initiative}"
                _open_page(page, url, "ui.profile.title", lang)
                found |= check(page, f"profile {initiative}")
            _open_page(page, app_url, "ui.story.title", lang)
            found |= check(page, "story")
        finally:
            browser.close()
    return found


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_two_labels_of_a_chart_overlap_on_the_profile_and_story_at_1280(chromium, app_url, lang):
    """Issue 19: the profile's small multiples (Dutch period labels under every chart, panel
    titles), its network and partner charts, the self-view chart, and the story page's
    charts with its network: no two text labels of one chart overlap, as the browser lays
    them out at 1280 pixels wide, in Dutch (the longer texts) and in English."""
    found = _each_page_at_1280(
        chromium, app_url, lang, lambda page, name: _overlaps(page, name, lang)
    )
    assert not found, found


# the network charts: the profile's (in a column of three fifths), the story's and its change
NETWORK_TITLES = (
    "ui.profile.network_title",
    "ui.figures.network_title",
    "ui.story.change_figure_title",
)


def _names_outside(page, name: str, lang: str) -> tuple[int, dict[str, list[str]]]:
    """Every network chart on the page: the names beside its markers that run out of its plot
    area (where plotly cuts them off); and how many network charts there were."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    charts = page.locator(".js-plotly-plot:visible")
    expect(charts.first).to_be_visible()
    page.wait_for_timeout(2000)  # let plotly finish drawing (and its automargins)
    titles = {t(key, lang) for key in NETWORK_TITLES}
    seen, found = 0, {}
    for i in range(charts.count()):
        chart = charts.nth(i)
        heading = chart.locator(".gtitle")
        title = heading.first.text_content() if heading.count() else ""
        if title not in titles:
            continue
        seen += 1
        chart.scroll_into_view_if_needed()
        area, names = point_labels(chart)
        assert area is not None, f"{name}: {title} has no plot area"
        assert names, f"{name}: {title} names no initiative"
        out = outside(names, area)
        print(f"  {name} ({title}): {len(names)} names, {len(out)} outside the plot area")
        for b in out:
            print(
                f"      {b.text!r} at x {b.x0:.0f}..{b.x1:.0f}, y {b.y0:.0f}..{b.y1:.0f};"
                f" area x {area.x0:.0f}..{area.x1:.0f}, y {area.y0:.0f}..{area.y1:.0f}"
            )
        chart.screenshot(path=str(ARTIFACTS / f"network-{name.replace(' ', '-')}-{i}-{lang}.png"))
        if out:
            found[f"{name}: {title}"] = [b.text for b in out]
    return seen, found


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_network_name_lies_inside_its_plot_area_on_the_profile_and_story_at_1280(
    chromium, app_url, lang
):
    """Issue 19: at 1280 pixels wide the profile's network cut off the name of its leftmost
    initiative ("Buurtkamer De Lindeboom") at the chart's edge: the axes' ranges were padded
    around the markers only. Every name beside a marker of every network chart, the
    profile's, the story's and its change between two periods, lies wholly inside its plot
    area as the browser lays it out, in Dutch and in English."""

    def check(page, name: str) -> dict[str, list[str]]:
        seen, out = _names_outside(page, name, lang)
        # one network on a profile; on the story the network and its change
        expected = 2 if name == "story" else 1
        assert seen == expected, f"{name}: {seen} network charts"
        return out

    found = _each_page_at_1280(chromium, app_url, lang, check)
    assert not found, found


def test_first_visit_on_a_fresh_database_shows_how_many_reports_are_loaded(chromium, tmp_path):
    """Issue 19: on a fresh database the first visit waited on a blank page while the sample
    was imported; now it says how many reports of how many are in, then opens the story."""
    import re

    from playwright.sync_api import expect, sync_playwright

    env = dict(os.environ, EVALUATION_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    env.pop("EVALUATION_DEMO", None)
    expect.set_options(timeout=WAIT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    line = t("ui.app.first_start_progress", "nl", n="N", of="M")
    pattern = re.escape(line).replace("N", r"\d+").replace("M", r"\d+")
    with (
        streamlit_server(ROOT, env, tmp_path / "streamlit.log") as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(WAIT_MS)
            page.goto(base)
            progress = page.get_by_text(re.compile(pattern))
            expect(progress).to_be_visible()
            page.wait_for_timeout(1500)  # a few reports further
            _shot(page, "first-start-progress-nl")
            page.get_by_role("heading", name=t("ui.story.title", "nl"), level=1).wait_for(
                timeout=3 * WAIT_MS
            )
            expect(progress).to_have_count(0)
        finally:
            browser.close()
