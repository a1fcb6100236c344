"""The cell-suppression engine (``evaluation.protection``) on its own: the ranges it computes
agree with a linear program written here, every withheld cell it leaves is protected, and its
complements are as small as will do."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.disclosure import shown_value, small_number_threshold
from evaluation.protection import Cells, _Blocks, audit, protect, protect_shared

linprog = pytest.importorskip("scipy.optimize").linprog


def _table(values: list[float], levels: list[int] | None = None) -> Cells:
    """Initiative values and their portfolio total (the last cell)."""
    v = np.array([*values, sum(values)], dtype=float)
    n = len(values)
    eq = [(np.arange(n + 1), np.array([1.0] * n + [-1.0]))]
    lv = np.array(levels or [1] * n + [2])
    return Cells(
        value=v, primary=(v > 0) & (v < 5), exact=np.zeros(n + 1, bool), level=lv, equations=eq
    )


def _lp(cells: Cells, hidden: np.ndarray) -> dict[int, tuple[float, float]]:
    """Each withheld cell's range, from one linear program over all cells (no blocks)."""
    idx = np.flatnonzero(hidden)
    col = {p: j for j, p in enumerate(idx)}
    a, b = [], []
    for cells_, coef in cells.equations:
        row = np.zeros(len(idx))
        rhs = 0.0
        for p, c in zip(cells_.tolist(), coef.tolist(), strict=True):
            if hidden[p]:
                row[col[p]] += c
            else:
                rhs -= c * cells.value[p]
        if row.any():
            a.append(row)
            b.append(rhs)
    out = {}
    for p, j in col.items():
        c = np.zeros(len(idx))
        c[j] = 1
        if not a:
            out[p] = (0.0, math.inf)
            continue
        lo = linprog(c, A_eq=np.array(a), b_eq=np.array(b), bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=np.array(a), b_eq=np.array(b), bounds=(0, None), method="highs")
        out[p] = (lo.fun if lo.status == 0 else 0.0, -hi.fun if hi.status == 0 else math.inf)
    return out


def test_a_small_count_is_withheld_with_the_smallest_complement_that_protects_it():
    cells = _table([3, 7, 10, 22])
    hidden = protect(cells, 5)
    assert hidden.tolist() == [True, True, False, False, False]  # the total 42 stays shown
    lo, hi = audit(cells, hidden)
    assert (hi - lo)[hidden].min() > 5


def test_two_small_counts_that_add_up_to_little_take_a_third():
    cells = _table([3, 1, 10, 22])
    hidden = protect(cells, 5)
    assert hidden.tolist() == [True, True, True, False, False]


def test_a_total_is_withheld_only_when_no_part_can_protect():
    cells = _table([3, 0])  # the only other part is a zero: withholding it adds nothing
    hidden = protect(cells, 5)
    assert hidden[-1]  # so the small total itself goes


def test_exact_cells_are_never_withheld():
    cells = _table([3, 7, 10])
    cells.exact[1] = True  # the viewer's own count
    hidden = protect(cells, 5)
    assert not hidden[1] and hidden[0]
    assert _lp(cells, hidden)[0][1] - _lp(cells, hidden)[0][0] > 5


@st.composite
def nested(draw):
    """Observations in initiatives in a portfolio total: two levels of equations."""
    n_ini = draw(st.integers(1, 5))
    values, levels, eqs, ini_cells = [], [], [], []
    for _ in range(n_ini):
        parts = draw(st.lists(st.integers(0, 25) | st.integers(0, 6), min_size=1, max_size=3))
        start = len(values)
        values += [float(p) for p in parts]
        levels += [0] * len(parts)
        values.append(float(sum(parts)))
        levels.append(1)
        ini = len(values) - 1
        eqs.append((np.array([*range(start, ini), ini]), np.array([1.0] * len(parts) + [-1.0])))
        ini_cells.append(ini)
    values.append(float(sum(values[i] for i in ini_cells)))
    levels.append(2)
    eqs.append((np.array([*ini_cells, len(values) - 1]), np.array([1.0] * n_ini + [-1.0])))
    v = np.array(values)
    return Cells(
        value=v,
        primary=(v > 0) & (v < 5),
        exact=np.zeros(len(v), bool),
        level=np.array(levels),
        equations=eqs,
    )


@settings(max_examples=60, deadline=None)
@given(nested())
def test_every_withheld_cell_spans_more_than_the_threshold(cells):
    hidden = protect(cells, 5)
    assert hidden[(cells.value > 0) & (cells.value < 5)].all()
    ranges = _lp(cells, hidden)
    lo, hi = audit(cells, hidden)
    for p, (a, b) in ranges.items():
        assert b - a > 5, (p, cells.value[p], a, b)
        assert lo[p] == pytest.approx(a, abs=1e-6)
        assert (hi[p] == math.inf and b == math.inf) or hi[p] == pytest.approx(b, abs=1e-6)


def test_threshold_from_argument_then_environment_then_default(monkeypatch):
    monkeypatch.delenv("EVALUATION_SMALL_NUMBER_THRESHOLD", raising=False)
    assert small_number_threshold() == 5
    monkeypatch.setenv("EVALUATION_SMALL_NUMBER_THRESHOLD", "10")
    assert small_number_threshold() == 10
    assert small_number_threshold(3) == 3
    monkeypatch.setenv("EVALUATION_SMALL_NUMBER_THRESHOLD", "five")
    with pytest.raises(ValueError, match="whole number"):
        small_number_threshold()


def test_a_withheld_number_is_written_with_one_neutral_mark():
    # never "<5": a withheld complement may be large, and the mark must not say otherwise
    assert shown_value(None, True, "nl", threshold=5) == "afgeschermd"
    assert shown_value(None, True, "en", threshold=10) == "withheld"
    assert shown_value(7, False, "en") == 7


@st.composite
def owned(draw):
    """A nested table whose initiatives each know their own cells (observations and value)."""
    cells = draw(nested())
    owners: list[frozenset[str]] = [frozenset()] * len(cells.value)
    for k, (idx, _) in enumerate(cells.equations[:-1]):  # each initiative's own equation
        for p in idx.tolist():
            owners[p] = frozenset({f"i{k}"})
    return cells, owners


def _shared(cells: Cells, owners: list[frozenset[str]]) -> np.ndarray:
    return protect_shared(
        cells.value, cells.primary, cells.level, cells.equations, owners, threshold=5
    )


@settings(max_examples=60, deadline=None)
@given(owned())
def test_no_owner_knowing_its_own_cells_can_narrow_another_withheld_cell(problem):
    """Against the reader who knows nothing (every withheld cell) and against each
    initiative, for the cells of the others (a total made of its own cells only is its own
    number: it may know it)."""
    cells, owners = problem
    hidden = _shared(cells, owners)
    for reader in [None, *sorted({o for own in owners for o in own})]:
        mine = np.array([reader in own for own in owners], dtype=bool)
        for p, (a, b) in _lp(cells, hidden & ~mine).items():
            if reader is None or owners[p]:
                assert b - a > 5, (reader, p, cells.value[p], a, b)


@settings(max_examples=80, deadline=None)
@given(owned())
def test_the_shortcut_for_owners_gives_the_pattern_a_full_audit_of_each_gives(problem):
    """An owner whose knowledge provably leaves every block wide is not audited again (a
    shortcut for speed); auditing every owner in full must give the very same cells."""
    cells, owners = problem
    quick = _shared(cells, owners)
    full = _Blocks.still_wide
    try:
        _Blocks.still_wide = lambda self, known, threshold: False  # type: ignore[method-assign]
        slow = _shared(cells, owners)
    finally:
        _Blocks.still_wide = full  # type: ignore[method-assign]
    assert quick.tolist() == slow.tolist()
