"""The printable brief on a real SQLite store with the sample data: two A4 pages per
initiative and two to four for the portfolio (counted by poppler's pdfinfo), the text a
reader sees (pdftotext) holding the mission, the phases and quotes only where the audience
may read them, a withheld number as the neutral mark, Dutch and English; the pages rendered
to PNG (pdftoppm) beside the test; the command line; and the download buttons on the
profile and story pages (Streamlit's AppTest).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import warnings
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from conftest import need_system
from helpers.dashboard import build_database
from streamlit.testing.v1 import AppTest

from evaluation import narrative
from evaluation.access import Principal
from evaluation.brief import initiative_brief, portfolio_brief
from evaluation.brief.layout import DEFAULT_FONT_DIR, FONT_DIR_ENV, FONT_FILES
from evaluation.catalogue import load_catalogue
from evaluation.cli import main
from evaluation.disclosure import disclose
from evaluation.i18n import t
from evaluation.model import PHASE_ORDER
from evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboards" / "app.py")
LANGS = ("nl", "en")
ADMIN = Principal("admin", name="test")
SHOWN = "gastvrij-dak"
SECRET = "Dit verhaal blijft bij ons: alleen het initiatief zelf leest het."


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """Every sample report in a SQLite file, with the network's own words."""
    path = tmp_path_factory.mktemp("brief") / "evaluation.sqlite"
    url = build_database(path)
    with Store.open(url) as store:
        narrative.load_sample(store, ROOT / "sample_data")
    return url


@pytest.fixture(scope="module")
def dataset(database):
    with Store.open(database) as store:
        ds = store.current_dataset(ADMIN)
    # one story the initiative keeps to itself, the newest it has (so a brief that ignored
    # the audience would quote it first)
    st_ = ds.stories
    mine = st_[st_["initiative_id"] == SHOWN].iloc[[-1]].copy()
    mine["text"] = SECRET
    mine["title"] = "Alleen voor ons"
    mine["visibility"] = "initiative"
    mine["date"] = dt.date(2025, 12, 30)
    mine["story_no"] = 99
    return ds.__class__(**{**ds.frames(), "stories": pd.concat([st_, mine], ignore_index=True)})


@pytest.fixture(scope="module")
def funder(dataset):
    return disclose(dataset, Principal("funder"))


def _tool(name: str) -> str:
    path = shutil.which(name)
    need_system(f"poppler's {name}", path is not None, "apt-get install poppler-utils")
    return path  # type: ignore[return-value]


def _pages(pdf: Path) -> int:
    out = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def _text(pdf: Path) -> str:
    out = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def _flat(text: str) -> str:
    """Words in order, line breaks and hyphen-free wrapping as single spaces."""
    return " ".join(text.split())


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.system
@pytest.mark.parametrize("lang", LANGS)
def test_each_initiatives_brief_is_exactly_two_pages(funder, tmp_path, lang):
    ids = list(funder.dataset.initiatives["initiative_id"])
    assert len(ids) == 10
    for iid in ids:
        pdf = _write(tmp_path, f"{iid}.pdf", initiative_brief(funder, iid, lang))
        assert _pages(pdf) == 2, iid


@pytest.mark.system
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("window", [(None, None), ("2025-Q1", "2025-Q4"), ("2025-Q4", "2025-Q4")])
def test_the_portfolio_brief_is_two_to_four_pages(funder, database, tmp_path, lang, window):
    with Store.open(database) as store:
        words = narrative.for_report(store, *window)
    pdf = _write(tmp_path, "p.pdf", portfolio_brief(funder, *window, lang, narratives=words))
    assert 2 <= _pages(pdf) <= 4
    text = _flat(_text(pdf))
    assert t("brief.portfolio_title", lang) in text
    phases = load_catalogue().choices("phases")
    assert all(phases.label(p, lang) in text for p in PHASE_ORDER)  # each heads its section
    if words:  # the network's own words open it (their first sentence)
        assert _flat(words[-1].text)[:60] in text


@pytest.mark.system
@pytest.mark.parametrize("lang", LANGS)
def test_the_brief_shows_mission_phases_and_quotes(funder, tmp_path, lang):
    pdf = _write(tmp_path, "b.pdf", initiative_brief(funder, SHOWN, lang))
    text = _flat(_text(pdf))
    ini = funder.dataset.initiatives.set_index("initiative_id").loc[SHOWN]
    assert _flat(ini["mission"]) in text
    phases = load_catalogue().choices("phases")
    assert all(phases.label(p, lang) in text for p in PHASE_ORDER)
    assert t("brief.own_words", lang) in text and t("brief.network", lang) in text
    # two quotes, both stories this audience may read, newest first
    visible = funder.dataset.stories
    visible = visible[visible["initiative_id"] == SHOWN].sort_values("date", ascending=False)
    quoted = [s for s in visible["text"] if _flat(s)[:50] in text]
    assert len(quoted) == 2
    assert quoted[0] == visible["text"].iloc[0]
    # partners by name
    assert "Gemeente Utrecht" in text and "Buurtkamer De Lindeboom" in text


@pytest.mark.system
def test_a_funders_brief_lacks_the_story_the_initiative_kept_to_itself(dataset, funder, tmp_path):
    assert SECRET not in set(funder.dataset.stories["text"])  # the disclosure layer's say
    funders = _flat(_text(_write(tmp_path, "f.pdf", initiative_brief(funder, SHOWN, "nl"))))
    assert SECRET[:40] not in funders
    own = disclose(dataset, Principal("initiative", SHOWN))
    assert SECRET in set(own.dataset.stories["text"])
    mine = _flat(_text(_write(tmp_path, "i.pdf", initiative_brief(own, SHOWN, "nl"))))
    assert SECRET[:40] in mine
    assert t("brief.audience.initiative", "nl") in mine


@pytest.mark.system
def test_a_public_brief_quotes_only_public_stories(dataset, tmp_path):
    public = disclose(dataset, Principal("public"))
    every = dataset.stories
    for iid in ("gastvrij-dak", "tafelgesprek-live"):
        text = _flat(_text(_write(tmp_path, f"{iid}.pdf", initiative_brief(public, iid, "en"))))
        mine = every[every["initiative_id"] == iid]
        hidden = mine[mine["visibility"] != "public"]["text"]
        assert len(hidden) and not any(_flat(s)[:50] in text for s in hidden)
        shown = mine[mine["visibility"] == "public"]["text"]
        assert any(_flat(s)[:50] in text for s in shown)
    # the collective story's quotes too
    text = _flat(_text(_write(tmp_path, "p.pdf", portfolio_brief(public, lang="en"))))
    quoted = [s for s in every["text"] if _flat(s)[:50] in text]
    assert quoted and set(quoted) <= set(every[every["visibility"] == "public"]["text"])


def _latest_withheld(funder) -> tuple[str, str, float]:
    """An indicator of SHOWN whose latest value the funder may not see, and its value."""
    v = funder.values_of(SHOWN)
    v = v[v["unit"] == "count"]
    last = v.groupby("indicator").tail(1)
    row = last[last["value_suppressed"]].iloc[0]
    return str(row["indicator"]), str(row["period"]), row


@pytest.mark.system
@pytest.mark.parametrize("lang", LANGS)
def test_a_withheld_value_shows_the_mark_not_the_number(dataset, funder, tmp_path, lang):
    from evaluation.report.charts import short_period

    code, period, _ = _latest_withheld(funder)
    own = disclose(dataset, Principal("initiative", SHOWN))
    exact = own.values_of(SHOWN)
    exact = exact[(exact["indicator"] == code) & (exact["period"] == period)]
    number = int(exact["value"].iloc[0])
    mark = t("analysis.suppressed", lang)
    latest = t("brief.latest", lang, period=short_period(period, lang), value="{}")
    text = _flat(_text(_write(tmp_path, "f.pdf", initiative_brief(funder, SHOWN, lang))))
    assert latest.format(mark) in text
    # the initiative itself reads its own small number there
    mine = _flat(_text(_write(tmp_path, "i.pdf", initiative_brief(own, SHOWN, lang))))
    assert latest.format(number) in mine
    assert latest.format(mark) not in mine or number == 0


@pytest.mark.system
def test_long_texts_are_cut_with_an_ellipsis_and_the_brief_stays_two_pages(dataset, tmp_path):
    ini = dataset.initiatives.copy()
    long = " ".join(["Wij zijn er voor de buurt en voor elkaar, elke dag opnieuw."] * 120)
    ini.loc[ini["initiative_id"] == SHOWN, "mission"] = long
    ini.loc[ini["initiative_id"] == SHOWN, "intentions"] = long
    st_ = dataset.stories.copy()
    st_.loc[st_["initiative_id"] == SHOWN, "text"] = long
    ds = dataset.__class__(**{**dataset.frames(), "initiatives": ini, "stories": st_})
    pdf = _write(tmp_path, "long.pdf", initiative_brief(disclose(ds, Principal("funder")), SHOWN))
    assert _pages(pdf) == 2
    text = _text(pdf)
    assert text.count("…") >= 3
    assert _flat(long) not in _flat(text)


@pytest.mark.system
def test_the_pages_render_to_png(funder, database, tmp_path):
    """Each page as a PNG beside the test (``pdftoppm``), for a person to look at."""
    with Store.open(database) as store:
        words = narrative.for_report(store)
    pdfs = {
        "initiative-nl": initiative_brief(funder, SHOWN, "nl"),
        "initiative-en": initiative_brief(funder, "tafelgesprek-live", "en"),
        "portfolio-en": portfolio_brief(funder, "2025-Q1", "2025-Q4", "en", narratives=words),
    }
    for name, data in pdfs.items():
        pdf = _write(tmp_path, f"{name}.pdf", data)
        subprocess.run(
            [_tool("pdftoppm"), "-r", "80", "-png", str(pdf), str(tmp_path / name)], check=True
        )
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) == 2 + 2 + 3
    for png in pngs:
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        assert abs(height / width - 297 / 210) < 0.01  # A4, portrait


@pytest.mark.system
def test_the_brief_is_set_in_debian_dejavu(funder, tmp_path):
    need_system(
        "Debian's DejaVu fonts",
        (Path(DEFAULT_FONT_DIR) / FONT_FILES["regular"]).is_file(),
        "apt-get install fonts-dejavu-core",
    )
    pdf = _write(tmp_path, "b.pdf", initiative_brief(funder, SHOWN, "en"))
    fonts = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True).stdout
    # every font the text is set in is DejaVu, embedded (reportlab's page resources also
    # name the standard Helvetica, unembedded and unused)
    embedded = [line.split()[0] for line in fonts.splitlines()[2:] if " yes " in line]
    assert embedded and all("DejaVuSans" in name for name in embedded)


def test_without_the_font_files_the_brief_falls_back_to_helvetica(funder, tmp_path, monkeypatch):
    monkeypatch.setenv(FONT_DIR_ENV, str(tmp_path))  # a folder without DejaVu
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = initiative_brief(funder, SHOWN, "en")
    assert data.startswith(b"%PDF") and b"/Helvetica" in data
    assert any("fonts-dejavu-core" in str(w.message) for w in caught)


def test_an_unknown_initiative_or_reversed_periods_are_refused(funder):
    from evaluation.errors import UserError

    with pytest.raises(UserError):
        initiative_brief(funder, "bestaat-niet", "nl")
    with pytest.raises(UserError):
        portfolio_brief(funder, "2025-Q4", "2025-Q1", "nl")


@pytest.mark.system
def test_the_brief_command(database, tmp_path, capsys):
    out = tmp_path / "brief.pdf"
    args = ["brief", "--database", database, "--initiative", SHOWN, "--lang", "en", "-o", str(out)]
    assert main(args) == 0
    assert str(out) in capsys.readouterr().out and _pages(out) == 2
    out = tmp_path / "verhaal.pdf"
    args = ["brief", "--database", database, "--from", "2025-Q1", "--to", "2025-Q4"]
    assert main([*args, "--audience", "public", "-o", str(out)]) == 0
    assert 2 <= _pages(out) <= 4
    assert t("brief.audience.public", "nl") in _flat(_text(out))
    # an unknown initiative and an audience the principal may not have: no file
    missing = tmp_path / "none.pdf"
    assert main(["brief", "--database", database, "--initiative", "x", "-o", str(missing)]) == 1
    refused = ["--as-role", "initiative", "--as-initiative", SHOWN, "--audience", "funder"]
    assert main(["brief", "--database", database, *refused, "-o", str(missing)]) == 3
    assert not missing.exists()


# --- the download buttons ---------------------------------------------------------------------


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    path = tmp_path / "evaluation.sqlite"
    build_database(path)
    monkeypatch.setenv("EVALUATION_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("EVALUATION_DEMO", raising=False)
    monkeypatch.chdir(tmp_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield path
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("lang", LANGS)
def test_the_profile_and_story_pages_offer_the_brief(app_db, lang):
    from dashboards import state

    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.session_state["demo_role"] = "funder"
    at.run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("brief.ui.portfolio_button", lang) in labels  # the story page opens the app
    at.switch_page("app_pages/profile.py").run()
    assert not at.exception, [e.message for e in at.exception]
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("brief.ui.initiative_button", lang) in labels
    # what the button serves: the page's own loader, of what the funder sees
    data = state.initiative_brief_pdf.__wrapped__(Principal("funder"), SHOWN, state.Filters(), lang)
    assert data.startswith(b"%PDF")
