"""Trajectories on the initiative's own scale, with context; durability with a two-quarter lag."""

from __future__ import annotations

from helpers.datasets import DatasetBuilder

from evaluation.access import Principal
from evaluation.analysis import durability, trajectories
from evaluation.disclosure import disclose

FUNDER = Principal("funder")
ANKER = Principal("initiative", "anker")


def _anker() -> DatasetBuilder:
    b = DatasetBuilder().initiative("anker", "Anker Welkom", "arrival", ("landing",))
    b.initiative("buurt", "Buurtkamer", "landing")
    own = b.own_indicator("anker", "2025-Q1", "own_buddy_pairs", "Buddy pairs")
    b.obs("anker", "2025-Q1", "newcomers_participating", 4, activity_type="meal", phase="arrival")
    b.obs("anker", "2025-Q1", "newcomers_participating", 3, activity_type="walk", phase="landing")
    b.obs("anker", "2025-Q2", "newcomers_participating", 9, activity_type="meal", phase="arrival")
    b.obs("anker", "2025-Q1", "own_buddy_pairs", 2, own=own, note="two new pairs")
    b.obs("anker", "2025-Q1", "friendships_reported", None, numerator=3, denominator=12)
    b.obs("anker", "2025-Q1", "open_encounter_hours", 30, note="Sunday walk-ins")
    b.story("anker", "2025-Q1", "Shared dinner", visibility="funders")
    b.story("anker", "2025-Q1", "Kept inside", visibility="initiative")
    b.story("buurt", "2025-Q1", "Not Anker's")
    b.reflection("anker", "2025-Q1", "roles_shifted", "A guest led the cooking.")
    b.reflection("anker", "2025-Q2", "funder_tension", None, None)
    return b


def _row(frame, indicator, period):
    row = frame[(frame["indicator"] == indicator) & (frame["period"] == period)]
    assert len(row) == 1
    return row.iloc[0]


def test_activities_are_summed_across_types_per_period():
    traj = trajectories(_anker().dataset(), "anker", FUNDER)
    assert _row(traj, "newcomers_participating", "2025-Q1")["value"] == 7
    assert _row(traj, "newcomers_participating", "2025-Q2")["value"] == 9
    q1 = traj[traj["indicator"] == "newcomers_participating"]["period"].tolist()
    assert q1 == ["2025-Q1", "2025-Q2"]


def test_values_travel_with_notes_stories_and_reflections_of_the_period():
    traj = trajectories(_anker().dataset(), "anker", FUNDER)
    hours = _row(traj, "open_encounter_hours", "2025-Q1")
    assert hours["value"] == 30 and hours["notes"] == "Sunday walk-ins"
    assert hours["stories"] == ["Shared dinner"]  # not the unshared one, not another's
    assert hours["reflections"] == ["roles_shifted: A guest led the cooking."]
    assert _row(traj, "newcomers_participating", "2025-Q2")["stories"] == []


def test_own_indicators_stand_beside_catalogue_ones_and_small_counts_are_protected():
    ds = _anker().dataset()
    traj = trajectories(ds, "anker", FUNDER)
    buddy = _row(traj, "own_buddy_pairs", "2025-Q1")
    assert bool(buddy["own"]) and buddy["label_en"] == "Buddy pairs"
    assert buddy["value"] == 2  # the analysis is exact; the disclosure layer protects
    assert traj["indicator"].tolist()[-1] == "own_buddy_pairs"  # own indicators after the catalogue
    shown = disclose(ds, FUNDER).values_of("anker")
    assert _row(shown, "own_buddy_pairs", "2025-Q1")["value"] is None
    assert _row(shown, "own_buddy_pairs", "2025-Q1")["value_suppressed"]
    mine = disclose(ds, ANKER).values_of("anker")
    assert _row(mine, "own_buddy_pairs", "2025-Q1")["value"] == 2
    assert _row(mine, "own_buddy_pairs", "2025-Q1")["stories"] == ["Shared dinner", "Kept inside"]
    # hours are not people: shown as they are
    assert not _row(shown, "open_encounter_hours", "2025-Q1")["value_suppressed"]


def test_a_share_keeps_numerator_and_denominator_and_hides_a_small_numerator():
    ds = _anker().dataset()
    mine = _row(disclose(ds, ANKER).values_of("anker"), "friendships_reported", "2025-Q1")
    assert (mine["numerator"], mine["denominator"], mine["value"]) == (3, 12, 0.25)
    theirs = _row(disclose(ds, FUNDER).values_of("anker"), "friendships_reported", "2025-Q1")
    assert theirs["numerator"] is None and theirs["numerator_suppressed"]
    assert theirs["value"] is None  # 0.25 of 12 would give the 3 away
    assert theirs["denominator"] == 12


def test_durability_sets_lasting_relationships_against_contacts_two_quarters_earlier():
    b = DatasetBuilder().initiative("anker", "Anker Welkom", "landing")
    b.obs("anker", "2024-Q4", "new_contacts", 10)
    b.obs("anker", "2025-Q1", "new_contacts", 20)
    b.obs("anker", "2025-Q1", "relationships_lasting_6m", 6)  # 2024-Q3 was not reported
    b.obs("anker", "2025-Q2", "relationships_lasting_6m", 7)  # against 2024-Q4: 10
    b.obs("anker", "2025-Q3", "relationships_lasting_6m", 8)  # against 2025-Q1: 20
    b.obs("anker", "2025-Q3", "new_contacts", 5)
    dur = durability(b.dataset()).set_index("period")
    assert dur.loc["2025-Q3", "earlier_period"] == "2025-Q1"
    assert (
        dur.loc["2025-Q3", "relationships_lasting_6m"],
        dur.loc["2025-Q3", "new_contacts_earlier"],
    ) == (8, 20)
    assert dur.loc["2025-Q3", "ratio"] == 0.4
    assert dur.loc["2025-Q2", "ratio"] == 0.7
    assert dur.loc["2025-Q1", "earlier_period"] is None and dur.loc["2025-Q1", "ratio"] is None
    assert list(dur.index) == ["2025-Q1", "2025-Q2", "2025-Q3"]


def test_without_a_viewer_unshared_stories_stay_hidden_and_the_public_gets_no_small_count():
    traj = trajectories(_anker().dataset(), "anker")
    public = disclose(_anker().dataset(), Principal("public")).values_of("anker")
    assert _row(public, "own_buddy_pairs", "2025-Q1")["value"] is None
    assert _row(traj, "open_encounter_hours", "2025-Q1")["stories"] == []  # no public story


def test_every_initiatives_trajectory_in_one_pass_is_each_ones_own():
    """``trajectories_of_all`` (the disclosure's one pass) gives, row for row, what one
    ``trajectories`` call per initiative gives on its own part of the sample (ten initiatives,
    eight quarters: catalogue and own indicators, shares, rubrics, texts, stories and
    reflections of every visibility)."""
    import pandas as pd

    from evaluation.analysis.trajectories import trajectories_of_all
    from evaluation.model import Dataset
    from evaluation.sample import known_initiatives, sample_reports

    known = known_initiatives()
    ds = Dataset.concat([r.to_tidy(n + 1, known) for n, r in enumerate(sample_reports())])
    frames = []
    for iid in dict.fromkeys(ds.observations["initiative_id"].astype(str)):
        part = Dataset(
            **{
                n: f if n == "initiatives" else f[f["initiative_id"] == iid]
                for n, f in ds.frames().items()
            }
        )
        frames.append(trajectories(part, iid, Principal("initiative", iid)))
    each = pd.concat(frames, ignore_index=True)
    together = trajectories_of_all(ds)
    assert len(together) == len(each) > 1000

    def same(frame: pd.DataFrame) -> pd.DataFrame:  # None and NaN alike (dtypes differ)
        frame = frame.reset_index(drop=True).astype(object)
        return frame.where(frame.notna(), None)

    pd.testing.assert_frame_equal(same(together), same(each))
