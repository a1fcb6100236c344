"""Protection of small numbers (DESIGN.md section 5: "small numbers are protected").

In every view for someone other than the initiative itself, a count of people under a
threshold (default 5; ``EVALUATION_SMALL_NUMBER_THRESHOLD`` or an argument) is withheld: the
value becomes ``None`` and a flag column ``<col>_suppressed`` is True, shown as "<5".

Decisions:

- **Zero is shown.** A zero points to no person, and hiding zeros would hide the gaps the
  phase puzzle is meant to show. Zeros can still be withheld as a *complement* (below).
- **Complementary suppression.** A hidden cell must not be recoverable from a total: a row
  or column total that is shown, or a total a reader computes from visible cells and a figure
  published elsewhere. Cells are grouped (``group_columns``); every group's sum is assumed to
  be known. If a group holds exactly one hidden cell, its next smallest visible cell (non-zero
  cells first) is hidden too. After that a linear check hides further cells until no hidden
  cell is determined by the group sums (the equations a reader could solve).
- **Whose counts are exact.** A row is exact for the viewer when the viewer is the initiative
  in any of ``owner_columns`` (for a hand-over between two initiatives, both know the people
  handed over). Rows marked as ``total_rows`` aggregate others and are never exact.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import numpy as np
import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import blank
from evaluation.i18n import t

DEFAULT_THRESHOLD = 5
THRESHOLD_ENV = "EVALUATION_SMALL_NUMBER_THRESHOLD"
# above this many hidden cells in one linked block the linear check is skipped for that block
# (the one-hidden-cell-per-group rule still applies)
_LINEAR_CHECK_LIMIT = 400


def small_number_threshold(threshold: int | None = None) -> int:
    """The threshold in force: the argument, else the environment setting, else 5."""
    if threshold is not None:
        return int(threshold)
    raw = os.environ.get(THRESHOLD_ENV, "").strip()
    if not raw:
        return DEFAULT_THRESHOLD
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{THRESHOLD_ENV} must be a whole number, not {raw!r}") from exc
    if value < 0:
        raise ValueError(f"{THRESHOLD_ENV} must not be negative, not {raw!r}")
    return value


def shown_value(value: object, suppressed: bool, lang: str = "nl", threshold: int | None = None):
    """What a view displays for a possibly withheld count: the value, or "<5"."""
    if suppressed:
        return t("analysis.suppressed", lang, threshold=small_number_threshold(threshold))
    return value


def _groupings(
    group_columns: Sequence[str] | Sequence[Sequence[str]] | None,
) -> list[list[str]]:
    if group_columns is None:
        return [[]]
    items = list(group_columns)
    if not items:
        return [[]]
    if all(isinstance(g, str) for g in items):
        return [list(items)]  # type: ignore[arg-type]
    return [[g] if isinstance(g, str) else list(g) for g in items]


def _total_levels(frame: pd.DataFrame, total_rows: object) -> np.ndarray:
    """0 for a cell, 1 for a total, 2 for a total of totals, ... (``True`` counts as 1)."""
    if total_rows is None:
        return np.zeros(len(frame), dtype=int)
    raw = frame[total_rows] if isinstance(total_rows, str) else pd.Series(total_rows)
    return pd.to_numeric(pd.Series(list(raw)), errors="coerce").fillna(0).astype(int).to_numpy()


def _mask(frame: pd.DataFrame, rows: object, default: bool) -> np.ndarray:
    if rows is None:
        return np.full(len(frame), default, dtype=bool)
    raw = frame[rows] if isinstance(rows, str) else pd.Series(list(rows))
    return pd.Series(list(raw)).fillna(False).astype(bool).to_numpy()


def _exact_for(col: pd.Series, viewer: Principal) -> np.ndarray:
    """Rows whose owner in ``col`` is someone ``viewer`` sees exact counts of (asked once
    per distinct owner)."""
    codes, uniq = pd.factorize(col, use_na_sentinel=True)
    sees = np.array(
        [not blank(v) and viewer.sees_exact_counts_of(str(v)) for v in uniq] + [False],
        dtype=bool,
    )
    return sees[codes]  # the sentinel -1 (a blank owner) takes the last entry, False


def _shown(values: np.ndarray, hidden: np.ndarray) -> list:
    """What each cell shows: None when withheld or blank, else an int for a whole number and
    a float otherwise (as ``int(v) if float(v).is_integer() else float(v)``)."""
    out = np.full(len(values), None, dtype=object)
    keep = ~hidden & ~np.isnan(values)
    whole = keep & np.isfinite(values) & (values == np.floor(values))
    big = whole & (np.abs(values) >= 2**62)
    whole &= ~big
    frac = keep & ~whole & ~big
    out[np.flatnonzero(frac)] = values[frac].tolist()
    out[np.flatnonzero(whole)] = values[whole].astype(np.int64).tolist()
    out[np.flatnonzero(big)] = [int(v) for v in values[big].tolist()]
    return out.tolist()


def _group_members(frame: pd.DataFrame, groupings: list[list[str]], usable: pd.Series):
    """Lists of row positions, one per group, over rows with a value."""
    pos = np.flatnonzero(usable.to_numpy())
    sub = frame.iloc[pos]
    groups: list[np.ndarray] = []
    for keys in groupings:
        if not keys:
            groups.append(pos)
            continue
        key_frame = sub[keys].astype(object).where(sub[keys].notna(), "\0none")
        for _, idx in key_frame.groupby(keys, sort=False, dropna=False).indices.items():
            groups.append(pos[idx])
    return [g for g in groups if len(g)]


def _signs(group: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The group's equation: its parts (+1) add up to its total (-1), the highest level in it.

    A group without a total of its own gets +1 throughout: its sum is assumed to be known
    (a reader may find it published elsewhere).
    """
    lv = levels[group]
    if lv.min() == lv.max():
        return np.ones(len(group))
    return np.where(lv == lv.max(), -1.0, 1.0)


def _pick_complement(cands: np.ndarray, values: np.ndarray) -> int | None:
    if not len(cands):
        return None
    cands = np.asarray(cands, dtype=np.int64)
    v = values[cands]
    # non-zero cells first, then the smallest value, then the first row
    return int(cands[np.lexsort((cands, v, v == 0))[0]])


class _Groups:
    """The groups as flat arrays: members of group ``k`` are ``members[ptr[k]:ptr[k + 1]]``,
    and the groups of cell ``p`` are ``by_cell[cptr[p]:cptr[p + 1]]`` (in group order)."""

    def __init__(self, groups: list[np.ndarray], n_cells: int) -> None:
        self.groups = groups
        sizes = np.array([len(g) for g in groups], dtype=np.int64)
        self.ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.members = (
            np.concatenate(groups).astype(np.int64) if groups else np.zeros(0, dtype=np.int64)
        )
        self.gid = np.repeat(np.arange(len(groups), dtype=np.int64), sizes)
        order = np.argsort(self.members, kind="stable")
        self.by_cell = self.gid[order]
        counts = np.bincount(self.members, minlength=n_cells)
        self.cptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._levels: tuple[np.ndarray, list, list, list] | None = None

    def of_cell(self, p: int) -> np.ndarray:
        return self.by_cell[self.cptr[p] : self.cptr[p + 1]]

    def level_info(self, levels: np.ndarray) -> tuple[list, list, list]:
        """Per group its highest level and whether it holds a total (levels differ), and the
        levels as a list: what ``_signs`` decides, for every group at once (kept per
        ``levels``, which stay the same while one column is protected)."""
        if self._levels is None or self._levels[0] is not levels:
            sizes = np.diff(self.ptr)
            if len(sizes) and (sizes > 0).all():
                lv = levels[self.members]
                top = np.maximum.reduceat(lv, self.ptr[:-1])
                has_total = np.minimum.reduceat(lv, self.ptr[:-1]) != top
            else:
                top = np.array([levels[g].max() if len(g) else 0 for g in self.groups])
                has_total = np.array(
                    [bool(len(g)) and levels[g].min() != levels[g].max() for g in self.groups]
                )
            self._levels = (levels, top.tolist(), has_total.tolist(), levels.tolist())
        return self._levels[1], self._levels[2], self._levels[3]

    def hidden_counts(self, hidden: np.ndarray) -> np.ndarray:
        return np.bincount(
            self.gid, weights=hidden[self.members].astype(float), minlength=len(self.groups)
        ).astype(np.int64)


def _blocks(gs: _Groups, hidden: np.ndarray) -> list[tuple[list[int], list, list]]:
    """Hidden cells split into independent blocks (cells linked by sharing a group).

    The equations are block-diagonal over these blocks, so each is solved on its own; this
    keeps the check cheap on a large portfolio. Returns (cells, groups touching them, and
    per such group its id and hidden cells) triples. Only groups holding a hidden cell are
    walked in Python (in group order, as before).
    """
    parent: dict[int, int] = {int(p): int(p) for p in np.flatnonzero(hidden)}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sel = hidden[gs.members]
    hid_members = gs.members[sel]
    hid_gid = gs.gid[sel]
    touched = np.unique(hid_gid)
    starts = np.searchsorted(hid_gid, touched, side="left")
    ends = np.searchsorted(hid_gid, touched, side="right")
    touching = []
    members = hid_members.tolist()
    for k, a, b in zip(touched.tolist(), starts.tolist(), ends.tolist(), strict=True):
        hs = members[a:b]
        touching.append((k, hs))
        for other in hs[1:]:
            parent[find(other)] = find(hs[0])
    cells: dict[int, list[int]] = {}
    for p in parent:
        cells.setdefault(find(p), []).append(p)
    eqs: dict[int, list] = {root: [] for root in cells}
    for k, hs in touching:
        eqs[find(hs[0])].append((k, hs))
    return [
        (sorted(cells[root]), [gs.groups[k] for k, _ in eqs[root]], eqs[root])
        for root in sorted(cells)
    ]


def _bridges(n_vertices: int, edges: list[tuple[int, int]]) -> list[bool]:
    """Which edges of a multigraph are bridges (on no cycle); parallel edges form a cycle.

    Iterative depth-first search with low points, keyed by edge so that a second edge
    between the same two vertices is not taken for the way back.
    """
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n_vertices)]
    for e, (u, v) in enumerate(edges):
        adj[u].append((v, e))
        adj[v].append((u, e))
    order = [-1] * n_vertices
    low = [0] * n_vertices
    bridge = [False] * len(edges)
    counter = 0
    for root in range(n_vertices):
        if order[root] >= 0:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, -1, iter(adj[root]))]
        while stack:
            u, via, it = stack[-1]
            for v, e in it:
                if e == via:
                    continue
                if order[v] < 0:
                    order[v] = low[v] = counter
                    counter += 1
                    stack.append((v, e, iter(adj[v])))
                    break
                low[u] = min(low[u], order[v])
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[u])
                    if low[u] > order[parent]:
                        bridge[via] = True
    return bridge


def _pinned_by_graph(
    gs: _Groups, levels: np.ndarray, hid: list[int], touching: list[tuple[int, list[int]]]
) -> list[int] | None:
    """The pinned cells of a block whose every hidden cell is in exactly two of its equations,
    or None when the block is not of that shape (then the linear algebra decides).

    Such equations are a graph: an equation is a vertex, a hidden cell an edge between its two
    equations. When the signs are balanced (every equation can be multiplied by +1 or -1 so
    that each cell has +1 in one and -1 in the other: always so for the rows and columns of a
    table without totals), the equations are those of a flow in that graph, whose free values
    are the circulations: a cell is free exactly when it lies on a cycle, and pinned exactly
    when it is a bridge. This is the answer of ``_free_cells`` without an eigendecomposition,
    which at portfolio scale (blocks of hundreds of cells, redone after every complement) was
    most of the time of the flows between phases.
    """
    top, has_total, lv = gs.level_info(levels)
    # per cell: [equation, sign] of its first equation, then of its second
    ends: dict[int, list] = {}
    for u, (k, hs) in enumerate(touching):
        total_level = top[k] if has_total[k] else None
        for p in hs:
            sign = -1.0 if total_level is not None and lv[p] == total_level else 1.0
            got = ends.get(p)
            if got is None:
                ends[p] = [u, sign]
            elif len(got) == 2:
                got += [u, sign]
            else:
                return None  # a third equation: no graph
    if len(ends) != len(hid) or any(len(e) != 4 for e in ends.values()):
        return None
    edges = []
    # balance: a factor per equation such that each cell's two coefficients cancel
    n = len(touching)
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for p in hid:
        u, su, v, sv = ends[p]
        edges.append((u, v))
        adj[u].append((v, -su * sv))
        adj[v].append((u, -su * sv))
    factor = [0.0] * n
    for root in range(n):
        if factor[root]:
            continue
        factor[root] = 1.0
        todo = [root]
        while todo:
            u = todo.pop()
            for v, rel in adj[u]:
                want = factor[u] * rel
                if not factor[v]:
                    factor[v] = want
                    todo.append(v)
                elif factor[v] != want:
                    return None
    bridge = _bridges(n, edges)
    return [p for p, b in zip(hid, bridge, strict=True) if b]


def _free_cells(a: np.ndarray) -> np.ndarray:
    """Which unknowns of ``a @ x = b`` can still move: those the null space of ``a`` touches.

    The null space comes from the eigenvectors of ``a.T @ a`` with eigenvalue zero (cheaper
    than an SVD; the matrices are small, with entries -1, 0 and 1).
    """
    w, v = np.linalg.eigh(a.T @ a)
    null = v[:, w < 1e-8]
    if not null.shape[1]:
        return np.zeros(a.shape[1], dtype=bool)
    return np.abs(null).max(axis=1) > 1e-7


def _pinned_by_null_space(levels: np.ndarray, hid: list[int], block_groups: list) -> list[int]:
    """The pinned cells of a block from the null space of its equations (any shape)."""
    col = {p: j for j, p in enumerate(hid)}
    rows = []
    for g in block_groups:
        r = np.zeros(len(hid))
        for p, sign in zip(g, _signs(g, levels), strict=True):
            if int(p) in col:
                r[col[int(p)]] = sign
        rows.append(r)
    free = _free_cells(np.vstack(rows))
    return [hid[j] for j in range(len(hid)) if not free[j]]


def _pinned(
    gs: _Groups,
    levels: np.ndarray,
    hidden: np.ndarray,
    cache: dict[tuple[int, ...], list[int]],
) -> list[tuple]:
    """Per block, the hidden cells whose value follows from the group equations (with the
    block's groups, where a complement can be found). ``cache`` keeps the answer for blocks
    that did not change since the last round.

    A block held by one group is one equation with +-1 for each of its hidden cells: with two
    or more cells none is determined, with one that cell is; no linear algebra is needed.
    A block whose cells are each in two balanced equations (a table's rows and columns) is a
    graph, solved by ``_pinned_by_graph``; any other block by the null space.
    """
    out = []
    for hid, block_groups, touching in _blocks(gs, hidden):
        if len(hid) > _LINEAR_CHECK_LIMIT:
            continue
        key = tuple(hid)
        if key not in cache:
            if len(block_groups) == 1:
                cache[key] = list(hid) if len(hid) == 1 else []
            else:
                by_graph = _pinned_by_graph(gs, levels, hid, touching)
                cache[key] = (
                    by_graph
                    if by_graph is not None
                    else _pinned_by_null_space(levels, hid, block_groups)
                )
        if cache[key]:
            out.append((key, cache[key], block_groups))
    return out


def _group_rule(
    gs: _Groups, values: np.ndarray, hidden: np.ndarray, suppressible: np.ndarray
) -> bool:
    """One pass of "a group with exactly one hidden cell gives it away", in group order.

    Equal to visiting every group in turn and testing its hidden count at that moment: only
    groups whose count is one are visited, found through a heap that also takes the groups a
    new complement brings to one hidden cell (those after the current group). True if any
    cell was hidden.
    """
    counts = gs.hidden_counts(hidden)
    heap = np.flatnonzero(counts == 1).tolist()
    heapq.heapify(heap)
    cur = -1
    changed = False
    while heap:
        k = heapq.heappop(heap)
        if k <= cur or counts[k] != 1:
            continue
        cur = k
        g = gs.groups[k]
        pick = _pick_complement(g[suppressible[g] & ~hidden[g]], values)
        if pick is None:
            continue
        hidden[pick] = True
        changed = True
        for j in gs.of_cell(pick).tolist():
            counts[j] += 1
            if counts[j] == 1 and j > cur:
                heapq.heappush(heap, j)
    return changed


def _suppress_column(
    values: np.ndarray,
    suppressible: np.ndarray,
    threshold: int,
    groups: Callable[[], list[np.ndarray]],
    levels: np.ndarray,
    complementable: np.ndarray,
    withheld: np.ndarray,
) -> np.ndarray:
    has = ~np.isnan(values)
    hidden = (suppressible & has & (values > 0) & (values < threshold)) | (withheld & has)
    if not hidden.any():
        # nothing small: no complement and no equation to check (the common case)
        return hidden
    suppressible = suppressible & complementable
    gs = _Groups(groups(), len(values))
    cache: dict[tuple[int, ...], list[int]] = {}
    dead: set[tuple[int, tuple[int, ...]]] = set()
    changed = True
    while changed:
        # a group with exactly one hidden cell gives it away through the group's total
        changed = _group_rule(gs, values, hidden, suppressible)
        if changed:
            continue
        # a hidden cell that still follows from the equations: widen the hidden set
        for key, pinned, block_groups in _pinned(gs, levels, hidden, cache):
            for p in pinned:
                if (p, key) in dead:
                    continue
                near = np.unique(np.concatenate([gs.groups[k] for k in gs.of_cell(p).tolist()]))
                cands = near[suppressible[near] & ~hidden[near]]
                if not len(cands):
                    wider = np.unique(np.concatenate(block_groups))
                    cands = wider[suppressible[wider] & ~hidden[wider]]
                pick = _pick_complement(cands, values)
                if pick is None:
                    # hidden cells only grow: while the block is the same, none will appear
                    dead.add((p, key))
                    continue
                hidden[pick] = True
                changed = True
                break
    return hidden


def suppress(
    frame: pd.DataFrame,
    viewer: Principal,
    count_columns: Sequence[str],
    threshold: int | None = None,
    group_columns: Sequence[str] | Sequence[Sequence[str]] | None = None,
    total_rows: object = None,
    owner_columns: Sequence[str] = ("initiative_id",),
    complement_rows: object = None,
    withheld: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """``frame`` with small counts of people withheld from ``viewer``.

    ``group_columns``: one list of columns, or several lists, each defining groups of rows
    whose counts add up to a (shown or computable) total; ``None`` makes the whole column one
    group. ``total_rows``: a column name or a mask marking rows that are totals, True or a
    level (1 = total, 2 = total of totals); a total is a member of the groups it shares keys
    with, and in each group the highest level present is that group's total. Each count
    column becomes an object column (``None`` where withheld) with a ``<col>_suppressed``
    flag beside it.

    Two options serve totals of parts that another view shows: ``withheld`` maps a count
    column to the rows (mask or column name) already withheld in that other view, so that they
    count as hidden here; ``complement_rows`` (mask or column name) limits which rows may be
    withheld as a complement (e.g. only the totals, when the parts are published elsewhere).
    """
    limit = small_number_threshold(threshold)
    out = frame.copy()
    out.attrs["small_number_threshold"] = limit
    levels = _total_levels(out, total_rows)
    totals = levels > 0
    owners = [c for c in owner_columns if c in out.columns]
    exact = np.zeros(len(out), dtype=bool)
    for c in owners:
        exact |= _exact_for(out[c], viewer)
    exact &= ~totals
    groupings = _groupings(group_columns)
    complementable = _mask(out, complement_rows, default=True)
    for col in count_columns:
        already = _mask(out, (withheld or {}).get(col), default=False)
        values = pd.to_numeric(out[col], errors="coerce").astype(float).to_numpy()
        usable = pd.Series(~np.isnan(values), index=out.index)
        groups = partial(_group_members, out, groupings, usable)  # only when needed
        hidden = _suppress_column(values, ~exact, limit, groups, levels, complementable, already)
        shown = _shown(values, hidden)
        out[col] = pd.Series(shown, index=out.index, dtype=object)
        out[f"{col}_suppressed"] = pd.Series(hidden, index=out.index, dtype=bool)
    return out
