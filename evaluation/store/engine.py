"""The engine and the unit of work: open a database, run work in one transaction.

``Database.open(url)`` connects (``settings``) and creates or upgrades the schema
(``migrate``). Every read and write of the store, and of the accounts beside it, is a
function of a connection run by ``Database.read`` (one snapshot) or ``Database.write`` (one
write transaction, committed whole or not at all):

    rows = db.read(lambda conn: conn.execute(query).all())
    db.write(lambda conn: audit.record(conn, principal, "sign_out"))

Concurrency: SQLite write transactions start with ``BEGIN IMMEDIATE`` (one writer at a time,
waiting on ``busy_timeout``) and ``write`` retries them with backoff while the lock still
cannot be had, so a user never sees "database is locked". A full disk is ``StorageFull``.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Any, Self, TypeVar

from sqlalchemy import Connection, Engine, Table
from sqlalchemy.exc import OperationalError

from evaluation.errors import UserError
from evaluation.store import migrate
from evaluation.store.settings import BEGIN_MODE, make_engine, resolve_url

T = TypeVar("T")
_RETRIES = 12


class StorageFull(UserError):
    """The database's disk (or SQLite's page budget) is full: nothing was stored."""

    exit_code = 4


def storage_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk is full: SQLite's SQLITE_FULL, PostgreSQL's 53100, or an
    operating-system ENOSPC / EDQUOT underneath."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (28, 122):  # ENOSPC, EDQUOT
            return True
        if getattr(current, "sqlstate", None) == "53100":
            return True
        if getattr(current, "sqlite_errorname", None) == "SQLITE_FULL":
            return True
        if "database or disk is full" in str(current).lower():
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def _retryable(exc: OperationalError) -> bool:
    msg = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    if "database is locked" in msg or "database is busy" in msg:
        return True
    code = getattr(exc.orig, "sqlstate", None)
    return code in ("40001", "40P01", "55P03")


@functools.cache
def _insert_ignore(dialect: str, table: Table) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing()  # one statement object per table: compiled once


def insert_ignore(conn: Connection, table: Table, values: dict[str, Any]) -> None:
    """Insert unless a row with the same primary key exists (the database decides)."""
    conn.execute(_insert_ignore(conn.dialect.name, table), values)


class Database:
    """An open database with the store's schema; the unit of work (``read``, ``write``)."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, url: str | None = None) -> Self:
        """Connect, then create or upgrade the schema (or refuse a foreign schema version)."""
        resolved = resolve_url(url)
        engine = make_engine(resolved)
        try:
            migrate.upgrade(engine)
        except BaseException as exc:
            engine.dispose()
            if storage_full(exc):
                raise StorageFull("store.disk_full") from exc
            raise
        return cls(engine, resolved)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return migrate.current_revision(conn)

    def write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction, retried with backoff while the database is
        locked by another writer (never surfaced to the user as "database is locked")."""
        delay = 0.05
        for attempt in range(_RETRIES):
            try:
                with self.engine.connect() as conn:
                    conn = conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
                    with conn.begin():
                        return work(conn)
            except OperationalError as exc:
                if storage_full(exc):
                    raise StorageFull("store.disk_full") from exc
                if not _retryable(exc):
                    raise
                if attempt == _RETRIES - 1:
                    raise UserError("store.busy") from exc
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")

    def read(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one read transaction: a consistent snapshot."""
        with self.engine.connect() as conn, conn.begin():
            return work(conn)
