"""The reporting calendar (issue 17, point 2): expected, received, corrected and not yet
received reports per initiative, following its arrangement; on a real SQLite store with
the sample's eight quarters, through the library and the page (AppTest)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from evaluation import arrangements, cycle
from evaluation.access import Principal
from evaluation.errors import AccessDenied
from evaluation.store import Store
from evaluation.submit import submit

ROOT = Path(__file__).resolve().parent.parent
GASTVRIJ = "gastvrij-dak"
NAMES = {GASTVRIJ: "Gastvrij Dak"}
ADMIN = Principal("admin", name="test-admin")
FUNDER = Principal("funder", name="fonds")
D = dt.date


def test_expected_periods_are_the_rhythms_units_that_have_ended():
    quarter = arrangements.Arrangement("x")
    assert cycle.expected_periods(quarter, D(2025, 11, 3), D(2026, 4, 1)) == [
        (D(2025, 10, 1), D(2025, 12, 31)), (D(2026, 1, 1), D(2026, 3, 31)),
    ]  # fmt: skip
    year = arrangements.Arrangement("x", "year")
    assert cycle.expected_periods(year, D(2025, 5, 1), D(2026, 12, 31)) == [
        (D(2025, 1, 1), D(2025, 12, 31))
    ]  # the year 2026 has not ended on its last day


def _corrected_q4(url: str) -> None:
    """The 2025-Q4 report sent again with one number changed: it replaces the first."""
    path = sorted((ROOT / "sample_data" / GASTVRIJ).glob("*.xlsx"))[-1]
    wb = load_workbook(path)
    wb["Indicatoren"]["C3"] = 99
    buf = io.BytesIO()
    wb.save(buf)
    with Store.open(url) as s:
        who = Principal("initiative", initiative_id=GASTVRIJ, name="coördinator")
        assert submit(s, buf.getvalue(), "verbeterd.xlsx", who).status == "accepted"


def test_received_corrected_and_not_yet_received_per_quarter(eight_quarters):
    _corrected_q4(eight_quarters)
    with Store.open(eight_quarters) as s:
        rows = cycle.cycle(s, FUNDER, NAMES, D(2026, 7, 15))
    by_period = {e.period: e.status for e in rows}
    assert list(by_period) == [f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)] + [
        "2026-Q1", "2026-Q2"
    ]  # fmt: skip
    assert by_period["2025-Q4"] == "corrected" and by_period["2025-Q3"] == "received"
    assert by_period["2026-Q1"] == by_period["2026-Q2"] == "missing"
    assert [e.period for e in cycle.missing(rows)] == ["2026-Q2"]
    assert all(e.received_on for e in rows if e.status != "missing")


def test_a_half_year_rhythm_expects_half_years_and_quarters_count_towards_them(eight_quarters):
    with Store.open(eight_quarters) as s:
        arrangements.set_arrangement(s, FUNDER, GASTVRIJ, "half_year", True)
        rows = cycle.cycle(s, FUNDER, NAMES, D(2026, 7, 15))
    assert [(e.period, e.status) for e in rows] == [
        ("2024-01-01/2024-06-30", "received"), ("2024-07-01/2024-12-31", "received"),
        ("2025-01-01/2025-06-30", "received"), ("2025-07-01/2025-12-31", "received"),
        ("2026-01-01/2026-06-30", "missing"),
    ]  # fmt: skip
    table = cycle.cycle_table(rows, NAMES, {GASTVRIJ: "half_year"}, "en")
    assert list(table["status"])[-1] == "Not yet received"
    assert set(table["rhythm"]) == {"per half year"}


def test_an_initiative_may_not_read_the_calendar(eight_quarters):
    with Store.open(eight_quarters) as s, pytest.raises(AccessDenied):
        cycle.cycle(s, Principal("initiative", initiative_id=GASTVRIJ), NAMES, D(2026, 7, 1))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_calendar_page_shows_the_chosen_quarter_by_name_in_words(
    eight_quarters, monkeypatch, tmp_path, lang
):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from evaluation.i18n import t

    monkeypatch.setenv("EVALUATION_DATABASE_URL", eight_quarters)
    monkeypatch.delenv("EVALUATION_DEMO", raising=False)
    monkeypatch.chdir(tmp_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboards" / "app_pages" / "cycle.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["signed_in"] = Principal("funder", name="fonds@example.org")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [x.value for x in at.title] == [t("cycle.title", lang)]
    quarter = at.selectbox(key=f"cycle_quarter_{lang}")
    assert quarter.index == 0 and quarter.value >= "2026-Q3"  # the latest ended quarter first
    at.selectbox(key=f"cycle_quarter_{lang}").select("2025-Q4").run()
    table = at.dataframe[0].value
    assert list(table[t("cycle.columns.status", lang)]) == [t("cycle.status.received", lang)]
    period = t("cycle.reported_line", lang, n=1, of=1, period="X").split("X")[0]
    assert any(m.value.startswith(period) for m in at.markdown)
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_calendar_is_chosen_per_portfolio(tmp_path, monkeypatch):
    """Issue 17: each portfolio's expected reports; an administrator may see them all."""
    import streamlit as st
    from helpers.dashboard import SAMPLE, build_database
    from streamlit.testing.v1 import AppTest

    from evaluation import portfolios
    from evaluation.i18n import t

    url = build_database(tmp_path / "all.sqlite")
    with Store.open(url) as s:
        portfolios.load_sample(s, SAMPLE)
        held = {p.code: p for p in portfolios.listing(s, ADMIN)}
        names = dict(s.initiatives(ADMIN).itertuples(index=False))
    monkeypatch.setenv("EVALUATION_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboards" / "app_pages" / "cycle.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["signed_in"] = ADMIN
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    column = t("cycle.columns.initiative", "en")
    assert set(at.dataframe[0].value[column]) == set(names.values())  # all portfolios first
    for code, portfolio in held.items():
        at.selectbox(key="cycle_portfolio_en").select(code).run()
        shown = set(at.dataframe[0].value[column])
        assert shown == {names[i] for i in portfolio.initiative_ids}, code
    st.cache_data.clear()
    st.cache_resource.clear()
