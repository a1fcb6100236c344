"""The quick paths in suppression decide exactly as the plain ones they replace.

``_group_rule`` visits only groups with one hidden cell (through a heap) instead of walking
every group; a block held by one group skips the linear algebra. Both must give the answer
of the plain walk and of the null-space check, on any groups and values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.analysis._common import exact_sum, grouped_exact_sum
from evaluation.analysis.suppression import (
    _free_cells,
    _group_rule,
    _Groups,
    _pick_complement,
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
