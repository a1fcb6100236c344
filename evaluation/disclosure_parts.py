"""The numbers of a disclosure, worked out period by period and remembered by their content
(for ``evaluation.disclosure``).

Every equation of the small-number protection ties cells of one period: an initiative's value
is the sum of its observations of one indicator in one period, a portfolio total adds up the
values of one period, a hand-over is one period's referrals. So are the trajectories' figures
and the totals. The protected numbers of a dataset are therefore those of its periods, each
worked out on its own, put side by side: exactly what one pass over the whole would give.

That makes disclosure incremental. A period's part is remembered under a digest of
everything it reads (its rows of observations, network, stories and reflections the audience
may read, the initiatives and their own indicators, the threshold and the audience), so when
an upload changes one quarter, the next disclosure works out that quarter again and takes the
other nineteen as they were. A digest, not a data version, is the key: two processes, or two
portfolios sharing a quarter's rows, agree without telling each other, and nothing can be
stale (changed content is a new key).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import neutral_sort
from evaluation.analysis.portfolio import TOTAL_COLUMNS
from evaluation.analysis.trajectories import trajectories, trajectories_of_all
from evaluation.catalogue import load_catalogue
from evaluation.model import Dataset
from evaluation.withholding import (
    Withheld,
    indicator_cells,
    network_cells,
    sorted_flows,
    sorted_phase_flows,
    withhold,
)

MEASURES = ("value", "numerator", "denominator")
MEMO_ROWS_ENV = "EVALUATION_DISCLOSURE_MEMO_ROWS"
DEFAULT_MEMO_ROWS = 3_000_000  # rows of the remembered parts: about 1 GB at the most
PART_ROWS = 2_000  # a run of periods is worked out together until it holds this many rows


@dataclass(frozen=True)
class Part:
    """One period's protected numbers: the flags of its observation and network rows (in the
    order of the period's rows), its trajectory figures, totals and flows, and what it
    withheld per table."""

    obs_flags: dict[str, np.ndarray]
    net_flags: np.ndarray
    values: pd.DataFrame
    totals: pd.DataFrame
    flows: pd.DataFrame
    phase_flows: pd.DataFrame
    withheld: pd.DataFrame

    @property
    def rows(self) -> int:
        return len(self.net_flags) + len(self.values) + len(self.totals) + len(self.flows) + 1


class Memo:
    """Parts by digest, the least recently used forgotten first beyond a budget of rows."""

    def __init__(self, budget_rows: int) -> None:
        self.budget_rows = budget_rows
        self._parts: OrderedDict[bytes, Part] = OrderedDict()
        self._rows = 0
        self._lock = threading.Lock()

    def get(self, key: bytes) -> Part | None:
        with self._lock:
            part = self._parts.get(key)
            if part is None:
                return None
            self._parts.move_to_end(key)
            return part

    def put(self, key: bytes, part: Part) -> None:
        with self._lock:
            if key in self._parts:
                return
            self._parts[key] = part
            self._rows += part.rows
            while self._rows > self.budget_rows and len(self._parts) > 1:
                _, old = self._parts.popitem(last=False)
                self._rows -= old.rows

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()
            self._rows = 0

    def __len__(self) -> int:
        return len(self._parts)


def _budget() -> int:
    raw = os.environ.get(MEMO_ROWS_ENV, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_MEMO_ROWS


MEMO = Memo(_budget())


def _columns(frame: pd.DataFrame) -> bytes:
    return repr([(c, str(t)) for c, t in frame.dtypes.items()]).encode()


def _digest(h: hashlib.blake2b, frame: pd.DataFrame) -> None:
    h.update(_columns(frame))
    h.update(_row_hashes(frame).tobytes())


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row's content (columns in order)."""
    if not len(frame):
        return np.zeros(0, dtype=np.uint64)
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def _positions(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per period label: the positions of its rows (in row order)."""
    if not len(frame):
        return {}
    codes, labels = pd.factorize(frame["period"].astype(str), sort=False)
    order = np.argsort(codes, kind="stable")
    cuts = np.flatnonzero(np.diff(codes[order])) + 1
    return {str(labels[codes[pos[0]]]): pos for pos in np.split(order, cuts) if len(pos)}


@dataclass(frozen=True)
class Numbers:
    """The protected numbers of a dataset, every table with its flags (see ``Disclosed``)."""

    observations: pd.DataFrame
    network: pd.DataFrame
    values: pd.DataFrame
    totals: pd.DataFrame
    flows: pd.DataFrame
    phase_flows: pd.DataFrame
    withheld: pd.DataFrame


def numbers(
    ds: Dataset, texts: Dataset, principal: Principal, limit: int, periods: list[str]
) -> Numbers:
    """The protected numbers of ``ds`` for ``principal``: the observations and network with
    their flags, the trajectories' figures, the totals, the flows, the flows between phases
    and the withheld cells per table (``texts``: ``ds`` with the stories and reflections the
    principal may read). Period by period, each remembered by content."""
    viewer = principal.initiative_id if principal.role == "initiative" else None
    # the parts never read which submission an own indicator came in: without it, a
    # corrected report that leaves its indicators as they were keeps every other period
    own = ds.own_indicators.drop(columns=["submission_id"], errors="ignore")
    base = hashlib.blake2b(digest_size=20)
    base.update(repr((limit, viewer)).encode())
    _digest(base, ds.initiatives)
    _digest(base, own)
    at = {
        name: _positions(getattr(texts, name))
        for name in ("observations", "network", "stories", "reflections")
    }
    names = list(at)
    rows = {name: _row_hashes(getattr(texts, name)) for name in names}
    for name in names:
        base.update(_columns(getattr(texts, name)))
    parts = []
    for group in _groups(at, periods):
        where = {
            name: np.sort(np.concatenate([_NONE, *(at[name].get(p, _NONE) for p in group)]))
            for name in names
        }
        h = base.copy()
        for name in names:
            h.update(len(where[name]).to_bytes(8, "little"))
            h.update(rows[name][where[name]].tobytes())
        key = h.digest()
        part = MEMO.get(key)
        if part is None:
            frames = {
                name: getattr(texts, name).iloc[where[name]].reset_index(drop=True)
                for name in names
            }
            whole = Dataset(initiatives=ds.initiatives, own_indicators=own, **frames)
            part = _part(whole, principal, limit)
            MEMO.put(key, part)
        parts.append((where, part))
    return _assemble(ds, parts, periods)


_NONE = np.zeros(0, dtype=np.int64)


def _groups(at: dict[str, dict[str, np.ndarray]], periods: list[str]) -> list[list[str]]:
    """The periods in time order, cut into runs of at least ``PART_ROWS`` observation and
    network rows (each period of a large dataset is a run of its own, a small dataset one
    run: a part's fixed cost is paid once per run)."""
    labels = set().union(*at.values())
    ordered = [p for p in periods if p in labels] + sorted(labels - set(periods))
    groups: list[list[str]] = []
    rows = 0
    for p in ordered:
        if not groups or rows >= PART_ROWS:
            groups.append([])
            rows = 0
        groups[-1].append(p)
        rows += sum(len(at[name].get(p, _NONE)) for name in ("observations", "network"))
    return groups or [[]]


def _part(part: Dataset, principal: Principal, limit: int) -> Part:
    """One period's numbers (``part``: its rows, with the texts the principal may read)."""
    withheld = Withheld()
    obs_flags: dict[str, np.ndarray] = {}
    value_flags: dict[str, dict] = {}
    total_flags: dict[str, dict] = {}
    for measure in MEASURES:
        rows_hidden, ini, tot = indicator_cells(part, principal, measure, limit, withheld)
        obs_flags[measure] = rows_hidden
        value_flags[measure], total_flags[measure] = ini, tot
    net_flags, flows, phase_flows = network_cells(part, principal, limit, withheld)
    return Part(
        obs_flags=obs_flags,
        net_flags=net_flags,
        values=_values(part, value_flags),
        totals=_totals(part, total_flags),
        flows=flows,
        phase_flows=phase_flows,
        withheld=withheld.frame(),
    )


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    filled = [f for f in frames if len(f)]
    return pd.concat(filled, ignore_index=True) if filled else frames[0]


def _assemble(
    ds: Dataset, parts: list[tuple[dict[str, np.ndarray], Part]], periods: list[str]
) -> Numbers:
    obs = ds.observations.copy()
    net = ds.network.copy()
    flags = {m: np.zeros(len(obs), dtype=bool) for m in MEASURES}
    net_flags = np.zeros(len(net), dtype=bool)
    for where, part in parts:
        for m in MEASURES:
            flags[m][where["observations"]] = part.obs_flags[m]
        net_flags[where["network"]] = part.net_flags
    for m in MEASURES:
        obs[f"{m}_suppressed"] = flags[m]
    share_hidden = obs["numerator_suppressed"] | obs["denominator_suppressed"]
    obs["value_suppressed"] = obs["value_suppressed"] | (share_hidden & (obs["unit"] == "share"))
    for m in MEASURES:
        obs = withhold(obs, m)
    net["count_suppressed"] = net_flags
    net = withhold(net, "count")
    withheld = pd.concat([p.withheld for _, p in parts], ignore_index=True)
    withheld = withheld.groupby("table", sort=False, as_index=False).sum()
    withheld = withheld.astype({"cells": int, "withheld": int})
    return Numbers(
        observations=obs,
        network=net,
        values=_sorted_values(_concat([p.values for _, p in parts]), periods),
        totals=_sorted_totals(_concat([p.totals for _, p in parts]), periods),
        flows=sorted_flows(_concat([p.flows for _, p in parts]), periods),
        phase_flows=sorted_phase_flows(_concat([p.phase_flows for _, p in parts]), periods),
        withheld=withheld,
    )


def _values(part: Dataset, flags: dict[str, dict[tuple[str, str, str], bool]]) -> pd.DataFrame:
    """Every initiative's trajectory figures (exact), then withheld where flagged."""
    # every initiative's trajectory in one pass (as one ``trajectories`` call each would give)
    out = trajectories_of_all(part)
    if not len(out):
        out = trajectories(Dataset.empty(), "-", Principal("initiative", "-"))
    out = out.drop(columns=[c for c in out.columns if c.endswith("_suppressed")])
    keys = list(zip(out["initiative_id"], out["indicator"], out["period"], strict=True))
    for measure in MEASURES:
        out[f"{measure}_suppressed"] = [flags[measure].get(k, False) for k in keys]
    share_hidden = out["numerator_suppressed"] | out["denominator_suppressed"]
    out["value_suppressed"] = out["value_suppressed"] | (share_hidden & (out["unit"] == "share"))
    for measure in MEASURES:
        out = withhold(out, measure)
    return out


def _sorted_values(out: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    order = list(load_catalogue().indicator_codes)
    own = sorted(set(out["indicator"]) - set(order))
    return neutral_sort(
        out,
        text=["initiative_id"],
        period=["period"],
        choice={"indicator": tuple(order + own)},
        periods=periods,
        order=["initiative_id", "indicator", "period"],
    )


def _totals(part: Dataset, flags: dict[str, dict[tuple[str, str], bool]]) -> pd.DataFrame:
    """Per catalogue indicator and period: the sum across initiatives, withheld where flagged
    (counts and hours summed; shares as summed numerators and denominators)."""
    from evaluation.analysis.portfolio import initiative_parts

    obs = part.observations
    obs = obs[~obs["own"].fillna(False).astype(bool)]
    parts = initiative_parts(obs)
    rows = []
    dims = {i.code: i.dimension for i in load_catalogue().indicators}
    for (code, period), sub in parts.groupby(["indicator", "period"], sort=False):
        unit = sub["unit"].iloc[0]
        num = pd.to_numeric(sub["numerator"], errors="coerce").dropna()
        den = pd.to_numeric(sub["denominator"], errors="coerce").dropna()
        tot = pd.to_numeric(sub["total"], errors="coerce").dropna()
        rows.append(
            {
                "dimension": dims.get(code),
                "indicator": code,
                "unit": unit,
                "period": period,
                "total": float(tot.sum()) if unit in ("count", "hours") else None,
                "numerator": float(num.sum()) if len(num) else None,
                "denominator": float(den.sum()) if len(den) else None,
                "n_initiatives_reporting": int(sub["initiative_id"].nunique()),
            }
        )
    out = pd.DataFrame(rows, columns=TOTAL_COLUMNS)
    keys = list(zip(out["indicator"], out["period"], strict=True))
    out["total_suppressed"] = [flags["value"].get(k, False) for k in keys]
    out["numerator_suppressed"] = [flags["numerator"].get(k, False) for k in keys]
    out["denominator_suppressed"] = [flags["denominator"].get(k, False) for k in keys]
    for col in ("total", "numerator", "denominator"):
        out = withhold(out, col)
    return out


def _sorted_totals(out: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    return neutral_sort(
        out,
        period=["period"],
        choice={"indicator": load_catalogue().indicator_codes},
        periods=periods,
        order=["indicator", "period"],
    )
