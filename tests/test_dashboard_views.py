"""The dashboard's view layer without Streamlit: what the pages get from the analyses.

Real datasets from the sample reports (``Report.to_tidy``); no store needed.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from dashboards import texts, uploads, views
from evaluation.access import Principal
from evaluation.disclosure import disclose
from evaluation.i18n import t
from evaluation.model import Dataset
from evaluation.sample import known_initiatives, sample_reports


@pytest.fixture(scope="module")
def sample_dataset() -> Dataset:
    known = known_initiatives()
    return Dataset.concat(
        [
            r.to_tidy(submission_id=n, known_initiatives=known)
            for n, r in enumerate(sample_reports())
        ]
    )


def test_periods_in_time_order(sample_dataset):
    periods = views.available_periods(sample_dataset)
    assert periods[0] == "2024-Q1" and periods[-1] == "2025-Q4"
    assert len(periods) == 8


def test_a_range_of_periods_shows_a_sum_only_when_every_period_is_shown(sample_dataset):
    funder = Principal("funder")
    whole = disclose(sample_dataset, funder)
    view = views.story_view(whole)
    totals = view.totals.set_index("indicator")
    # hours are not counts of people: never withheld, summed over every period
    hours = sample_dataset.observations.query("indicator == 'volunteer_hours'")["value"].sum()
    assert totals.loc["volunteer_hours", "value"] == pytest.approx(hours)
    # a sum over periods whose parts include a withheld total is withheld, never filled in
    per_period = whole.totals[whole.totals["dimension"] == "output"]
    for code, sub in per_period.groupby("indicator"):
        if sub["total_suppressed"].any():
            assert totals.loc[code, "value_suppressed"] and pd.isna(totals.loc[code, "value"])
        elif sub["unit"].iloc[0] in ("count", "hours"):
            assert totals.loc[code, "value"] == pytest.approx(sub["total"].sum())
    assert set(view.flows["source_phase"]) <= {"arrival", "landing", "future"}


def test_story_view_lists_initiatives_by_name(sample_dataset):
    view = views.story_view(disclose(sample_dataset, Principal("funder")))
    names = list(dict.fromkeys(view.puzzle["name"]))
    assert names == sorted(names, key=str.casefold)


def test_formal_bridges_count_initiatives_not_ties(sample_dataset):
    formal = views.formal_bridges(sample_dataset).set_index("partner_type")["n_initiatives"]
    net = sample_dataset.network
    municipality = net[net["partner_type"] == "municipality"]["initiative_id"].nunique()
    assert formal["municipality"] == municipality
    assert list(formal.index)[0] == "municipality"


def test_big_network_is_drawn_in_rings_without_scipy():
    g = nx.MultiDiGraph()
    for i in range(350):
        g.add_node(f"i{i:03d}", kind="initiative", partner_type="initiative", label=f"I {i:03d}")
    for j in range(60):
        g.add_node(f"p{j}", kind="partner", partner_type="employer", label=f"P {j}")
        g.add_edge(f"i{j:03d}", f"p{j}", relation="collaboration", count=1)
    nodes, edges = views.network_frames(g)
    radius = (nodes["x"] ** 2 + nodes["y"] ** 2) ** 0.5
    inner = radius[nodes["kind"] == "initiative"]
    outer = radius[nodes["kind"] == "employer"]
    assert inner.max() < outer.min(), "initiatives inside, partners outside"
    assert len(edges) == 60


def test_profile_view_puts_words_beside_numbers(sample_dataset):
    who = Principal("initiative", "gastvrij-dak")
    view = views.profile_view(disclose(sample_dataset, who), "gastvrij-dak")
    page = views.profile_page(view, "nl")
    assert page.name == view.initiative["name"]
    assert page.mission.startswith("> ")
    assert [p.dimension for p in page.dimensions] == ["output", "relational", "process"]
    assert all(p.notes for p in page.dimensions)
    # the initiative sees its own numbers unprotected
    assert not view.trajectories["value_suppressed"].any()


def test_voices_filter_by_voice_keeps_the_balance_of_all_voices(sample_dataset):
    funder = Principal("funder")
    shown = disclose(sample_dataset, funder)
    every = views.voices_view(shown, views.StoryFilter())
    newcomers = views.voices_view(shown, views.StoryFilter(voices=("newcomer",)))
    assert set(newcomers.stories["voice"]) == {"newcomer"}
    pd.testing.assert_frame_equal(every.balance, newcomers.balance)
    # newest first
    dates = list(every.stories["date"])
    assert dates == sorted(dates, reverse=True)


def test_story_markdown_and_problem_table_in_both_languages(sample_dataset):
    shown = disclose(sample_dataset, Principal("funder"))
    story = views.voices_view(shown, views.StoryFilter()).stories
    first = story.iloc[0]
    nl = texts.story_markdown(first, "X", "nl")
    en = texts.story_markdown(first, "X", "en")
    assert nl != en and str(first["title"]) not in ("", None)
    from evaluation.problems import Problem

    table = uploads.problem_table(
        [Problem("required_missing", sheet="Profiel", cell="Profiel!B3", column="Naam")], "en"
    )
    assert list(table.columns) == ["Kind", "Sheet", "Cell", "What is wrong", "How to fix it"]
    assert table.iloc[0]["Cell"] == "Profiel!B3"


def test_the_portfolio_window_stays_when_one_initiative_reports_a_quarter_ahead(sample_dataset):
    periods = views.available_periods(sample_dataset)
    counts = views.reporting(sample_dataset)
    n = len(sample_dataset.initiatives)
    assert counts[periods[-1]] == n
    assert views.stable_period(periods, counts, n) == periods[-1]
    # one initiative sends the next quarter early: the pages stay on the quarter most sent
    ahead = [*periods, "2026-Q1"]
    early = {**counts, "2026-Q1": 1}
    assert views.stable_period(ahead, early, n) == periods[-1]
    # once most have sent it, the pages move on
    assert views.stable_period(ahead, {**counts, "2026-Q1": n // 2 + 1}, n) == "2026-Q1"


def test_period_notes_list_each_period_newest_first_with_its_notes_texts_and_stories():
    rows = [
        # period, label, text value, note, story titles (the same list on each row of a period)
        ("2024-Q1", "Contacten", None, "Rustig begin", ["Eerste avond"]),
        ("2024-Q1", "Vriendschap", "twee vrienden", None, ["Eerste avond"]),
        ("2024-Q2", "Contacten", None, None, []),
        ("2024-Q2", "Vriendschap", None, None, ["Samen koken"]),
        ("2024-Q3", "Contacten", None, None, []),
    ]
    frame = pd.DataFrame(
        [
            {"dimension": "relational", "period": p, "label_nl": label, "label_en": label,
             "text_value": text, "notes": note, "stories": stories, "value": 1.0}
            for p, label, text, note, stories in rows
        ]
        + [{"dimension": "process", "period": "2024-Q1", "label_nl": "Anders", "label_en": "Other",
            "text_value": None, "notes": "niet deze", "stories": ["Niet deze"], "value": 1.0}]
    )  # fmt: skip
    md = texts.period_notes_markdown(frame, "relational", "nl")
    blocks = md.split("\n\n")
    assert len(blocks) == 2, "a period with nothing to say (2024-Q3) is left out"
    assert blocks[0] == "**2e kwartaal 2024**\n- :material/auto_stories: Samen koken"
    assert blocks[1] == (
        "**1e kwartaal 2024**\n- *Contacten*: Rustig begin\n- *Vriendschap*: twee vrienden\n"
        "- :material/auto_stories: Eerste avond"
    )
    assert "niet deze" not in md and "Niet deze" not in md
    none_yet = texts.period_notes_markdown(frame, "civic", "nl")
    assert none_yet == t("ui.common.none_yet", "nl")


def test_every_chart_of_the_story_and_profile_keeps_plotly_whites_look_for_what_it_draws(
    sample_dataset,
):
    """The charts carry a slim template (``figures.template``): plotly_white's layout and its
    defaults for the trace types drawn. A chart of another type would lose its defaults, so
    every trace must be of one of those types; and what is kept is plotly_white's own."""
    import plotly.graph_objects as go
    import plotly.io as pio

    from dashboards import figures

    white = pio.templates["plotly_white"].to_plotly_json()
    shown = disclose(sample_dataset, Principal("funder"))
    story = views.story_page(views.story_view(shown), "nl")
    profile = views.profile_page(views.profile_view(shown, "gastvrij-dak"), "en")
    charts = [story.puzzle, story.totals, story.network, story.formal]
    charts += [p.figure for p in profile.dimensions]
    charts += [profile.network, profile.partner_kinds, profile.self_views]
    for fig in charts:
        spec = fig.to_plotly_json()
        assert {trace["type"] for trace in spec["data"]} <= set(figures.TRACE_TYPES)
        kept = spec["layout"]["template"]
        assert set(kept["data"]) == set(figures.TRACE_TYPES)
        for kind in figures.TRACE_TYPES:
            assert kept["data"][kind] == white["data"][kind]
        assert kept["layout"]["colorway"] == white["layout"]["colorway"]
        for axis in ("xaxis", "yaxis"):
            assert kept["layout"][axis] == {**white["layout"][axis], "ticklabeloverflow": "allow"}
    slim = pio.to_json(go.Figure(layout={"template": figures.template()}))
    assert len(slim) < len(pio.to_json(go.Figure(layout={"template": "plotly_white"}))) / 2
