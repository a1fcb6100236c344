"""Output totals never come alone: they arrive with the relational and process context."""

from __future__ import annotations

import dataclasses

from helpers.datasets import DatasetBuilder

from evaluation.access import Principal
from evaluation.analysis import PortfolioContext, output_totals
from evaluation.disclosure import disclose

FUNDER = Principal("funder")


def _portfolio():
    b = DatasetBuilder().initiative("anker", "Anker Welkom", "arrival")
    b.initiative("buurt", "Buurtkamer", "landing")
    b.obs("anker", "2025-Q1", "newcomers_participating", 12, activity_type="meal", phase="arrival")
    b.obs("buurt", "2025-Q1", "newcomers_participating", 8, activity_type="cafe", phase="landing")
    b.obs("buurt", "2025-Q1", "starts_paid_work", 2, activity_type="jobs", phase="future")
    b.obs("anker", "2025-Q1", "new_contacts", 9)
    b.obs("buurt", "2025-Q1", "new_contacts", 6)
    b.obs("buurt", "2025-Q1", "friendships_reported", None, numerator=6, denominator=10)
    b.obs("anker", "2025-Q1", "friendships_reported", None, numerator=4, denominator=10)
    b.obs("anker", "2025-Q1", "open_encounter_hours", 20)
    return b.dataset()


def test_outputs_arrive_with_relational_process_and_phase_context():
    ctx = output_totals(_portfolio(), FUNDER)
    assert isinstance(ctx, PortfolioContext)
    assert {f.name for f in dataclasses.fields(ctx)} == {
        "outputs",
        "relational",
        "process",
        "phase_coverage",
    }
    out = ctx.outputs.set_index("indicator")
    assert out.loc["newcomers_participating", "total"] == 20
    assert out.loc["newcomers_participating", "n_initiatives_reporting"] == 2
    rel = ctx.relational.set_index("indicator")
    assert rel.loc["new_contacts", "total"] == 15
    assert rel.loc["friendships_reported", "numerator"] == 10  # exact: 4 + 6
    assert rel.loc["friendships_reported", "denominator"] == 20
    assert ctx.process.set_index("indicator").loc["open_encounter_hours", "total"] == 20
    assert list(ctx.phase_coverage["phase"]) == ["arrival", "landing", "future"]


def _totals(ds, viewer):
    """The portfolio totals as ``viewer`` gets them: from the disclosure layer."""
    return disclose(ds, viewer).totals.set_index("indicator")


def test_a_small_portfolio_total_of_people_is_withheld_from_everyone():
    for viewer in (FUNDER, Principal("initiative", "buurt")):
        out = _totals(_portfolio(), viewer)
        assert out.loc["starts_paid_work", "total"] is None
        assert out.loc["starts_paid_work", "total_suppressed"]


def test_a_total_is_withheld_when_it_would_give_away_its_one_hidden_part():
    ds = _portfolio()
    anker = _totals(ds, Principal("initiative", "anker"))
    # two parts: Buurtkamer knows its 6, so a total of 10 would tell it Anker's 4; the total
    # is withheld from everyone, Anker included (one pattern for all audiences)
    assert anker.loc["friendships_reported", "numerator"] is None
    funder_values = disclose(ds, FUNDER).values
    anker_row = funder_values[
        (funder_values["initiative_id"] == "anker")
        & (funder_values["indicator"] == "friendships_reported")
    ].iloc[0]
    assert anker_row["numerator_suppressed"]
    funder = _totals(ds, FUNDER)
    # 10 - 6 would give the 4 away: the 6 or the total is withheld with it
    buurt_row = funder_values[
        (funder_values["initiative_id"] == "buurt")
        & (funder_values["indicator"] == "friendships_reported")
    ].iloc[0]
    assert (
        buurt_row["numerator_suppressed"]
        or funder.loc["friendships_reported", "numerator_suppressed"]
    )
    # four parts, two small (3 + 2 = 5, not more than the threshold): a third part is withheld
    # too, and the total stays, since no single initiative can then narrow the small ones
    b = DatasetBuilder().initiative("anker", "Anker Welkom", "arrival")
    b.initiative("buurt", "Buurtkamer", "landing").initiative("crew", "Crew", "future")
    b.initiative("dak", "Dak", "future")
    for iid, n in (("anker", 3), ("buurt", 2), ("crew", 9), ("dak", 12)):
        b.obs(iid, "2025-Q1", "new_contacts", n)
    shown = disclose(b.dataset(), FUNDER)
    assert _totals(b.dataset(), FUNDER).loc["new_contacts", "total"] == 26
    hidden = shown.values[shown.values["value_suppressed"]]["initiative_id"]
    assert {"anker", "buurt"} < set(hidden)
