"""Cell suppression with an audit: which published numbers to withhold so none gives a small
count of people away, alone or together with every other number the audience can get.

The problem is the one statistical offices solve for their tables (tau-ARGUS, sdcTable):

- **cells** are the numbers some output publishes (an observation, an initiative's value, a
  portfolio total, a flow), each with its exact value;
- **equations** say how cells add up (``sum(parts) - total = 0``); a reader knows them, and
  knows every count is at least zero;
- **primary** cells are small counts of people (above zero, under the threshold) that the
  audience may not see; **exact** cells are those it sees anyway (an initiative's own counts).

A withheld cell is protected when every value from its lowest to its highest one consistent
with all published cells, all equations and non-negativity spans more than the threshold
(for a count of 3 under a threshold of 5: a reader cannot narrow it below a range of 6).
``protect`` withholds the primary cells, then audits each block of linked withheld cells and
withholds a complementary cell wherever a range is too narrow, until every range is wide
enough. The ranges come from linear programming (HiGHS through scipy) except where a closed
form is exact: a cell in no equation ranges from 0 to infinity; in a block held by one
equation, a cell with a withheld partner of opposite sign is unbounded, and otherwise ranges
over the withheld sum.

Complements are chosen to withhold as little as possible: the lowest level first (an
observation before an initiative's value, a value before a portfolio total), then the
smallest value that closes the gap, else the largest below it; zeros last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

INF = float("inf")


@dataclass
class Cells:
    """The cells of one protection problem, as parallel arrays, and their equations.

    ``equations`` holds ``(cell positions, coefficients)`` pairs, each meaning
    ``sum(coefficient * value) == 0`` over the exact values. ``level`` orders complements
    (lower is withheld first). ``complementable`` marks cells that may be withheld to protect
    others (every cell by default).
    """

    value: np.ndarray
    primary: np.ndarray
    exact: np.ndarray
    level: np.ndarray
    equations: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    complementable: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.value)
        self.value = np.asarray(self.value, dtype=float)
        self.primary = np.asarray(self.primary, dtype=bool)
        self.exact = np.asarray(self.exact, dtype=bool)
        self.level = np.asarray(self.level, dtype=float)
        if self.complementable is None:
            self.complementable = np.ones(n, dtype=bool)
        self.complementable = np.asarray(self.complementable, dtype=bool)


def _equations_of(n: int, equations: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[list[int]]:
    """Per cell, the equations it appears in."""
    of: list[list[int]] = [[] for _ in range(n)]
    for k, (idx, _) in enumerate(equations):
        for p in idx.tolist():
            of[p].append(k)
    return of


def _blocks(
    hidden: np.ndarray,
    equations: Sequence[tuple[np.ndarray, np.ndarray]],
    of: list[list[int]],
    starts: np.ndarray | None = None,
) -> list[tuple[list[int], list[int]]]:
    """Withheld cells linked by sharing an equation: (cells, equations touching them); only
    the blocks holding one of ``starts`` where those are given."""
    seen: set[int] = set()
    out = []
    starts = np.flatnonzero(hidden) if starts is None else starts[hidden[starts]]
    for start in starts.tolist():
        if start in seen:
            continue
        cells, eqs, todo = [], set(), [start]
        seen.add(start)
        while todo:
            p = todo.pop()
            cells.append(p)
            for k in of[p]:
                if k in eqs:
                    continue
                eqs.add(k)
                members = equations[k][0]
                for q in members[hidden[members]].tolist():
                    if q not in seen:
                        seen.add(q)
                        todo.append(q)
        out.append((sorted(cells), sorted(eqs)))
    out.sort(key=lambda block: block[0][0])  # in the order of their first cell, as from all
    return out


def _system(
    cells: list[int],
    eqs: list[int],
    values: np.ndarray,
    hidden: np.ndarray,
    equations: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """``a @ x = b`` over the block's withheld cells (published cells moved to the right)."""
    at = np.asarray(cells, dtype=np.int64)  # sorted: a cell's column is its place here
    a = np.zeros((len(eqs), len(cells)))
    b = np.zeros(len(eqs))
    for r, k in enumerate(eqs):
        idx, coef = equations[k]
        mine = hidden[idx]
        np.add.at(a[r], np.searchsorted(at, idx[mine]), coef[mine])
        b[r] = -float(coef[~mine] @ values[idx[~mine]])
    return a, b


def block_ranges(
    cells: list[int],
    eqs: list[int],
    values: np.ndarray,
    hidden: np.ndarray,
    equations: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest value of each withheld cell of a block that a reader can
    reach: consistent with every published cell, every equation and non-negativity."""
    n = len(cells)
    if not eqs:
        return np.zeros(n), np.full(n, INF)
    a, b = _system(cells, eqs, values, hidden, equations)
    if len(eqs) == 1:
        return _one_equation(a[0], float(b[0]))
    return _lp_ranges(a, b)


def _one_equation(row: np.ndarray, rhs: float) -> tuple[np.ndarray, np.ndarray]:
    """The ranges of the withheld cells of a block held by one equation, ``row @ x = rhs``."""
    n = len(row)
    if (row > 0).any() and (row < 0).any():
        # a withheld partner of opposite sign can grow with it: no upper bound
        return np.zeros(n), np.full(n, INF)
    sign = 1.0 if (row >= 0).all() else -1.0
    top = max(sign * rhs, 0.0) / np.abs(row)
    if n == 1:
        return top, top.copy()  # alone in its equation: the equation gives it away
    return np.zeros(n), top


def _lp_ranges(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from scipy.optimize import linprog  # only blocks of several equations need it

    n = a.shape[1]
    lo, hi = np.zeros(n), np.full(n, INF)
    for j in range(n):
        c = np.zeros(n)
        c[j] = 1.0
        res = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if res.status == 0:
            lo[j] = max(0.0, float(res.fun))
        res = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        if res.status == 0:
            hi[j] = float(-res.fun)
        elif res.status != 3:  # 3: unbounded
            hi[j] = lo[j]
    return lo, hi


def _pick(
    weak: int,
    deficit: float,
    block_eqs: list[int],
    cells: Cells,
    hidden: np.ndarray,
    of: list[list[int]],
) -> int | None:
    """The complement that closes a weak cell's gap at the least cost, or None."""
    equations = cells.equations
    usable = cells.complementable & ~hidden & ~cells.exact

    def best(eqs: list[int]) -> int | None:
        cands = np.unique(
            np.concatenate([equations[k][0] for k in eqs]) if eqs else np.zeros(0, dtype=int)
        )
        cands = cands[usable[cands]] if len(cands) else cands
        if not len(cands):
            return None
        v = cells.value[cands]
        lv = cells.level[cands]
        top = lv.min()
        pool = cands[(lv == top) & (v > 0)]
        if not len(pool):
            pool = cands[lv == top]
            if not len(pool):
                return None
        pv = cells.value[pool]
        enough = pool[pv >= deficit]
        if len(enough):
            ev = cells.value[enough]
            return int(enough[np.lexsort((enough, ev))[0]])
        return int(pool[np.lexsort((pool, -pv))[0]])

    got = best(of[weak])
    return got if got is not None else best(block_eqs)


def protect(
    cells: Cells,
    threshold: int,
    max_rounds: int = 100_000,
    start: np.ndarray | None = None,
    focus: np.ndarray | None = None,
    of: list[list[int]] | None = None,
) -> np.ndarray:
    """Which cells to withhold: the primary ones (and ``start``) and enough complements that
    every withheld cell's range spans more than ``threshold``. Exact cells are never withheld.

    ``focus`` limits the audit to blocks whose equations hold a focus cell (the others are
    known to be protected already: a reader who knows the focus cells learns nothing new
    about them). ``of`` (each cell's equations) may be passed when it is known already."""
    n = len(cells.value)
    hidden = cells.primary & ~cells.exact
    if start is not None:
        hidden = hidden | (start & ~cells.exact)
    if not hidden.any():
        return hidden
    if of is None:
        of = _equations_of(n, cells.equations)
    # with a focus, the blocks to audit are those holding a cell of a focus cell's equation
    near = None if focus is None else _near(np.flatnonzero(focus), cells.equations, of)
    done: set[tuple[int, ...]] = set()  # blocks whose every range is wide enough
    for _ in range(max_rounds):
        # after each complement the blocks are found again (a complement may join two)
        pick = None
        for block, eqs in _blocks(hidden, cells.equations, of, near):
            key = tuple(block)
            if key in done:
                continue
            lo, hi = block_ranges(block, eqs, cells.value, hidden, cells.equations)
            weak = [
                (p, w) for p, w in zip(block, (hi - lo).tolist(), strict=True) if w <= threshold
            ]
            for p, w in weak:
                pick = _pick(p, threshold + 1 - w, eqs, cells, hidden, of)
                if pick is None:
                    pick = _pick_wider(p, eqs, cells, hidden, of)
                if pick is not None:
                    break
            if pick is not None:
                break
            done.add(key)  # wide enough, or nothing left to withhold (the audit says so)
        if pick is None:
            return hidden
        hidden[pick] = True
    return hidden


def _near(
    cells: np.ndarray, equations: Sequence[tuple[np.ndarray, np.ndarray]], of: list[list[int]]
) -> np.ndarray:
    """The cells that share an equation with one of ``cells`` (sorted, without repeats)."""
    eqs = {k for p in cells.tolist() for k in of[p]}
    if not eqs:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate([equations[k][0] for k in sorted(eqs)])).astype(np.int64)


def protect_shared(
    value: np.ndarray,
    primary: np.ndarray,
    level: np.ndarray,
    equations: Sequence[tuple[np.ndarray, np.ndarray]],
    owners: Sequence[frozenset[str]],
    threshold: int,
) -> np.ndarray:
    """One pattern of withheld cells for every reader: protected against a reader who knows
    only the published cells, and against each owner, who knows its own cells (``owners``:
    per cell, who knows it exactly) besides.

    The problem falls apart into sets of cells linked through equations; each is solved on
    its own (a complement is chosen, and a range reached, only within one set). Within a set,
    an owner none of whose cells is withheld knows no more than any reader, so only owners of
    a withheld cell are audited; after each round of owners the reader who knows nothing is
    audited again, until no one can narrow a withheld cell."""
    value = np.asarray(value, dtype=float)
    primary = np.asarray(primary, dtype=bool)
    level = np.asarray(level, dtype=float)
    hidden = primary.copy()
    for cells_at, eqs in linked_sets(len(value), equations):
        if not primary[cells_at].any() or not eqs:
            continue  # nothing to protect, or a cell alone: withheld without complements
        local = [(np.searchsorted(cells_at, equations[k][0]), equations[k][1]) for k in eqs]
        hidden[cells_at] = _protect_set(
            value[cells_at], primary[cells_at], level[cells_at], local,
            [owners[p] for p in cells_at.tolist()], threshold,
        )  # fmt: skip
    return hidden


def _protect_set(
    value: np.ndarray,
    primary: np.ndarray,
    level: np.ndarray,
    equations: list[tuple[np.ndarray, np.ndarray]],
    owners: list[frozenset[str]],
    threshold: int,
) -> np.ndarray:
    n = len(value)
    of = _equations_of(n, equations)
    none = np.zeros(n, dtype=bool)
    public = Cells(value, primary, none, level, equations)
    hidden = protect(public, threshold, of=of)
    cells_of: dict[str, list[int]] = {}  # each reader's cells
    for p, own in enumerate(owners):
        for o in own:
            cells_of.setdefault(o, []).append(p)
    known = {o: np.array(at, dtype=np.int64) for o, at in cells_of.items()}
    readers = sorted(known)
    changed = bool(hidden.any())
    while changed:
        changed = False
        # the pattern as the reader who knows nothing last audited it (until an owner adds)
        blocks: _Blocks | None = _Blocks(hidden, value, equations, of)
        for o in readers:
            at = known[o]
            withheld = int(hidden[at].sum())
            if not withheld or withheld == int(hidden.sum()):
                continue  # knows no more than anyone, or nothing of others is withheld
            if blocks is not None and blocks.still_wide(at[hidden[at]], threshold):
                continue  # what it knows leaves every withheld cell of the others wide
            mine = np.zeros(n, dtype=bool)
            mine[at] = True
            cells = Cells(value, primary, mine, level, equations, complementable=~mine)
            more = protect(cells, threshold, start=hidden & ~mine, focus=mine, of=of)
            add = more & ~hidden & ~mine
            if add.any():
                hidden |= add
                changed = True
                blocks = None  # not audited for everyone yet: the owners after it in full
        if changed:  # the owners' complements, audited for the reader who knows nothing
            hidden |= protect(public, threshold, start=hidden, of=of)
    return hidden


class _Blocks:
    """The blocks of a pattern of withheld cells, to tell cheaply when an owner's knowledge
    leaves every other withheld cell wide: the owner audit is the same pattern with the
    owner's withheld cells published, which changes only the blocks holding them (a block
    loses cells, and may fall apart, but never joins another). Where each of those is held
    by one equation, what is left of it is one block of that equation, whose ranges have a
    closed form; otherwise the owner is audited in full."""

    def __init__(
        self,
        hidden: np.ndarray,
        value: np.ndarray,
        equations: Sequence[tuple[np.ndarray, np.ndarray]],
        of: list[list[int]],
    ) -> None:
        self.value = value
        self.of_cell = np.full(len(hidden), -1, dtype=np.int64)
        self.one: list[tuple[np.ndarray, np.ndarray, float] | None] = []
        for b, (cells, eqs) in enumerate(_blocks(hidden, equations, of)):
            self.of_cell[cells] = b
            if len(eqs) != 1:
                self.one.append(None)
                continue
            a, rhs = _system(cells, eqs, value, hidden, equations)
            self.one.append((np.asarray(cells, dtype=np.int64), a[0], float(rhs[0])))

    def still_wide(self, known: np.ndarray, threshold: int) -> bool:
        """Whether, with the withheld cells ``known`` published, every withheld cell left in
        their blocks still ranges over more than ``threshold``."""
        for b in np.unique(self.of_cell[known]).tolist():
            one = self.one[b]
            if one is None:
                return False
            cells, row, rhs = one
            out = np.isin(cells, known)
            left = ~out
            if not left.any():
                continue
            rhs -= float(row[out] @ self.value[cells[out]])
            lo, hi = _one_equation(row[left], rhs)
            if ((hi - lo) <= threshold).any():
                return False
        return True


def linked_sets(
    n: int, equations: Sequence[tuple[np.ndarray, np.ndarray]]
) -> list[tuple[np.ndarray, list[int]]]:
    """The cells linked through equations, set by set: (cell positions, sorted; equations)."""
    eqs = [k for k, (idx, _) in enumerate(equations) if len(idx)]
    if not eqs:
        return [(np.array([p], dtype=np.int64), []) for p in range(n)]
    # each cell takes the lowest label over its equations until no label changes (as many
    # rounds as the longest chain of equations, with a jump to the label's label between)
    sizes = np.array([len(equations[k][0]) for k in eqs])
    cols = np.concatenate([equations[k][0] for k in eqs]).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    label = np.arange(n)
    while True:
        low = np.repeat(np.minimum.reduceat(label[cols], starts), sizes)
        new = label.copy()
        np.minimum.at(new, cols, low)
        new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    order = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    eqs_of: dict[int, list[int]] = {}
    for k, first in zip(eqs, cols[starts].tolist(), strict=True):
        eqs_of.setdefault(int(label[first]), []).append(k)
    return [(part, eqs_of.get(int(label[part[0]]), [])) for part in np.split(order, cuts)]


def _pick_wider(
    weak: int, eqs: list[int], cells: Cells, hidden: np.ndarray, of: list[list[int]]
) -> int | None:
    """When no cell of the weak cell's own equations can be withheld: any usable cell of an
    equation of the block, then of an equation next to it."""
    usable = cells.complementable & ~hidden & ~cells.exact
    ring = set(eqs)
    for _ in range(3):
        cands = sorted({q for k in ring for q in cells.equations[k][0].tolist() if usable[q]})
        if cands:
            arr = np.array(cands)
            return int(arr[np.lexsort((arr, -cells.value[arr], cells.level[arr]))[0]])
        ring = {k2 for k in ring for q in cells.equations[k][0].tolist() for k2 in of[q]}
    return None


def audit(cells: Cells, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, the range a reader can reach: (value, value) for a published cell."""
    lo = np.where(hidden, 0.0, cells.value)
    hi = np.where(hidden, INF, cells.value)
    of = _equations_of(len(cells.value), cells.equations)
    for block, eqs in _blocks(hidden, cells.equations, of):
        blo, bhi = block_ranges(block, eqs, cells.value, hidden, cells.equations)
        lo[block], hi[block] = blo, bhi
    return lo, hi
