"""The quick paths in suppression decide exactly as the plain ones they replace.

``_group_rule`` visits only groups with one hidden cell (through a heap) instead of walking
every group; a block held by one group skips the linear algebra; a block whose cells each sit
in two balanced equations is solved as a graph (its bridges). All must give the answer of the
plain walk and of the null-space check, on any groups and values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.analysis._common import exact_sum, grouped_exact_sum
from evaluation.analysis.suppression import (
    _blocks,
    _free_cells,
    _group_rule,
    _Groups,
    _pick_complement,
    _pinned_by_graph,
    _pinned_by_null_space,
)


def _plain_group_rule(groups, values, hidden, suppressible) -> bool:
    """The first version: every group in turn, its hidden count taken when visited."""
    changed = False
    for g in groups:
        if int(hidden[g].sum()) == 1:
            cands = g[suppressible[g] & ~hidden[g]]
            if len(cands):
                order = sorted(cands, key=lambda i: (values[i] == 0, values[i], i))
                hidden[int(order[0])] = True
                changed = True
    return changed


@st.composite
def _tables(draw):
    n = draw(st.integers(1, 30))
    rows = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    cols = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    values = np.array(draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)), dtype=float)
    hidden = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    suppressible = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    groups = []
    for keys in (rows, cols):
        for k in sorted(set(keys)):
            groups.append(np.array([i for i in range(n) if keys[i] == k]))
    return groups, values, hidden, suppressible


@settings(max_examples=300, deadline=None)
@given(_tables())
def test_group_rule_equals_the_plain_walk(table):
    groups, values, hidden, suppressible = table
    quick, plain = hidden.copy(), hidden.copy()
    gs = _Groups(groups, len(values))
    while True:
        a = _group_rule(gs, values, quick, suppressible)
        b = _plain_group_rule(groups, values, plain, suppressible)
        assert a == b
        assert (quick == plain).all()
        if not a:
            break


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([-1.0, 1.0]), min_size=1, max_size=60))
def test_one_equation_pins_a_cell_only_when_it_is_alone(signs):
    free = _free_cells(np.array([signs]))
    assert free.all() == (len(signs) > 1)
    assert free.any() == (len(signs) > 1)


@st.composite
def _blocked_tables(draw):
    """Cells in a table's rows and columns (sometimes a third grouping), with total levels
    (sometimes) and hidden cells: every shape a block of ``_pinned`` can have."""
    n = draw(st.integers(1, 40))
    keys = [draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)) for _ in range(3)]
    n_groupings = draw(st.sampled_from([2, 2, 2, 1, 3]))
    levels = np.array(
        draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
        if draw(st.booleans())
        else [0] * n
    )
    hidden = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    groups = []
    for grouping in keys[:n_groupings]:
        for k in sorted(set(grouping)):
            groups.append(np.array([i for i in range(n) if grouping[i] == k]))
    return groups, levels, hidden


@settings(max_examples=400, deadline=None)
@given(_blocked_tables())
def test_pinned_cells_of_a_graph_block_equal_the_null_space_answer(table):
    groups, levels, hidden = table
    gs = _Groups(groups, len(levels))
    for hid, block_groups, touching in _blocks(gs, hidden):
        by_graph = _pinned_by_graph(gs, levels, hid, touching)
        if by_graph is not None:
            assert by_graph == _pinned_by_null_space(levels, hid, block_groups)


def test_a_table_without_totals_is_solved_as_a_graph_and_a_cycle_pins_nothing():
    # a 2x2 table, all four cells hidden: rows r0 r1, columns c0 c1 form one cycle
    groups = [np.array([0, 1]), np.array([2, 3]), np.array([0, 2]), np.array([1, 3])]
    levels = np.zeros(4, dtype=int)
    gs = _Groups(groups, 4)
    [(hid, _, touching)] = _blocks(gs, np.ones(4, dtype=bool))
    assert _pinned_by_graph(gs, levels, hid, touching) == []
    # cells 0 and 1 hidden in row r0, cell 2 hidden alone in its row: 0 links r0 and c0,
    # 1 links r0 and c1, 2 links r1 and c0; no cycle, so each follows from the totals
    hidden = np.array([True, True, True, False])
    [(hid, block_groups, touching)] = _blocks(gs, hidden)
    assert _pinned_by_graph(gs, levels, hid, touching) == [0, 1, 2]
    assert _pinned_by_null_space(levels, hid, block_groups) == [0, 1, 2]


def test_a_block_that_is_no_graph_is_left_to_the_null_space():
    # a third grouping puts cell 0 in three equations
    groups = [np.array([0, 1]), np.array([0, 1]), np.array([0, 1])]
    gs = _Groups(groups, 2)
    [(hid, _, touching)] = _blocks(gs, np.ones(2, dtype=bool))
    assert _pinned_by_graph(gs, np.zeros(2, dtype=int), hid, touching) is None


def test_complement_prefers_the_smallest_non_zero_then_the_first_row():
    values = np.array([0.0, 3.0, 2.0, 2.0, 7.0])
    assert _pick_complement(np.array([0, 1, 2, 3, 4]), values) == 2
    assert _pick_complement(np.array([0]), values) == 0
    assert _pick_complement(np.array([], dtype=int), values) is None


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.one_of(st.floats(-1e6, 1e6), st.just(float("nan")))),
        min_size=1,
        max_size=40,
    )
)
def test_grouped_sum_equals_fsum_per_group(pairs):
    frame = pd.DataFrame(pairs, columns=["k", "v"])
    got = grouped_exact_sum(frame.groupby("k")["v"])
    want = frame.groupby("k")["v"].agg(exact_sum)
    pd.testing.assert_series_equal(got, want, check_exact=True)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.one_of(st.integers(-(10**9), 10**9).map(float), st.just(float("nan"))),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_grouped_sum_of_whole_numbers_equals_fsum_per_group(pairs):
    frame = pd.DataFrame(pairs, columns=["k", "v"])
    got = grouped_exact_sum(frame.groupby("k")["v"])
    want = frame.groupby("k")["v"].agg(exact_sum)
    pd.testing.assert_series_equal(got, want, check_exact=True)
