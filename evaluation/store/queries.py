"""Reading the store: the current state as a tidy ``Dataset``, its periods, the list of
submissions, one submission's problems and its raw file.

The current state is the latest accepted submission per initiative and period. It holds only
the initiatives of the principal's scope (its portfolios: ``evaluation.portfolios``), and
stories are filtered by ``principal.can_see_story``; nothing else is filtered here (small
numbers are the disclosure layer's business).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Connection, Date, Select, func, select

from evaluation import access
from evaluation.access import Principal
from evaluation.catalogue import fold
from evaluation.errors import AccessDenied, UserError
from evaluation.model import PERIOD_COLUMNS, TIDY_COLUMNS, Dataset
from evaluation.periods import period_bounds
from evaluation.problems import Problem
from evaluation.store import audit, registry, snapshot
from evaluation.store.engine import Database
from evaluation.store.schema import TIDY_TABLES, Blob, Initiative, Submission, table_of
from evaluation.store.submissions import problem_from_json

SUBMISSION_COLUMNS = [
    "submission_id",
    "initiative_id",
    "period",
    "status",
    "file_name",
    "sha256",
    "uploaded_by",
    "uploaded_role",
    "uploaded_at",
    "superseded_by",
    "n_errors",
    "n_warnings",
]
_S = table_of(Submission)
_B = table_of(Blob)
_I = table_of(Initiative)


def _frame(conn: Connection, query: Select[Any], columns: list[str]) -> pd.DataFrame:
    """A query's rows as a frame, fetched whole by the driver in the caller's transaction:
    the same frame SQLAlchemy's rows make (booleans and dates included), without a ``Row``
    object per row, which pandas would also probe one by one for a ``dtype``.

    The values bound in these queries are codes and dates the store checked, rendered
    by SQLAlchemy itself."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    driver = conn.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    frame = pd.DataFrame.from_records(rows, columns=columns)
    if conn.dialect.name != "sqlite" or frame.empty:
        return frame  # psycopg gives booleans and dates as they are
    # SQLite keeps booleans as 0 / 1 and dates as ISO text: convert as SQLAlchemy does
    for name, column in zip(columns, query.selected_columns, strict=True):
        if isinstance(column.type, Boolean):
            values = frame[name]
            frame[name] = (
                values.astype(bool)
                if values.notna().all()
                else [None if v is None or v != v else bool(v) for v in values]
            )
        elif isinstance(column.type, Date):
            frame[name] = [None if v is None else dt.date.fromisoformat(v) for v in frame[name]]
    return frame


def _current(
    initiative_ids: list[str] | None,
    period_from: str | None,
    period_to: str | None,
    after: int = 0,
):
    q = select(_S.c.id, _S.c.initiative_id, _S.c.period_start, _S.c.period_end, _S.c.period).where(
        _S.c.status == "accepted", _S.c.superseded_by.is_(None)
    )
    if after:
        q = q.where(_S.c.id > after)
    if initiative_ids is not None:
        q = q.where(_S.c.initiative_id.in_(list(initiative_ids)))
    if period_from:
        q = q.where(_S.c.period_end >= period_bounds(period_from)[0])
    if period_to:
        q = q.where(_S.c.period_start <= period_bounds(period_to)[1])
    return q.subquery("cur")


def periods(db: Database, initiative_ids: list[str] | None = None) -> list[str]:
    """The period labels of the current state, in time order, without reading its rows."""

    def work(conn: Connection) -> list[str]:
        cur = _current(initiative_ids, None, None)
        rows = conn.execute(select(cur.c.period, cur.c.period_start).distinct()).all()
        return [p for p, _ in sorted(rows, key=lambda r: (r[1], r[0]))]

    return db.read(work)


_SUB_COLUMNS = ["submission_id", "initiative_id", "period_start", "period_end", "period"]


@dataclass(frozen=True)
class _Read:
    """The current state of one selection as read, before it is derived: the current
    submissions and each tidy table's rows with their period columns, in the order of the
    state (initiative, period start, submission, row: ``_ordered``), each row keeping its
    table's id (``_rid``)."""

    subs: pd.DataFrame
    rows: dict[str, pd.DataFrame]


def _read_rows(
    conn: Connection,
    initiative_ids: list[str] | None,
    period_from: str | None,
    period_to: str | None,
    after: int = 0,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The current submissions of the selection (only those after id ``after``) and their
    tidy rows, joined to their period columns in memory: cheaper than reading (and, in
    SQLite, parsing) two dates on every tidy row."""
    cur = _current(initiative_ids, period_from, period_to, after)
    subs = _frame(conn, select(cur), _SUB_COLUMNS)
    frames: dict[str, pd.DataFrame] = {}
    for name, table in TIDY_TABLES.items():
        own_cols = _own_columns(name)
        q = (
            select(table.c.id, table.c.submission_id, *[table.c[c] for c in own_cols])
            .where(table.c.submission_id.in_(select(cur.c.id)))
            .order_by(table.c.id)
        )
        rows = _frame(conn, q, ["_rid", "submission_id", *own_cols])
        frames[name] = rows.merge(subs, on="submission_id", how="inner", sort=False)
    return subs, frames


def _own_columns(name: str) -> list[str]:
    """A tidy table's own columns (the period columns come from its submission)."""
    own = [c for c in TIDY_COLUMNS[name] if c not in PERIOD_COLUMNS]
    return [c for c in own if c != "initiative_id"] if name == "initiatives" else own


# the columns of a read state's frames, as a kept state must have them
_READ_COLUMNS = {
    snapshot.SUBMISSIONS: _SUB_COLUMNS,
    **{
        name: ["_rid", "submission_id", *_own_columns(name), *_SUB_COLUMNS[1:]]
        for name in TIDY_TABLES
    },
}


def _ordered(subs: pd.DataFrame, rows: dict[str, pd.DataFrame]) -> _Read:
    """``subs`` and ``rows`` in the state's order: submissions by initiative, period start
    and id; a submission's rows in the order they were stored."""
    subs = subs.sort_values(["initiative_id", "period_start", "submission_id"]).reset_index(
        drop=True
    )
    rank = pd.Series(range(len(subs)), index=subs["submission_id"].to_numpy())
    out: dict[str, pd.DataFrame] = {}
    for name, frame in rows.items():
        ranks = rank.reindex(frame["submission_id"]).to_numpy()
        order = np.lexsort((frame["_rid"].to_numpy(), ranks))
        out[name] = frame.take(order).reset_index(drop=True)
    return _Read(subs, out)


def _read_current(
    conn: Connection,
    initiative_ids: list[str] | None,
    period_from: str | None,
    period_to: str | None,
) -> _Read:
    return _ordered(*_read_rows(conn, initiative_ids, period_from, period_to))


def _read_change(
    conn: Connection,
    before: tuple,
    version: tuple,
    read: _Read,
    initiative_ids: list[str] | None,
    period_from: str | None,
    period_to: str | None,
) -> _Read | None:
    """The current state after the submissions stored since ``before`` (a ``_VERSION``),
    from ``read`` (the state at ``before``) and those submissions' rows only; None when the
    change is not only submissions added (then the state is read whole).

    Sound because submissions are only ever added, with ids above every earlier one, and
    the one update, ``superseded_by``, names the new submission of the same transaction: the
    state after ``before`` is the state at ``before`` less the submissions superseded by a
    newer one, plus the newer ones still current."""
    last = before[1]
    added = conn.execute(select(func.count()).select_from(_S).where(_S.c.id > last)).scalar_one()
    if version[1] < last or version[0] - before[0] != added:
        return None
    gone = {
        int(i)
        for (i,) in conn.execute(
            select(_S.c.id).where(_S.c.superseded_by > last, _S.c.id <= last)
        ).all()
    }
    subs, rows = _read_rows(conn, initiative_ids, period_from, period_to, after=last)
    kept = ~read.subs["submission_id"].isin(gone)
    all_subs = _concat([read.subs[kept], subs])
    combined = {}
    for name, frame in read.rows.items():
        old = frame[~frame["submission_id"].isin(gone)] if gone else frame
        combined[name] = _concat([old, rows[name]])
    return _ordered(all_subs, combined)


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The rows of ``parts`` as one frame, with the dtypes one read of them all would give:
    a part where a column is all empty infers another dtype for it (object for text) than
    a read that also finds values in it."""
    filled = [p for p in parts if not p.empty]
    if len(filled) <= 1:
        return (filled or parts)[0]
    out = pd.concat(filled, ignore_index=True)
    for name in out.columns:
        if len({str(p[name].dtype) for p in filled}) > 1 and not _typed(out[name]):
            values = out[name].tolist()
            out[name] = pd.DataFrame.from_records([(v,) for v in values], columns=[name])[name]
    return out


def _typed(values: pd.Series) -> bool:
    """A column whose values SQLite's reading converts itself (booleans, dates: ``_frame``),
    never left to pandas' inference."""
    sample = values.dropna()
    return not sample.empty and isinstance(sample.iloc[0], (bool, np.bool_, dt.date))


def _latest_profiles(frame: pd.DataFrame) -> pd.DataFrame:
    """One profile per initiative (its latest period), named distinctly, in name order."""
    frame = frame.sort_values(["period_end", "submission_id"]).drop_duplicates(
        "initiative_id", keep="last"
    )
    pairs = registry.distinct_names(list(zip(frame["initiative_id"], frame["name"], strict=True)))
    frame = frame.assign(name=[n for _, n in pairs])
    frame = frame.assign(_key=frame["name"].map(lambda n: fold(n or "")))
    return frame.sort_values(["_key", "initiative_id"])


def _link_partners(frame: pd.DataFrame, known: dict[str, str]) -> pd.DataFrame:
    """Fill the partner initiative of links to an initiative named by a known name."""
    missing = frame["partner_initiative_id"].isna() & (frame["partner_type"] == "initiative")
    if not missing.any():
        return frame
    fold_once = functools.cache(fold)  # a partner's name repeats in every quarter
    filled = frame.loc[missing, "partner"].map(lambda p: known.get(fold_once(p)))
    # never the uploader itself (a name it wrote for itself is not a partner)
    filled = filled.where(filled != frame.loc[missing, "initiative_id"])
    frame = frame.copy()
    frame.loc[missing, "partner_initiative_id"] = filled
    return frame


def current_dataset(
    db: Database,
    principal: Principal,
    initiative_ids: list[str] | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
) -> Dataset:
    """The current state as a tidy ``Dataset`` (see the module docstring).

    Derived once per data version: the frames of a selection are kept with the version they
    were read at (``_VERSION``, read from the database on every call, in the same
    transaction as the rows), so a call after no change, in this process, copies them
    instead of reading and deriving again. After a change (an upload, in any process) only
    the submissions it added are read, and the state is derived again from what was kept
    (``_read_change``; the whole state is read when the change was anything else). Stories
    are filtered for ``principal`` on every call. A principal with a scope (its portfolios)
    reads only its initiatives' rows: the selection is made in the query, so a funder of one
    portfolio on a national platform does not read every initiative first."""
    if principal.scope is not None:
        wanted = (
            principal.scope if initiative_ids is None else set(initiative_ids) & principal.scope
        )
        initiative_ids = sorted(wanted)
    key = (
        None if initiative_ids is None else tuple(initiative_ids),
        period_from,
        period_to,
    )
    cache: dict[tuple, tuple[tuple, _Read, dict[str, pd.DataFrame]]] = db.__dict__.setdefault(
        "_current_cache", {}
    )

    whole = key == (None, None, None)

    def work(conn: Connection) -> tuple[tuple, _Read | dict[str, pd.DataFrame], bool]:
        """The version, the state read (or derived already), and whether to keep it in the
        database for other processes (the whole state only)."""
        version = tuple(conn.execute(_VERSION).one())
        hit = cache.get(key)  # (another session's thread may replace it meanwhile)
        if hit is not None and hit[0] == version:
            return version, hit[2], False
        read = None
        if hit is not None:  # after an upload: only what it changed is read
            read = _read_change(conn, hit[0], version, hit[1], *key_args)
            due = whole and snapshot.due(snapshot.newest_version(conn), version)
        else:  # a new process: from the state kept in the database, and what came since
            kept = snapshot.latest(conn, _READ_COLUMNS)
            # none kept, or one this program cannot read (another version's): keep this one
            due = whole and (kept is None or snapshot.due(kept.version, version))
            if kept is not None:
                part = _Read(*snapshot.select_part(kept, *key_args))
                read = (
                    part
                    if kept.version == version
                    else _read_change(conn, kept.version, version, part, *key_args)
                )
        return version, read if read is not None else _read_current(conn, *key_args), due

    key_args = (initiative_ids, period_from, period_to)
    version, read, due = db.read(work)
    if isinstance(read, dict):
        derived = read
    else:
        if due:
            snapshot.save(db, snapshot.Snapshot(version, read.subs, read.rows))
        # the names after the rows (they only ever grow): none the rows hold is missing
        derived = _derive(read.rows, registry.names(db)[1])
        cache.pop(key, None)
        if len(cache) >= _CACHED_SELECTIONS:
            cache.pop(next(iter(cache)))
        cache[key] = (version, read, derived)
    if principal.scope is None:
        out = {name: frame.copy() for name, frame in derived.items()}
    else:
        out = _within(derived, principal.scope)
    stories = out["stories"]
    if not stories.empty:
        seen = stories[_story_mask(principal, stories)].reset_index(drop=True)
        out["stories"] = seen if not seen.empty else Dataset.empty().stories
    return Dataset(**out)


_CACHED_SELECTIONS = 8
# what the current state depends on; submissions and initiatives are only ever added to,
# and the one update (``superseded_by``) comes with a new submission in its transaction
_VERSION = select(
    select(func.count()).select_from(_S).scalar_subquery(),
    select(func.coalesce(func.max(_S.c.id), 0)).scalar_subquery(),
    select(func.count()).select_from(_I).scalar_subquery(),
)


def _within(frames: dict[str, pd.DataFrame], scope: frozenset[str]) -> dict[str, pd.DataFrame]:
    """Only the initiatives in ``scope``. A link to a partner initiative outside it keeps
    the partner's name as its initiative wrote it, not the link: read as a partner outside
    the programme, so nothing of the other initiative is joined in."""
    out: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        kept = frame[frame["initiative_id"].isin(scope)].reset_index(drop=True)
        if name == "network" and not kept.empty:
            linked = kept["partner_initiative_id"]
            outside = linked.notna() & ~linked.isin(scope)
            if outside.any():
                kept.loc[outside, "partner_initiative_id"] = None
        out[name] = kept
    return out


def _derive(frames: dict[str, pd.DataFrame], known: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The tidy frames of the current state, for every principal (stories unfiltered)."""
    empty = Dataset.empty().frames()
    out: dict[str, pd.DataFrame] = {}
    for name, cols in TIDY_COLUMNS.items():
        frame = frames[name]
        if name == "initiatives":
            frame = _latest_profiles(frame)
        if name == "network" and not frame.empty:
            frame = _link_partners(frame, known)
        out[name] = frame[cols].reset_index(drop=True) if not frame.empty else empty[name]
    return out


def _story_mask(principal: Principal, stories: pd.DataFrame) -> pd.Series:
    """Which stories this principal may read, decided by ``access`` for each distinct
    (initiative, visibility, consent) combination."""
    keys = list(
        zip(
            stories["initiative_id"],
            stories["visibility"],
            stories["consent_recorded"].astype(bool),
            strict=True,
        )
    )
    allowed = {k: principal.can_see_story(k[0], k[1], k[2]) for k in set(keys)}
    return pd.Series([allowed[k] for k in keys], index=stories.index, dtype=bool)


def submissions(
    db: Database, principal: Principal, initiative_id: str | None = None
) -> pd.DataFrame:
    """Every submission (accepted, superseded or rejected), newest first. An admin sees
    all; an initiative only its own; other roles are refused."""
    if principal.role == "initiative":
        if initiative_id and initiative_id != principal.initiative_id:
            raise AccessDenied("store.read_other", who=principal.label, initiative=initiative_id)
        initiative_id = principal.initiative_id
    else:
        access.require_manage(principal)
    q = select(_S.c.id.label("submission_id"), *[_S.c[c] for c in SUBMISSION_COLUMNS[1:]]).order_by(
        _S.c.id.desc()
    )
    if initiative_id:
        q = q.where(_S.c.initiative_id == initiative_id)
    rows = db.read(lambda conn: conn.execute(q).all())
    frame = pd.DataFrame([tuple(r) for r in rows], columns=SUBMISSION_COLUMNS)
    frame["superseded_by"] = frame["superseded_by"].astype("Int64")
    return frame


def _submission_row(conn: Connection, submission_id: int) -> Any:
    row = conn.execute(select(_S).where(_S.c.id == int(submission_id))).first()
    if row is None:
        raise UserError("store.unknown_submission", submission_id=submission_id)
    return row


def submission_problems(db: Database, principal: Principal, submission_id: int) -> list[Problem]:
    """The problems found in one submission (its initiative or an admin)."""
    row = db.read(lambda conn: _submission_row(conn, submission_id))
    own = row.initiative_id is not None and principal.can_read_raw(row.initiative_id)
    if not own and not principal.can_manage():
        raise AccessDenied(
            "store.read_other", who=principal.label, initiative=row.initiative_id or "?"
        )
    return [problem_from_json(p) for p in row.problems]


def raw(db: Database, principal: Principal, submission_id: int) -> tuple[str, bytes]:
    """The file name and the exact bytes that were uploaded (the read is audited)."""
    row = db.read(lambda conn: _submission_row(conn, submission_id))
    if row.initiative_id:
        access.require_raw(principal, row.initiative_id)
    else:
        access.require_manage(principal)

    def work(conn: Connection) -> bytes:
        blob = conn.execute(select(_B.c.data, _B.c.size).where(_B.c.sha256 == row.sha256)).one()
        if blob.size and not blob.data:  # a refused upload recorded without its bytes
            raise UserError("store.raw_not_kept", submission_id=row.id, size=blob.size)
        audit.record(conn, principal, "raw_read", row.id, row.initiative_id, row.file_name)
        return bytes(blob.data)

    return row.file_name, db.write(work)
