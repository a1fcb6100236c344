"""Uploaded text is shown as text, everywhere in the dashboard (issue 21, point 2).

An initiative's upload reaches every funder's browser. Before this, ``![](http://host/x)`` in
a story, mission, note or reflection made each of those browsers fetch the image (a tracking
pixel, with the dashboard's address as Referer); bare addresses became links; ``:red[...]``,
``$...$`` and ``:material/...:`` rendered. Three layers of tests:

- the escape helper ``texts.plain`` over a corpus of payloads: every Markdown-active
  character escaped, and the text Streamlit's Markdown holds after its escapes are undone
  has no short code or bare address left for its text-level plugins to turn into a link,
  emoji or icon, and reads exactly as written;
- the app through AppTest on a real SQLite store holding a poisoned report: no page hands
  Streamlit a payload as live Markdown;
- the app in Debian's chromium, with a local HTTP listener as the payloads' host: no request
  reaches it, and no uploaded text becomes an ``<a>``, image, formula, icon or colour.
"""

from __future__ import annotations

import http.server
import os
import re
import string
import threading
from pathlib import Path

import pytest
import streamlit as st
from conftest import CHROMIUM_ARGS, streamlit_server
from streamlit.testing.v1 import AppTest

from dashboards import figures, texts
from evaluation.access import Principal
from evaluation.i18n import t
from evaluation.sample import sample_reports
from evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboards" / "app.py"
POISONED = "gastvrij-dak"
HOST = "http://127.0.0.1:{port}"

# Each payload names its own path on the listener, so a request says which one got through.
PAYLOADS = [
    "![](HOST/md-image.png)",
    '![pixel](HOST/md-image-titled.png "t")',
    "[klik hier](HOST/md-link)",
    "<HOST/angle-link>",
    "kijk op HOST/bare-url vandaag",
    "see www.example.org today",
    "mail someone@example.org",
    '<img src="HOST/html-image.png">',
    '<a href="HOST/html-link">x</a>',
    "[x][r]\n\n[r]: HOST/ref-link",
    "![x][i]\n\n[i]: HOST/ref-image.png",
    "![](data:image/png;base64,iVBORw0KGgo=)",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    ":red[rood] en :blue-background[blauw]",
    ":material/home: en :smile: en :+1:",
    "$x^2$ en $$\\int_0^1 x$$",
    "# kop\n## kop2",
    "**vet** _schuin_ ~~door~~ `code`",
    "> quote\n- lijst\n1. een",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "    ingesprongen code",
    "&lt;b&gt; &amp; &#x41;",
    "\\![](HOST/escaped-image.png)",
    "regel een\nregel twee",
]


def corpus(port: int = 9) -> list[str]:
    return [p.replace("HOST", HOST.format(port=port)) for p in PAYLOADS]


# --- the helper --------------------------------------------------------------------------

# What Streamlit's Markdown plugins look for in a text node, after escapes are undone:
# remark-emoji's short codes (icons use the same syntax) and GFM's bare-address links.
SHORT_CODE = re.compile(r":\+1:|:-1:|:[\w-]+:")
BARE_LINK = re.compile(r"(https?:/{2}|www(?=\.))|[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.IGNORECASE)
PUNCT = set(string.punctuation)


def _text_node(md: str) -> str:
    """The text CommonMark makes of ``md`` when every punctuation character is escaped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md).replace("  \n", "\n")


@pytest.mark.parametrize("payload", corpus())
def test_every_markdown_active_character_is_escaped(payload):
    md = texts.plain(payload)
    i = 0
    while i < len(md):  # walk the output: a punctuation character only ever as "\X"
        if md[i] == "\\":
            assert i + 1 < len(md) and md[i + 1] in PUNCT, (payload, md)
            i += 2
            continue
        assert md[i] not in PUNCT, (payload, md, i)
        i += 1


@pytest.mark.parametrize("payload", corpus())
def test_no_short_code_or_bare_address_survives_and_the_text_reads_as_written(payload):
    node = _text_node(texts.plain(payload))
    assert not SHORT_CODE.search(node), node
    assert not BARE_LINK.search(node), node
    # the reader sees exactly what was written (the joiner is invisible; leading spaces of
    # a line go, as four of them would make a code block)
    written = "\n".join(line.strip() for line in payload.splitlines())
    assert node.replace("\u2060", "") == written


def test_plain_keeps_ordinary_text_and_line_breaks():
    assert texts.plain("Samen koken, elke zondag") == "Samen koken, elke zondag".replace(",", "\\,")
    assert texts.plain("een\ntwee") == "een  \ntwee"
    assert texts.plain(None) == "" and texts.plain(float("nan")) == ""


def test_the_texts_of_a_page_escape_what_users_wrote():
    """Each of texts' builders passes every uploaded text through ``plain``."""
    payload = "![](http://127.0.0.1:9/x.png)"
    safe = texts.plain(payload)
    import pandas as pd

    assert texts.quote(payload) == "> " + safe
    facts = texts.profile_facts({"city": payload}, "en")
    assert safe in facts and payload not in facts
    own = pd.DataFrame(
        [{"label": payload, "definition": payload, "dimension": "process", "unit": "count"}]
    )
    assert payload not in texts.own_indicators_markdown(own, "en")
    story = pd.Series(
        {
            "date": None,
            "voice": "newcomer",
            "phase": "landing",
            "themes": "",
            "text": payload,
            "why_it_matters": payload,
        }
    )
    md = texts.story_markdown(story, payload, "en")
    assert payload not in md and md.count(safe) == 3


def test_the_problem_table_escapes_what_a_message_quotes():
    """st.table renders Markdown in its cells; a message quotes the cell as typed."""
    from dashboards import uploads
    from evaluation.problems import Problem

    payload = "![](http://127.0.0.1:9/x.png)"
    table = uploads.problem_table(
        [Problem("not_a_number", sheet="Activiteiten", cell="Activiteiten!C3", value=payload)],
        "en",
    )
    message = table.iloc[0]["What is wrong"]
    assert texts.plain(payload) in message and payload not in message
    assert table.iloc[0]["Cell"] == "Activiteiten!C3"


def test_figure_labels_hold_no_plotly_markup():
    """Plotly reads <a href>, <b>, <br> and entities in labels: a partner's name stays text."""
    import pandas as pd

    name = '<a href="http://127.0.0.1:9/x">Buurt & co</a>'
    nodes = pd.DataFrame(
        [
            {"node": "a", "label": name, "kind": "initiative", "x": 0.0, "y": 0.0, "degree": 1},
            {"node": "b", "label": name, "kind": "other", "x": 1.0, "y": 1.0, "degree": 1},
        ]
    )
    edges = pd.DataFrame([{"source": "a", "target": "b", "relation": "referral_out", "count": 3}])
    fig = figures.network(nodes, edges, "en")
    shown = [str(s) for tr in fig.data for s in list(tr.text or []) + list(tr.hovertext or [])]
    assert shown and all("<a" not in s and "&lt;a href" in s for s in shown if "Buurt" in s)


# --- a store with a poisoned report --------------------------------------------------------


def poisoned_database(path: Path, port: int) -> str:
    """Every sample report, with the poisoned initiative's last one carrying a payload in each
    text users write: mission, intentions, city, a story's title, text and why it matters,
    an indicator's note, a reflection, an own indicator's label and definition, a partner's
    name and description."""
    payloads = corpus(port)
    url = f"sqlite:///{path}"
    store = Store.open(url)
    admin = Principal("admin", name="test-setup")
    reports = sample_reports()
    last = max(i for i, r in enumerate(reports) if r.initiative_id == POISONED)
    for i, report in enumerate(reports):
        if i == last:
            _poison(report, payloads)
        name = f"{report.initiative_id}_{report.period}.xlsx"
        store.store_report(name.encode(), name, admin, report, [])
    store.close()
    return url


def _poison(report, payloads: list[str]) -> None:
    joined = "\n".join(payloads)
    report.profile.loc[:, "mission"] = joined
    report.profile.loc[:, "intentions"] = payloads[0] + " " + payloads[4]
    report.profile.loc[:, "city"] = payloads[2]
    # one story per payload, all shared with funders
    template = report.stories.iloc[0]
    rows = []
    for p in payloads:
        row = template.copy()
        row["title"], row["text"], row["why_it_matters"] = p, p, p
        row["visibility"], row["consent_recorded"] = "public", "yes"
        rows.append(row)
    report.stories = type(report.stories)(rows).reset_index(drop=True)
    report.indicators.loc[:, "note"] = joined
    report.reflection.loc[:, "answer"] = joined
    report.own_indicators.loc[:, "label"] = payloads[1]
    report.own_indicators.loc[:, "definition"] = joined
    partner = report.network.iloc[-1].copy()
    partner["partner"], partner["partner_type"] = payloads[8], "other"
    partner["description"] = joined
    report.network.loc[len(report.network)] = partner


# --- AppTest -------------------------------------------------------------------------------


@pytest.fixture
def poisoned_app(tmp_path, monkeypatch):
    db = tmp_path / "evaluation.sqlite"
    poisoned_database(db, 9)
    monkeypatch.setenv("EVALUATION_DATABASE_URL", f"sqlite:///{db}")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield lambda: AppTest.from_file(str(APP), default_timeout=90)
    st.cache_data.clear()
    st.cache_resource.clear()


def _rendered_markdown(at: AppTest) -> list[str]:
    """Every text the run hands Streamlit's Markdown: bodies, headers, captions, messages,
    expander and button labels."""
    out = []
    for kind in ("markdown", "header", "subheader", "caption", "success", "info", "warning"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [str(e.label) for e in at.expander]
    out += [str(e.proto.label) for e in at.get("download_button")]
    return out


def test_no_page_hands_an_uploaded_payload_to_markdown(poisoned_app):
    at = poisoned_app()
    at.session_state["lang"] = "en"
    at.session_state["demo_role"] = "funder"
    at.run()
    shown = []
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception
    at.selectbox(key="profile_initiative").set_value(POISONED).run()
    assert not at.exception
    shown += _rendered_markdown(at)
    at.switch_page("app_pages/voices.py").run()
    assert not at.exception
    shown += _rendered_markdown(at)
    joined = "\n".join(shown)
    # no payload is there as it was written, where Streamlit would render it (a line that
    # starts with punctuation is there escaped, right after a backslash)
    for payload in corpus(9):
        for line in (x.strip() for x in payload.splitlines()):
            if any(c in PUNCT for c in line):
                at_ = [m.start() for m in re.finditer(re.escape(line), joined)]
                assert all(i > 0 and joined[i - 1] == "\\" for i in at_), line
    # the payloads did reach the pages (escaped)
    assert texts.plain(corpus(9)[0]) in joined
    assert texts.plain(corpus(9)[13]) in joined


# --- the browser ---------------------------------------------------------------------------


class _Listener(http.server.ThreadingHTTPServer):
    """The payloads' host: records every request a browser makes to it."""

    def __init__(self):
        self.requests: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server name
                listener.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.mark.e2e
@pytest.mark.system
def test_browser_fetches_nothing_and_links_nothing_from_uploads(chromium, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    listener = _Listener()
    port = listener.server_address[1]
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    db = tmp_path / "evaluation.sqlite"
    poisoned_database(db, port)
    env = dict(os.environ, EVALUATION_DATABASE_URL=f"sqlite:///{db}")
    wait = 90_000
    expect.set_options(timeout=wait)
    try:
        with (
            streamlit_server(ROOT, env, tmp_path / "streamlit.log") as base,
            sync_playwright() as p,
        ):
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 2400})
                checks = []
                page.goto(f"{base}/profile?initiative={POISONED}")
                _title(page, t("ui.profile.title", "nl"), wait)
                page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.click()
                page.get_by_role("option", name="Gastvrij Dak").click()
                # the poisoned quarter's words are on the page (as text or, unescaped, not)
                expect(page.get_by_text("ingesprongen code").first).to_be_visible()
                page.wait_for_timeout(2000)  # let plotly draw the network's labels
                checks.append(_live_markup(page, port))
                as_text = page.get_by_text("/md-link)", exact=False).count()
                page.goto(f"{base}/voices")
                _title(page, t("ui.voices.title", "nl"), wait)
                for exp in page.get_by_test_id("stExpander").all()[:30]:
                    exp.click()  # open the stories, so their bodies are drawn
                expect(page.get_by_text("ingesprongen code").first).to_be_visible()
                page.wait_for_timeout(2000)
                checks.append(_live_markup(page, port))
            finally:
                browser.close()
    finally:
        listener.shutdown()
    assert listener.requests == [], listener.requests
    # the words are shown as written (an address stays text, not a link)
    assert as_text, "the link's Markdown is on the profile as written"
    for found in checks:
        assert found == {"links": [], "images": [], "katex": 0, "emoji": 0, "colour": 0}, found


def _title(page, text: str, wait: int) -> None:
    page.get_by_role("heading", name=text, level=1).wait_for(timeout=wait)


def _live_markup(page, port: int) -> dict:
    """What of the uploaded text the page drew as something other than text."""
    return page.evaluate(
        """port => {
          const main = document.querySelector('[data-testid=stMain]');
          const md = [...main.querySelectorAll('[data-testid=stMarkdownContainer]')];
          const inMd = sel => md.flatMap(m => [...m.querySelectorAll(sel)]);
          return {
            // a header's own anchor ("#...") is Streamlit's; any other link came from text
            links: [...main.querySelectorAll('a')].map(a => a.getAttribute('href') || '')
                     .filter(h => !h.startsWith('#') && !h.startsWith('/')),
            images: [...document.querySelectorAll('img, image')]
                     .map(i => i.getAttribute('src') || i.getAttribute('href') || '')
                     // plotly draws its own patterns as data: images; the payload's is this one
                     .filter(s => s.includes(String(port)) || s.endsWith('iVBORw0KGgo=')),
            katex: inMd('.katex').length,
            // the app's own icon beside story titles is ours; any other came from text
            emoji: inMd('span[role=img]')
                     .filter(e => e.getAttribute('aria-label') !== 'auto_stories icon').length,
            colour: inMd('span[class*=Color], span[style*=color]').length,
          };
        }""",
        port,
    )
