"""Small numbers stay hidden: no withheld count can be worked back from what is shown.

Property tests build random small tables with row and column totals (in long form, the way
the analyses return them), withhold small counts for a viewer, and then solve the table's own
equations (each row and column adds up to its total, the totals to the grand total) from the
visible cells: no withheld cell may come out pinned to a single value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.access import Principal
from evaluation.analysis import shown_value, small_number_threshold, suppress

FUNDER = Principal("funder")
OWNERS = ("a", "b", "c")


def _table(cells: list[list[int]], owners: list[list[str]]) -> pd.DataFrame:
    """Long form of a table with row totals (c='T'), column totals (r='T') and a grand total."""
    rows = []
    n_r, n_c = len(cells), len(cells[0])
    for i in range(n_r):
        for j in range(n_c):
            rows.append(
                {"r": f"r{i}", "c": f"c{j}", "value": cells[i][j], "initiative_id": owners[i][j]}
            )
        rows.append({"r": f"r{i}", "c": "T", "value": sum(cells[i]), "initiative_id": None})
    for j in range(n_c):
        rows.append(
            {"r": "T", "c": f"c{j}", "value": sum(c[j] for c in cells), "initiative_id": None}
        )
    rows.append({"r": "T", "c": "T", "value": sum(map(sum, cells)), "initiative_id": None})
    frame = pd.DataFrame(rows)
    frame["is_total"] = (frame["r"] == "T") | (frame["c"] == "T")
    frame["total_level"] = (frame["r"] == "T").astype(int) + (frame["c"] == "T").astype(int)
    return frame


def _equations(frame: pd.DataFrame) -> list[dict[int, float]]:
    """The table's equations as {row position: coefficient}, each summing to zero."""
    pos = {(r, c): k for k, (r, c) in enumerate(zip(frame["r"], frame["c"], strict=True))}
    rs = sorted({r for r, _ in pos if r != "T"})
    cs = sorted({c for _, c in pos if c != "T"})
    eqs = []
    for r in [*rs, "T"]:
        eqs.append({pos[(r, c)]: 1.0 for c in cs} | {pos[(r, "T")]: -1.0})
    for c in [*cs, "T"]:
        eqs.append({pos[(r, c)]: 1.0 for r in rs} | {pos[("T", c)]: -1.0})
    return eqs


def _pinned(frame: pd.DataFrame, hidden: np.ndarray) -> list[int]:
    """Hidden cells whose value follows from the visible cells and the equations."""
    hid = list(np.flatnonzero(hidden))
    if not hid:
        return []
    a = np.array([[eq.get(p, 0.0) for p in hid] for eq in _equations(frame)])
    rank = np.linalg.matrix_rank(a)
    pinned = []
    for j, p in enumerate(hid):
        unit = np.zeros(len(hid))
        unit[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            pinned.append(int(p))
    return pinned


small_counts = st.integers(min_value=0, max_value=30).map(lambda v: v if v < 12 else v * 3)


@st.composite
def tables(draw):
    n_r = draw(st.integers(2, 4))
    n_c = draw(st.integers(2, 4))
    cells = [[draw(small_counts) for _ in range(n_c)] for _ in range(n_r)]
    owners = [[draw(st.sampled_from(OWNERS)) for _ in range(n_c)] for _ in range(n_r)]
    return _table(cells, owners)


def _protect(frame: pd.DataFrame, viewer: Principal) -> pd.DataFrame:
    return suppress(
        frame,
        viewer,
        ["value"],
        threshold=5,
        group_columns=[["r"], ["c"]],
        total_rows="total_level",
    )


@settings(max_examples=150, deadline=None)
@given(tables(), st.sampled_from([FUNDER, Principal("initiative", "a")]))
def test_no_withheld_cell_can_be_worked_back_from_what_is_shown(frame, viewer):
    out = _protect(frame, viewer)
    hidden = out["value_suppressed"].to_numpy()
    exact = (frame["initiative_id"] == viewer.initiative_id).to_numpy() & ~frame["is_total"]
    small = (frame["value"] > 0) & (frame["value"] < 5)
    # every small count not the viewer's own is withheld; the viewer's own never are
    assert (hidden[(small & ~exact).to_numpy()]).all()
    assert not hidden[exact.to_numpy()].any()
    assert out.loc[hidden, "value"].isna().all()
    pinned = _pinned(frame, hidden)
    if viewer.role == "funder":
        # no row or column (with its total) has exactly one withheld cell
        for key in ("r", "c"):
            per_group = out.groupby(key)["value_suppressed"].sum()
            assert (per_group != 1).all(), per_group.to_dict()
        # and solving the table's equations pins none of them, totals included
        assert pinned == []
    else:
        # the viewer knows its own cells, so a total of its own cells is no secret; no other
        # initiative's withheld cell may follow from what it sees
        others = ~exact.to_numpy() & ~frame["is_total"].to_numpy()
        assert [p for p in pinned if others[p]] == []


def test_zero_is_shown_and_the_complement_is_the_next_smallest_non_zero():
    frame = pd.DataFrame({"initiative_id": ["a", "b", "c", "d"], "value": [3, 0, 7, 40]})
    out = suppress(frame, FUNDER, ["value"])
    assert out["value"].tolist() == [None, 0, None, 40]
    assert out["value_suppressed"].tolist() == [True, False, True, False]


def test_the_initiative_sees_its_own_small_numbers():
    frame = pd.DataFrame({"initiative_id": ["a", "b"], "value": [3, 2]})
    out = suppress(frame, Principal("initiative", "a"), ["value"])
    assert out["value"].tolist()[0] == 3 and out["value"].tolist()[1] is None


def test_threshold_from_argument_then_environment_then_default(monkeypatch):
    monkeypatch.delenv("EVALUATION_SMALL_NUMBER_THRESHOLD", raising=False)
    assert small_number_threshold() == 5
    monkeypatch.setenv("EVALUATION_SMALL_NUMBER_THRESHOLD", "10")
    assert small_number_threshold() == 10
    assert small_number_threshold(3) == 3
    frame = pd.DataFrame({"initiative_id": ["a", "b", "c"], "value": [8, 9, 50]})
    assert suppress(frame, FUNDER, ["value"])["value_suppressed"].tolist() == [True, True, False]
    assert not suppress(frame, FUNDER, ["value"], threshold=5)["value_suppressed"].any()
    monkeypatch.setenv("EVALUATION_SMALL_NUMBER_THRESHOLD", "five")
    with pytest.raises(ValueError, match="whole number"):
        small_number_threshold()


def test_a_withheld_count_is_displayed_as_below_the_threshold():
    assert shown_value(None, True, "nl", threshold=5) == "<5"
    assert shown_value(None, True, "en", threshold=10) == "<10"
    assert shown_value(7, False, "en") == 7


def test_rows_not_in_any_group_with_a_single_member_are_left_as_they_are():
    # each row its own group: nothing to complement with, nothing else is hidden
    frame = pd.DataFrame({"initiative_id": ["a", "b"], "k": ["x", "y"], "value": [2, 9]})
    out = suppress(frame, FUNDER, ["value"], group_columns=["k"])
    assert out["value_suppressed"].tolist() == [True, False]
