"""The balance of voices, themes over time and the initiative's reflections."""

from __future__ import annotations

from helpers.datasets import DatasetBuilder

from evaluation.access import Principal
from evaluation.analysis import reflection_timeline, themes_over_time, voice_balance
from evaluation.catalogue import load_catalogue

FUNDER = Principal("funder")
VOICES = load_catalogue().choices("voices").codes


def _stories() -> DatasetBuilder:
    b = DatasetBuilder().initiative("anker", "Anker Welkom", "arrival")
    b.initiative("buurt", "Buurtkamer", "landing")
    for n in range(6):
        b.story("anker", "2025-Q1", f"N{n}", voice="newcomer", themes="role_shift;language")
    b.story("anker", "2025-Q1", "V", voice="volunteer", themes="language")
    b.story("anker", "2025-Q2", "C", voice="coordinator", visibility="initiative")
    b.story("buurt", "2025-Q2", "P", voice="partner", visibility="public", themes="system_change")
    return b


def test_all_six_voices_are_listed_with_zeros_and_shares():
    vb = voice_balance(_stories().dataset(), viewer=FUNDER)
    assert list(vb["voice"]) == list(VOICES) and len(VOICES) == 6
    got = dict(zip(vb["voice"], vb["n_stories"], strict=True))
    assert got == {
        "newcomer": 6,
        "volunteer": 1,
        "coordinator": 0,
        "partner": 1,
        "employer": 0,
        "neighbour": 0,
    }
    assert vb.set_index("voice").loc["newcomer", "share"] == 6 / 8


def test_voices_of_one_initiative_count_only_the_stories_the_viewer_may_read():
    ds = _stories().dataset()
    theirs = voice_balance(ds, "anker", viewer=FUNDER).set_index("voice")
    mine = voice_balance(ds, "anker", viewer=Principal("initiative", "anker")).set_index("voice")
    # the viewer could count what it may read: nothing withheld, unshared stories not counted
    assert not theirs["n_stories_suppressed"].any()
    assert theirs["n_stories"].sum() < mine["n_stories"].sum()
    assert mine.loc["volunteer", "n_stories"] == 1 and mine.loc["coordinator", "n_stories"] == 1


def test_the_public_sees_only_public_stories():
    vb = voice_balance(_stories().dataset(), viewer=Principal("public"))
    assert vb["n_stories"].sum() == 1


def test_themes_over_time_count_each_theme_of_a_story_once():
    th = themes_over_time(_stories().dataset(), FUNDER)
    q1 = th[th["period"] == "2025-Q1"].set_index("theme")["n_stories"]
    assert q1["language"] == 7 and q1["role_shift"] == 6 and q1["system_change"] == 0
    assert list(th["period"].drop_duplicates()) == ["2025-Q1", "2025-Q2"]
    assert len(th) == 2 * len(load_catalogue().choices("themes").codes)


def test_stories_without_consent_are_never_counted():
    b = _stories()
    b.story("anker", "2025-Q1", "No consent", voice="neighbour", consent=False)
    ds = b.dataset(validate=False)  # the store refuses these; the analysis must too
    for viewer in (FUNDER, Principal("initiative", "anker"), Principal("admin")):
        vb = voice_balance(ds, viewer=viewer).set_index("voice")
        assert vb.loc["neighbour", "n_stories"] == 0


def test_reflection_timeline_keeps_the_initiatives_own_words_in_order():
    b = _stories()
    b.reflection("anker", "2025-Q2", "funder_tension", "They wanted numbers of jobs.")
    b.reflection("anker", "2025-Q1", "changed_from_input", "Longer evenings.")
    b.reflection("anker", "2025-Q1", "roles_shifted", "A guest cooked.")
    b.reflection("anker", "2025-Q1", "quality_role_fluidity", None, 3)
    b.reflection("anker", "2025-Q1", "continuity_handovers", None)
    b.reflection("buurt", "2025-Q1", "roles_shifted", "Not Anker's words.")
    tl = reflection_timeline(b.dataset(), "anker")
    assert list(tl["question"]) == [
        "roles_shifted",
        "changed_from_input",
        "quality_role_fluidity",
        "funder_tension",
    ]
    assert tl.iloc[0]["answer"] == "A guest cooked." and tl.iloc[2]["self_view"] == 3
    assert list(tl["kind"]) == ["open", "open", "rubric", "open"]


def test_without_a_viewer_only_what_the_public_may_see_is_shown():
    ds = _stories().dataset()
    assert voice_balance(ds)["n_stories"].sum() == 1  # the one public story
    assert voice_balance(ds, "anker")["n_stories"].tolist() == [0] * 6  # none of Anker's is public
    assert themes_over_time(ds)["n_stories"].sum() == 1
