"""The audit trail: one line for every import, rejection, supersession, duplicate, refusal,
raw read, sign-in and account change. Lines are only ever added.

``record`` writes a line inside the caller's transaction (so the line and what it records
are committed together); ``trail`` reads the whole trail (admins only).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
from sqlalchemy import Connection, select

from evaluation import access
from evaluation.access import Principal
from evaluation.store.engine import Database
from evaluation.store.schema import AuditEntry, table_of

AUDIT_COLUMNS = ["at", "actor", "role", "action", "submission_id", "initiative_id", "detail"]
_A = table_of(AuditEntry)
_INSERT = _A.insert()  # one statement object: SQLAlchemy compiles it once
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def clean(text: str) -> str:
    """Text for the database without control characters (PostgreSQL refuses NUL)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def record(
    conn: Connection,
    principal: Principal,
    action: str,
    submission_id: int | None = None,
    initiative_id: str | None = None,
    detail: str | None = None,
) -> None:
    """Add one line to the audit trail, in the transaction of ``conn``."""
    conn.execute(
        _INSERT,
        {
            "at": now(),
            "actor": clean(principal.label),
            "role": principal.role,
            "action": action,
            "submission_id": submission_id,
            "initiative_id": initiative_id,
            "detail": clean(detail) if detail else detail,
        },
    )


def trail(db: Database, principal: Principal) -> pd.DataFrame:
    """The audit trail, oldest first (admins only)."""
    access.require_manage(principal)
    q = select(*[_A.c[c] for c in AUDIT_COLUMNS]).order_by(_A.c.id)
    rows = db.read(lambda conn: conn.execute(q).all())
    frame = pd.DataFrame([tuple(r) for r in rows], columns=AUDIT_COLUMNS)
    frame["submission_id"] = frame["submission_id"].astype("Int64")
    return frame
