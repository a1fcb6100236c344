"""Reading the store: the current state as a tidy ``Dataset``, its periods, the list of
submissions, one submission's problems and its raw file.

The current state is the latest accepted submission per initiative and period. Stories are
filtered by ``principal.can_see_story``; nothing else is filtered here (small numbers are the
disclosure layer's business).
"""

from __future__ import annotations

import functools
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from evaluation import access
from evaluation.access import Principal
from evaluation.catalogue import fold
from evaluation.errors import AccessDenied, UserError
from evaluation.model import PERIOD_COLUMNS, TIDY_COLUMNS, Dataset
from evaluation.periods import period_bounds
from evaluation.problems import Problem
from evaluation.store import audit, registry
from evaluation.store.engine import Database
from evaluation.store.schema import TIDY_TABLES, Blob, Submission, table_of
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


def _tuples(result: Any) -> list[tuple]:
    """A result's rows as plain tuples, for ``DataFrame.from_records``.

    SQLAlchemy's ``Row`` is no tuple, so pandas would probe every row for a ``dtype``
    attribute, and each probe raises and catches an error inside SQLAlchemy: half the time
    of reading a portfolio. Plain tuples take pandas' fast path; the values are the same.
    """
    return [tuple(row) for row in result]


def _current(initiative_ids: list[str] | None, period_from: str | None, period_to: str | None):
    q = select(_S.c.id, _S.c.initiative_id, _S.c.period_start, _S.c.period_end, _S.c.period).where(
        _S.c.status == "accepted", _S.c.superseded_by.is_(None)
    )
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


def _read_current(
    conn: Connection,
    initiative_ids: list[str] | None,
    period_from: str | None,
    period_to: str | None,
) -> dict[str, Any]:
    cur = _current(initiative_ids, period_from, period_to)
    # the period columns come once per submission and are joined in memory: cheaper than
    # reading (and, in SQLite, parsing) two dates on every tidy row
    subs = pd.DataFrame.from_records(
        _tuples(conn.execute(select(cur))),
        columns=["submission_id", "initiative_id", "period_start", "period_end", "period"],
    )
    subs = subs.sort_values(["initiative_id", "period_start", "submission_id"])
    subs["_order"] = range(len(subs))
    frames: dict[str, Any] = {}
    for name, table in TIDY_TABLES.items():
        own_cols = [c for c in TIDY_COLUMNS[name] if c not in PERIOD_COLUMNS]
        if name == "initiatives":
            own_cols = [c for c in own_cols if c != "initiative_id"]
        q = (
            select(table.c.submission_id, *[table.c[c] for c in own_cols])
            .where(table.c.submission_id.in_(select(cur.c.id)))
            .order_by(table.c.id)
        )
        rows = pd.DataFrame.from_records(
            _tuples(conn.execute(q)), columns=["submission_id", *own_cols]
        )
        merged = rows.merge(subs, on="submission_id", how="inner", sort=False)
        frames[name] = merged.sort_values("_order", kind="stable").drop(columns="_order")
    frames["_known"] = registry.known_names(conn)
    return frames


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
    """The current state as a tidy ``Dataset`` (see the module docstring)."""
    frames = db.read(lambda conn: _read_current(conn, initiative_ids, period_from, period_to))
    known = frames.pop("_known")
    empty = Dataset.empty().frames()
    out: dict[str, pd.DataFrame] = {}
    for name, cols in TIDY_COLUMNS.items():
        frame = frames[name]
        if name == "initiatives":
            frame = _latest_profiles(frame)
        if name == "stories" and not frame.empty:
            frame = frame[_story_mask(principal, frame)]
        if name == "network" and not frame.empty:
            frame = _link_partners(frame, known)
        out[name] = frame[cols].reset_index(drop=True) if not frame.empty else empty[name]
    return Dataset(**out)


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
