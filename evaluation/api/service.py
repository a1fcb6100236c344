"""What the API serves, without HTTP: the token's scope, the disclosed data and its tables.

Everything is read from a ``Disclosed`` (``evaluation.disclosure``) for the token's account,
exactly as the dashboard reads it for that account (``disclose(current_dataset(p), p)``), and
its tables are the tidy export's (``evaluation.export.export_frames``): the API reads no data from a
store table of its own, and never protects a number anew.

Scope: a funder, evaluator or administrator reads every initiative (as the disclosure layer
gives it to them); an initiative reads only its own, and asking for another is refused
(``AccessDenied``, audited).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from typing import Any

import pandas as pd

from evaluation import export
from evaluation.access import Principal
from evaluation.accounts import audit_denied
from evaluation.analysis.phases import phase_puzzle
from evaluation.disclosure import Disclosed, disclose, select
from evaluation.errors import AccessDenied
from evaluation.i18n import DEFAULT_LANG
from evaluation.store import Store

LANGS = ("nl", "en")


def language(accept: str | None, asked: str | None = None) -> str:
    """``asked`` when it is nl or en, else the first of nl/en in an ``Accept-Language``
    header (by its order and weights), else Dutch."""
    if asked in LANGS:
        return asked
    ranked = []
    for n, part in enumerate((accept or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, n, tag.strip().lower().split("-")[0]))
    for _, _, tag in sorted(ranked):
        if tag in LANGS:
            return tag
    return DEFAULT_LANG


def scoped(
    store: Store,
    principal: Principal,
    initiative: str | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    cache: Cache | None = None,
) -> Disclosed:
    """The data ``principal`` may read, cut to one initiative and a range of periods. The
    whole is disclosed as the dashboard discloses it (``disclose(current_dataset(p), p)``),
    held in ``cache`` while the store's data stay the same."""
    mine = principal.role == "initiative"
    if initiative and not (
        principal.is_initiative(initiative) if mine else principal.in_scope(initiative)
    ):
        exc = AccessDenied("api.out_of_scope", initiative=initiative)
        audit_denied(store, principal, exc, "api")
        raise exc
    if mine:
        ids: list[str] | None = [str(principal.initiative_id)]
    else:
        ids = [initiative] if initiative else None
    if cache is None:
        whole = disclose(store.current_dataset(principal), principal)
    else:
        whole = cache.get(store, principal)
    return select(whole, ids, period_from, period_to)


class Cache:
    """The last few principals' whole disclosed data, each with the store's data version it
    was read at: a tool reading eleven tables in a row discloses once, and the first request
    after any change to the store reads afresh (``Store.data_version``)."""

    def __init__(self, size: int = 16) -> None:
        self.size = max(1, size)
        self.entries: dict[tuple[tuple[int, ...], Principal], Disclosed] = {}
        self.lock = threading.Lock()

    def get(self, store: Store, principal: Principal) -> Disclosed:
        key = (store.data_version(), principal)
        with self.lock:
            hit = self.entries.get(key)
        if hit is not None:
            return hit
        disclosed = disclose(store.current_dataset(principal), principal)
        with self.lock:
            self.entries = {k: v for k, v in self.entries.items() if k[0] == key[0]}
            while len(self.entries) >= self.size:
                self.entries.pop(next(iter(self.entries)))
            self.entries[key] = disclosed
        return disclosed


def tables(disclosed: Disclosed, lang: str) -> dict[str, pd.DataFrame]:
    """The export's tables by name (protected tables, dictionary, Kumu network)."""
    return export.export_frames(disclosed, lang)


def package(disclosed: Disclosed, frames: dict[str, pd.DataFrame], lang: str) -> dict[str, Any]:
    """The export's ``datapackage.json``; each resource's path is the table's CSV address
    relative to the package's own (``tables/<name>.csv`` beside ``tables/datapackage.json``)."""
    return export.package_of(disclosed, frames, lang)


def puzzle(disclosed: Disclosed) -> pd.DataFrame:
    """The phase puzzle of the initiatives in scope (stories counted as the viewer may read)."""
    return phase_puzzle(disclosed.dataset, disclosed.principal)


def _plain(value: object) -> object:
    """One JSON value: blanks as null, dates as ISO text, whole floats as whole numbers."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    if hasattr(value, "item"):  # a numpy scalar
        return _plain(value.item())
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """A frame as JSON records, withheld numbers as null beside their ``_suppressed`` flag."""
    cols = list(frame.columns)
    return [
        {c: _plain(v) for c, v in zip(cols, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def csv(frame: pd.DataFrame) -> bytes:
    """A frame as the export writes it: UTF-8 with a byte-order mark, formulas made inert."""
    return export.csv_bytes(frame)
