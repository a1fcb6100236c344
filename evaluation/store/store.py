"""The store: every upload kept as an immutable submission, the current state derived.

Rules (the design brief's "nothing is lost"):

- One transaction per import: a submission, its raw file and its tidy rows are stored all
  together or not at all.
- A rejected upload is recorded with its problems, hash, size and uploader, and no data; its
  raw bytes only up to ``EVALUATION_KEEP_REFUSED_KB`` (``keep_refused_bytes``), so refused
  uploads cannot fill the disk. Identical bytes accepted later complete that record.
- A new accepted submission for the same initiative and period *supersedes* the earlier one,
  which stays readable through its submission id. The current state is the latest accepted
  submission per initiative and period. A period that overlaps a current one without being
  the same supersedes it only when the uploader confirms, and is refused otherwise
  (``supersede.py``): two current submissions never cover the same day.
- The same file (same SHA-256) for the same initiative while it is current is recognised:
  status ``duplicate``, an audit line, nothing new stored. Identical bytes are stored once.
- Nothing is deleted or updated in place; the one exception is ``submissions.superseded_by``,
  set once when a newer submission replaces one.
- Every import, rejection, supersession, duplicate, refusal and raw read is in the audit log.

Concurrency: SQLite write transactions start with ``BEGIN IMMEDIATE`` (one writer at a time,
waiting on ``busy_timeout``) and are retried with backoff when the lock still cannot be had.
PostgreSQL imports for one initiative are serialised with a transaction-scoped advisory lock,
and a partial unique index guarantees one current submission per initiative and period.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import pandas as pd
from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlalchemy.exc import OperationalError

from evaluation import access
from evaluation.access import Principal
from evaluation.catalogue import fold
from evaluation.errors import AccessDenied, UserError
from evaluation.model import (
    PERIOD_COLUMNS,
    TIDY_COLUMNS,
    Dataset,
    Report,
    period_bounds,
    period_label,
)
from evaluation.problems import Problem, has_errors
from evaluation.schemas import ID_PATTERN
from evaluation.store import carry, migrate, supersede
from evaluation.store.settings import BEGIN_MODE, make_engine, resolve_url, sample_folder
from evaluation.store.tables import (
    TIDY_TABLES,
    AuditEntry,
    Blob,
    Initiative,
    Profile,
    Submission,
)

Status = Literal["accepted", "rejected", "duplicate"]
T = TypeVar("T")

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
AUDIT_COLUMNS = ["at", "actor", "role", "action", "submission_id", "initiative_id", "detail"]
SAMPLE_PRINCIPAL = Principal("admin", name="sample-data")
# tests set this to a file path: the import writes the file and sleeps inside its transaction
# after inserting rows, so a test can kill the process there (crash safety)
PAUSE_ENV = "EVALUATION_TEST_PAUSE_IN_IMPORT"
_RETRIES = 12

_S = Submission.__table__
_B = Blob.__table__
_I = Initiative.__table__
_A = AuditEntry.__table__
_P = Profile.__table__


@dataclass
class ImportOutcome:
    """What happened to one upload (what the CLI prints and the upload page shows)."""

    submission_id: int | None
    status: Status
    problems: list[Problem] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    initiative_id: str | None = None
    period: str | None = None
    unreadable: bool = False  # the file could not be read as a workbook at all


def _ingest(data: bytes, file_name: str, declared: Any = None) -> Any:
    """Read and validate a workbook (``evaluation.ingest``): an object with ``report``,
    ``problems`` and ``unreadable``. ``declared`` gives an initiative's stored own
    indicator declarations (a workbook may leave those out)."""
    from evaluation.ingest import read_workbook

    if declared is None:
        return read_workbook(data, file_name)
    return read_workbook(data, file_name, declared=declared)


def distinct_names(rows: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """(id, name) pairs where no two initiatives show one name: a name that two or more hold
    (a store from before names were checked, issue 21) is shown with each one's code."""
    counts: dict[str, int] = {}
    for _, name in rows:
        if name:
            counts[fold(name)] = counts.get(fold(name), 0) + 1
    return [
        (rid, f"{name} ({rid})" if name and counts[fold(name)] > 1 else name) for rid, name in rows
    ]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if value != value else value  # NaN is not JSON
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return str(value)


def problem_to_json(p: Problem) -> dict[str, Any]:
    """The stored form of a problem: everything needed to render it again in either language."""
    return {
        "code": p.code,
        "severity": p.severity,
        "sheet": p.sheet,
        "cell": p.cell,
        "column": p.column,
        "value": _jsonable(p.value),
        "params": {str(k): _jsonable(v) for k, v in (p.params or {}).items()},
    }


def problem_from_json(d: dict[str, Any]) -> Problem:
    return Problem(
        code=d["code"],
        severity=d.get("severity", "error"),
        sheet=d.get("sheet"),
        cell=d.get("cell"),
        column=d.get("column"),
        value=d.get("value"),
        params=dict(d.get("params") or {}),
    )


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows as plain Python values (None for blanks) for an executemany insert."""
    if frame.empty:
        return []
    rows = frame[columns].to_dict("records")  # boxes numpy scalars to Python ones
    for row in rows:
        for k, v in row.items():
            if v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
                row[k] = None
            elif hasattr(v, "item") and not isinstance(v, (str, bytes)):
                row[k] = v.item()
    return rows


def _workbook_id(report: Report | None) -> str | None:
    """The initiative code on the Profile sheet, when there is a valid one (a rejected
    workbook may have none: then the upload is filed under the uploader's initiative)."""
    try:
        value = report.profile.iloc[0]["initiative_id"] if report is not None else None
    except (AttributeError, IndexError, KeyError):
        return None
    return value if isinstance(value, str) and ID_PATTERN.match(value) else None


def _workbook_period(report: Report | None) -> tuple[dt.date | None, dt.date | None, str | None]:
    """Start, end and label of the workbook's period, when it has valid dates."""
    try:
        start, end = report.period_start, report.period_end  # type: ignore[union-attr]
    except (AttributeError, IndexError, KeyError):
        return None, None, None
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        return start, end, period_label(start, end)
    return None, None, None


def _tidy_rows(dataset: Dataset) -> dict[str, list[dict[str, Any]]]:
    """The rows each tidy table receives (without the period columns, which live on the
    submission)."""
    return {
        name: _records(
            dataset.frames()[name], [c for c in TIDY_COLUMNS[name] if c not in PERIOD_COLUMNS]
        )
        for name in TIDY_TABLES
    }


def _tuples(result: Any) -> list[tuple]:
    """A result's rows as plain tuples, for ``DataFrame.from_records``.

    SQLAlchemy's ``Row`` is no tuple, so pandas would probe every row for a ``dtype``
    attribute, and each probe raises and catches an error inside SQLAlchemy: half the time
    of reading a portfolio. Plain tuples take pandas' fast path; the values are the same.
    """
    return [tuple(row) for row in result]


# a refused upload's bytes are kept only up to this size (and never over the upload limit)
KEEP_REFUSED_ENV = "EVALUATION_KEEP_REFUSED_KB"
KEEP_REFUSED_DEFAULT_KB = 512
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def keep_refused_bytes() -> int:
    """How many bytes of a refused upload are kept: ``EVALUATION_KEEP_REFUSED_KB`` (default
    512 KB), never more than the upload limit. A larger refused file is recorded (hash, size,
    reason, who) without its bytes."""
    from evaluation.ingest.safety import limits_from_env

    raw = os.environ.get(KEEP_REFUSED_ENV, "").strip()
    try:
        kb = float(raw) if raw else KEEP_REFUSED_DEFAULT_KB
    except ValueError:
        kb = KEEP_REFUSED_DEFAULT_KB
    return max(0, min(int(kb * 1024), limits_from_env().max_bytes))


def _clean(text: str) -> str:
    """Text for the database without control characters (PostgreSQL refuses NUL)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


class StorageFull(UserError):
    """The database's disk (or SQLite's page budget) is full: nothing was stored."""

    exit_code = 4


def storage_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk is full: SQLite's SQLITE_FULL, PostgreSQL's 53100, or an
    operating-system ENOSPC / EDQUOT underneath."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (28, 122):  # ENOSPC, EDQUOT
            return True
        if getattr(exc, "sqlstate", None) == "53100":
            return True
        if getattr(exc, "sqlite_errorname", None) == "SQLITE_FULL":
            return True
        if "database or disk is full" in str(exc).lower():
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False


def _retryable(exc: OperationalError) -> bool:
    msg = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    if "database is locked" in msg or "database is busy" in msg:
        return True
    code = getattr(exc.orig, "sqlstate", None)
    return code in ("40001", "40P01", "55P03")


class Store:
    """The versioned store. Open with ``Store.open(url)``; see the module docstring."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name

    # --- opening -----------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None) -> Store:
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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return migrate.current_revision(conn)

    # --- transactions ------------------------------------------------------------------

    def _write(self, work: Callable[[Connection], T]) -> T:
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

    def _read(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one read transaction: a consistent snapshot."""
        with self.engine.connect() as conn, conn.begin():
            return work(conn)

    def _audit(
        self,
        conn: Connection,
        principal: Principal,
        action: str,
        submission_id: int | None = None,
        initiative_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        conn.execute(
            _A.insert().values(
                at=_now(),
                actor=_clean(principal.label),
                role=principal.role,
                action=action,
                submission_id=submission_id,
                initiative_id=initiative_id,
                detail=_clean(detail) if detail else detail,
            )
        )

    def _insert_ignore(self, conn: Connection, table: Table, values: dict[str, Any]) -> None:
        """Insert unless a row with the same primary key exists (the database decides)."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        conn.execute(insert(table).values(**values).on_conflict_do_nothing())

    def _lock_initiative(self, conn: Connection, initiative_id: str) -> None:
        """Serialise imports for one initiative across app replicas (PostgreSQL); SQLite's
        ``BEGIN IMMEDIATE`` already serialises every writer."""
        if self.dialect == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                {"k": f"evaluation-initiative:{initiative_id}"},
            )

    def _next_submission_id(self, conn: Connection) -> int:
        if self.dialect == "postgresql":
            return int(
                conn.execute(
                    text("SELECT nextval(pg_get_serial_sequence('submissions', 'id'))")
                ).scalar_one()
            )
        # SQLite: this transaction holds the write lock, so max + 1 is ours
        return int(conn.execute(select(func.coalesce(func.max(_S.c.id), 0))).scalar_one()) + 1

    # --- state -------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """True for a fresh database: no submission, no initiative and no audit line (so a
        database initialised on purpose without sample data is never filled with it)."""

        def work(conn: Connection) -> bool:
            return all(conn.execute(select(t.c[0]).limit(1)).first() is None for t in (_S, _I, _A))

        return self._read(work)

    def load_sample_data(self, folder: Path | None = None) -> int:
        """Import ``sample_data/**/*.xlsx`` (oldest period first); the number newly accepted.
        Running it again adds nothing: the files are recognised as duplicates. The folder is
        ``settings.sample_folder()`` unless given; without one there is nothing to load."""
        folder = folder or sample_folder()
        if folder is None:
            return 0
        count = 0
        for path in sorted(folder.glob("**/*.xlsx")):
            outcome = self.import_workbook(path.read_bytes(), path.name, SAMPLE_PRINCIPAL)
            count += outcome.status == "accepted"
        from evaluation.narrative import load_sample  # the network's own words (issue 14)

        load_sample(self, folder)
        return count

    def ensure_initialised(self, with_sample_data: bool = True) -> int | None:
        """What the dashboard calls on start: the schema exists (``open``) and a fresh database
        is filled with the sample data (or marked initialised without it, so that it is never
        filled later). The number of sample submissions loaded, or None if not fresh."""
        if not self.is_empty():
            return None
        loaded = self.load_sample_data() if with_sample_data else 0
        self._write(
            lambda conn: self._audit(
                conn,
                SAMPLE_PRINCIPAL if loaded else Principal("admin", name="init"),
                "init",
                detail=f"sample submissions: {loaded}",
            )
        )
        return loaded

    # --- imports -----------------------------------------------------------------------

    def import_workbook(
        self,
        data: bytes,
        file_name: str,
        principal: Principal,
        initiative_id: str | None = None,
        *,
        replace_overlapping: bool = False,
    ) -> ImportOutcome:
        """Read, validate and store one uploaded workbook (see the module docstring).

        An upload whose period overlaps a current submission of the initiative (not the
        same period) is refused (``OverlapRefused``) unless ``replace_overlapping``: then it
        supersedes them (``evaluation.store.supersede``)."""
        sha = hashlib.sha256(data).hexdigest()
        dup = self._current_with_sha(sha, initiative_id or principal.initiative_id)
        if dup is not None:
            self._guard(principal, dup[1], file_name)
            return self._record_duplicate(principal, dup[0], dup[1], sha, file_name)
        # a mapping, not a method: the reader runs in a child process (no connection there)
        result = _ingest(data, file_name, self.all_own_declarations())
        report = result.report if not result.unreadable else None
        problems = list(result.problems)
        return self.store_report(
            data, file_name, principal, report, problems, initiative_id,
            bool(result.unreadable), replace_overlapping=replace_overlapping,
        )  # fmt: skip

    def own_declarations(self, initiative_id: str) -> list[dict[str, Any]]:
        """The initiative's stored own indicator declarations, latest of each (``carry``).
        Used while reading its upload: they are the initiative's own, not shown to others."""
        return self._read(lambda conn: carry.own_declarations(conn, initiative_id))

    def all_own_declarations(self) -> dict[str, list[dict[str, Any]]]:
        """Every initiative's ``own_declarations``, keyed by initiative id (``carry``)."""
        return self._read(carry.all_own_declarations)

    def workbook_initiative(self, data: bytes, file_name: str) -> str | None:
        """The valid initiative code a workbook's Profile sheet names, or None."""
        result = _ingest(data, file_name)
        return _workbook_id(result.report if not result.unreadable else None)

    def overlapping(
        self, principal: Principal, initiative_id: str, start: dt.date, end: dt.date
    ) -> list[supersede.Current]:
        """The initiative's current submissions whose period overlaps start..end without
        being the same period: what an upload for that period would replace (the Submit
        page asks before it does). For those who may import for the initiative."""
        if not principal.can_manage():
            access.require_import(principal, initiative_id)
        found = self._read(lambda conn: supersede.current_overlaps(conn, initiative_id, start, end))
        return [c for c in found if not c.same_period(start, end)]

    def _current_with_sha(self, sha: str, initiative_id: str | None) -> tuple[int, str] | None:
        """The current submission with these exact bytes (for this initiative, if given)."""

        def work(conn: Connection) -> tuple[int, str] | None:
            q = select(_S.c.id, _S.c.initiative_id).where(
                _S.c.sha256 == sha, _S.c.status == "accepted", _S.c.superseded_by.is_(None)
            )
            if initiative_id:
                q = q.where(_S.c.initiative_id == initiative_id)
            rows = conn.execute(q).all()
            return (rows[0][0], rows[0][1]) if len(rows) == 1 else None

        return self._read(work)

    def _guard(self, principal: Principal, initiative_id: str | None, file_name: str) -> None:
        """The access check for an import; a refusal is itself audited."""
        try:
            if initiative_id:
                access.require_import(principal, initiative_id)
            else:
                access.require_manage(principal)
        except AccessDenied:
            self._write(
                lambda conn: self._audit(
                    conn, principal, "denied", None, initiative_id, f"import {file_name}"
                )
            )
            raise

    def _record_duplicate(
        self, principal: Principal, submission_id: int, initiative_id: str, sha: str, name: str
    ) -> ImportOutcome:
        def work(conn: Connection) -> ImportOutcome:
            row = conn.execute(
                select(_S.c.period, _S.c.problems).where(_S.c.id == submission_id)
            ).one()
            self._audit(conn, principal, "duplicate", submission_id, initiative_id, f"{name} {sha}")
            return ImportOutcome(
                submission_id,
                "duplicate",
                [problem_from_json(p) for p in row.problems],
                [],
                initiative_id,
                row.period,
            )

        return self._write(work)

    def store_report(
        self,
        data: bytes,
        file_name: str,
        principal: Principal,
        report: Report | None,
        problems: list[Problem],
        initiative_id: str | None = None,
        unreadable: bool = False,
        *,
        replace_overlapping: bool = False,
    ) -> ImportOutcome:
        """Store an upload whose workbook has been read: accepted when ``report`` is given and
        ``problems`` hold no error, else rejected. (The benchmark calls this directly to time
        storage alone.)"""
        problems = list(problems)
        file_name = _clean(file_name)
        if principal.name != _clean(principal.name):  # PostgreSQL refuses NUL in text
            principal = dataclasses.replace(principal, name=_clean(principal.name))
        workbook_id = _workbook_id(report)
        if workbook_id:
            self._guard(principal, workbook_id, file_name)
        target = initiative_id or workbook_id or principal.initiative_id
        if target != workbook_id:
            self._guard(principal, target, file_name)
        if initiative_id and workbook_id and initiative_id != workbook_id:
            problems.append(
                Problem(
                    "initiative_mismatch",
                    value=workbook_id,
                    params={"expected": initiative_id},
                )
            )
        sha = hashlib.sha256(data).hexdigest()
        if report is None or has_errors(problems):
            return self._write(
                lambda conn: self._store_rejected(
                    conn, data, sha, file_name, principal, target, report, problems, unreadable
                )
            )
        taken = self._name_taken(data, file_name, report, self._read(self._known_names))
        if taken is not None:
            problems.append(taken)
            return self._write(
                lambda conn: self._store_rejected(
                    conn, data, sha, file_name, principal, target, report, problems, unreadable
                )
            )
        # the tidy rows are built before the write transaction, to hold the lock briefly
        known = self._read(self._registered_names)
        rows = _tidy_rows(report.to_tidy(submission_id=None, known_initiatives=known))
        try:
            return self._write(
                lambda conn: self._store_accepted(
                    conn, data, sha, file_name, principal, report, problems, rows,
                    replace_overlapping,
                )
            )  # fmt: skip
        except supersede.OverlapRefused as exc:
            # nothing was stored (the transaction rolled back); the refusal is audited
            detail = f"{file_name} {report.period}: overlaps {exc.params['ids']}"
            self._write(
                lambda conn: self._audit(
                    conn, principal, "refused_overlap", None, report.initiative_id, detail
                )
            )
            raise

    def _submission_values(
        self,
        sha: str,
        file_name: str,
        principal: Principal,
        initiative_id: str | None,
        report: Report | None,
        status: str,
        problems: list[Problem],
    ) -> dict[str, Any]:
        start, end, period = _workbook_period(report)
        return {
            "initiative_id": initiative_id,
            "period_start": start,
            "period_end": end,
            "period": period,
            "status": status,
            "file_name": _clean(file_name)[:255],
            "sha256": sha,
            "uploaded_by": _clean(principal.label)[:200],
            "uploaded_role": principal.role,
            "uploaded_at": _now(),
            "superseded_by": None,
            "problems": [problem_to_json(p) for p in problems],
            "n_errors": sum(p.severity == "error" for p in problems),
            "n_warnings": sum(p.severity == "warning" for p in problems),
        }

    def _store_rejected(
        self,
        conn: Connection,
        data: bytes,
        sha: str,
        file_name: str,
        principal: Principal,
        initiative_id: str | None,
        report: Report | None,
        problems: list[Problem],
        unreadable: bool,
    ) -> ImportOutcome:
        # the record is kept whole (hash, size, reason, who); the bytes only when small
        kept = data if len(data) <= keep_refused_bytes() else b""
        self._insert_ignore(conn, _B, {"sha256": sha, "size": len(data), "data": kept})
        values = self._submission_values(
            sha, file_name, principal, initiative_id, report, "rejected", problems
        )
        new_id = conn.execute(_S.insert().values(**values).returning(_S.c.id)).scalar_one()
        self._audit(
            conn,
            principal,
            "reject",
            new_id,
            initiative_id,
            f"{file_name}: {values['n_errors']} errors",
        )
        return ImportOutcome(
            new_id, "rejected", problems, [], initiative_id, values["period"], unreadable
        )

    def _store_accepted(
        self,
        conn: Connection,
        data: bytes,
        sha: str,
        file_name: str,
        principal: Principal,
        report: Report,
        problems: list[Problem],
        tidy_rows: dict[str, list[dict[str, Any]]],
        replace_overlapping: bool = False,
    ) -> ImportOutcome:
        ini = report.initiative_id
        name = str(report.profile.iloc[0]["name"])[:200]
        self._insert_ignore(
            conn,
            _I,
            {"initiative_id": ini, "name": name, "added_at": _now(), "added_by": principal.label},
        )
        self._lock_initiative(conn, ini)
        same = conn.execute(
            select(_S.c.id).where(
                _S.c.initiative_id == ini,
                _S.c.sha256 == sha,
                _S.c.status == "accepted",
                _S.c.superseded_by.is_(None),
            )
        ).first()
        if same is not None:
            self._audit(conn, principal, "duplicate", same[0], ini, f"{file_name} {sha}")
            return ImportOutcome(same[0], "duplicate", problems, [], ini, report.period)

        # the same period, and (when confirmed) overlapping ones: never two current
        # submissions over the same days (``supersede``)
        found = supersede.current_overlaps(conn, ini, report.period_start, report.period_end)
        older = supersede.to_replace(
            found, report.period_start, report.period_end, replace_overlapping
        )
        new_id = self._next_submission_id(conn)
        if older:
            # the one update the store ever makes: point the replaced submission at its successor
            conn.execute(_S.update().where(_S.c.id.in_(older)).values(superseded_by=new_id))
        self._insert_ignore(conn, _B, {"sha256": sha, "size": len(data), "data": data})
        # the same bytes refused earlier may have been recorded without them: keep them now
        conn.execute(
            _B.update()
            .where(_B.c.sha256 == sha, _B.c.size > 0, func.length(_B.c.data) == 0)
            .values(data=data)
        )
        values = self._submission_values(
            sha, file_name, principal, ini, report, "accepted", problems
        )
        conn.execute(_S.insert().values(id=new_id, **values))

        for frame_name, table in TIDY_TABLES.items():
            rows = [row | {"submission_id": new_id} for row in tidy_rows[frame_name]]
            if rows:
                conn.execute(table.insert(), rows)
            if os.environ.get(PAUSE_ENV):
                Path(os.environ[PAUSE_ENV]).write_text(str(new_id))
                time.sleep(600)

        self._audit(conn, principal, "import", new_id, ini, f"{file_name} {report.period}")
        for old in older:
            self._audit(conn, principal, "supersede", old, ini, f"superseded by {new_id}")
        return ImportOutcome(new_id, "accepted", problems, older, ini, report.period)

    # --- reads -------------------------------------------------------------------------

    def _current(
        self,
        initiative_ids: list[str] | None,
        period_from: str | None,
        period_to: str | None,
    ) -> Any:
        q = select(
            _S.c.id, _S.c.initiative_id, _S.c.period_start, _S.c.period_end, _S.c.period
        ).where(_S.c.status == "accepted", _S.c.superseded_by.is_(None))
        if initiative_ids is not None:
            q = q.where(_S.c.initiative_id.in_(list(initiative_ids)))
        if period_from:
            q = q.where(_S.c.period_end >= period_bounds(period_from)[0])
        if period_to:
            q = q.where(_S.c.period_start <= period_bounds(period_to)[1])
        return q.subquery("cur")

    def periods(self, principal: Principal, initiative_ids: list[str] | None = None) -> list[str]:
        """The period labels of the current state, in time order, without reading its rows.

        Lets a page offer its period choice (and default to the latest periods) before it
        loads any data. Period labels carry no unpublished material, so every role may ask.
        """

        def work(conn: Connection) -> list[str]:
            cur = self._current(initiative_ids, None, None)
            q = select(cur.c.period, cur.c.period_start).distinct()
            rows = conn.execute(q).all()
            return [p for p, _ in sorted(rows, key=lambda r: (r[1], r[0]))]

        return self._read(work)

    def current_dataset(
        self,
        principal: Principal,
        initiative_ids: list[str] | None = None,
        period_from: str | None = None,
        period_to: str | None = None,
    ) -> Dataset:
        """The current state: the latest accepted submission per initiative and period, as a
        tidy ``Dataset``. Stories are filtered by ``principal.can_see_story``; nothing else is
        filtered here (small numbers are the analysis layer's business)."""

        def work(conn: Connection) -> dict[str, Any]:
            cur = self._current(initiative_ids, period_from, period_to)
            # the period columns come once per submission and are joined in memory: cheaper
            # than reading (and, in SQLite, parsing) two dates on every tidy row
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
            frames["_known"] = self._known_names(conn)
            return frames

        frames = self._read(work)
        known = frames.pop("_known")
        fold_once = functools.cache(fold)  # a partner's name repeats in every quarter
        empty = Dataset.empty().frames()
        out: dict[str, pd.DataFrame] = {}
        for name, cols in TIDY_COLUMNS.items():
            frame = frames[name]
            if name == "initiatives":
                frame = frame.sort_values(["period_end", "submission_id"]).drop_duplicates(
                    "initiative_id", keep="last"
                )
                pairs = distinct_names(
                    list(zip(frame["initiative_id"], frame["name"], strict=True))
                )
                frame = frame.assign(name=[n for _, n in pairs])
                frame = frame.assign(_key=frame["name"].map(lambda n: fold(n or "")))
                frame = frame.sort_values(["_key", "initiative_id"])
            if name == "stories" and not frame.empty:
                frame = frame[self._story_mask(principal, frame)]
            if name == "network" and not frame.empty:
                missing = frame["partner_initiative_id"].isna() & (
                    frame["partner_type"] == "initiative"
                )
                if missing.any():
                    filled = frame.loc[missing, "partner"].map(lambda p: known.get(fold_once(p)))
                    # never the uploader itself (a name it wrote for itself is not a partner)
                    filled = filled.where(filled != frame.loc[missing, "initiative_id"])
                    frame = frame.copy()
                    frame.loc[missing, "partner_initiative_id"] = filled
            out[name] = frame[cols].reset_index(drop=True) if not frame.empty else empty[name]
        return Dataset(**out)

    @staticmethod
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

    def _registered_names(self, conn: Connection) -> dict[str, str]:
        """Folded id and registered name -> initiative id (cheap: one row per initiative).

        A code always means its own initiative, whatever name another one wrote; a name held
        by two (a store from before names were checked) stays with the first registered.
        """
        known: dict[str, str] = {}
        rows = conn.execute(
            select(_I.c.initiative_id, _I.c.name).order_by(_I.c.added_at, _I.c.initiative_id)
        ).all()
        for rid, rname in rows:
            known.setdefault(fold(rname), rid)
        for rid, _ in rows:
            known[fold(rid)] = rid
        return known

    def _known_names(self, conn: Connection) -> dict[str, str]:
        """Folded id and name (registered and every profile name) -> initiative id.

        Codes first, then registered names, then profile names, each name to the first
        initiative that held it (issue 21): a later profile that wrote another initiative's
        name does not take over the referrals to it.
        """
        known = self._registered_names(conn)
        fold_once = functools.cache(fold)  # every quarter repeats the name: fold it once
        q = select(_S.c.initiative_id, _P.c.name).join_from(_P, _S, _P.c.submission_id == _S.c.id)
        for rid, rname in conn.execute(q.where(_S.c.status == "accepted").order_by(_S.c.id)):
            if rname:
                known.setdefault(fold_once(rname), rid)
        return known

    def _name_taken(
        self, data: bytes, file_name: str, report: Report, known: dict[str, str]
    ) -> Problem | None:
        """The refusal of a profile name (or code) that is another initiative's (issue 21)."""
        from evaluation.ingest import names

        name = report.profile.iloc[0].get("name")
        owner = names.name_owner(name, report.initiative_id, known)
        if owner is None:
            return None
        owner_name = self._read(
            lambda conn: conn.execute(
                select(_I.c.name).where(_I.c.initiative_id == owner)
            ).scalar_one_or_none()
        )
        return names.name_taken_problem(data, file_name, report, owner, owner_name or owner)

    def submissions(self, principal: Principal, initiative_id: str | None = None) -> pd.DataFrame:
        """Every submission (accepted, superseded or rejected), newest first. An admin sees
        all; an initiative only its own; other roles are refused."""
        if principal.role == "initiative":
            if initiative_id and initiative_id != principal.initiative_id:
                raise AccessDenied(
                    "store.read_other", who=principal.label, initiative=initiative_id
                )
            initiative_id = principal.initiative_id
        else:
            access.require_manage(principal)
        q = select(
            _S.c.id.label("submission_id"), *[_S.c[c] for c in SUBMISSION_COLUMNS[1:]]
        ).order_by(_S.c.id.desc())
        if initiative_id:
            q = q.where(_S.c.initiative_id == initiative_id)
        rows = self._read(lambda conn: conn.execute(q).all())
        frame = pd.DataFrame([tuple(r) for r in rows], columns=SUBMISSION_COLUMNS)
        frame["superseded_by"] = frame["superseded_by"].astype("Int64")
        return frame

    def _submission_row(self, conn: Connection, submission_id: int) -> Any:
        row = conn.execute(select(_S).where(_S.c.id == int(submission_id))).first()
        if row is None:
            raise UserError("store.unknown_submission", submission_id=submission_id)
        return row

    def _require_own(self, principal: Principal, initiative_id: str | None) -> None:
        if initiative_id is None or not principal.can_read_raw(initiative_id):
            if principal.can_manage():
                return
            raise AccessDenied(
                "store.read_other", who=principal.label, initiative=initiative_id or "?"
            )

    def submission_problems(self, principal: Principal, submission_id: int) -> list[Problem]:
        """The problems found in one submission (its initiative or an admin)."""
        row = self._read(lambda conn: self._submission_row(conn, submission_id))
        self._require_own(principal, row.initiative_id)
        return [problem_from_json(p) for p in row.problems]

    def raw(self, principal: Principal, submission_id: int) -> tuple[str, bytes]:
        """The file name and the exact bytes that were uploaded (the read is audited)."""
        row = self._read(lambda conn: self._submission_row(conn, submission_id))
        if row.initiative_id:
            access.require_raw(principal, row.initiative_id)
        else:
            access.require_manage(principal)

        def work(conn: Connection) -> bytes:
            blob = conn.execute(select(_B.c.data, _B.c.size).where(_B.c.sha256 == row.sha256)).one()
            if blob.size and not blob.data:  # a refused upload recorded without its bytes
                raise UserError("store.raw_not_kept", submission_id=row.id, size=blob.size)
            self._audit(conn, principal, "raw_read", row.id, row.initiative_id, row.file_name)
            return bytes(blob.data)

        return row.file_name, self._write(work)

    def audit(self, principal: Principal) -> pd.DataFrame:
        """The audit trail, oldest first (admins only)."""
        access.require_manage(principal)
        q = select(*[_A.c[c] for c in AUDIT_COLUMNS]).order_by(_A.c.id)
        rows = self._read(lambda conn: conn.execute(q).all())
        frame = pd.DataFrame([tuple(r) for r in rows], columns=AUDIT_COLUMNS)
        frame["submission_id"] = frame["submission_id"].astype("Int64")
        return frame

    def initiatives(self, principal: Principal) -> pd.DataFrame:
        """Initiative ids and names (the latest profile's name where there is one), in the
        neutral order of their names."""

        def work(conn: Connection) -> list[tuple[str, str]]:
            names = {
                rid: rname for rid, rname in conn.execute(select(_I.c.initiative_id, _I.c.name))
            }
            latest = (
                select(_S.c.initiative_id, _P.c.name)
                .join_from(_P, _S, _P.c.submission_id == _S.c.id)
                .where(_S.c.status == "accepted", _S.c.superseded_by.is_(None))
                .order_by(_S.c.period_end, _S.c.id)
            )
            for rid, rname in conn.execute(latest):
                if rname:
                    names[rid] = rname
            return list(names.items())

        rows = distinct_names(self._read(work))
        rows.sort(key=lambda r: (fold(r[1]), r[0]))
        return pd.DataFrame(rows, columns=["initiative_id", "name"])

    def add_initiative(self, principal: Principal, initiative_id: str, name: str) -> None:
        """Register an initiative (admins only)."""
        access.require_manage(principal)
        if not ID_PATTERN.match(initiative_id or ""):
            raise UserError("store.invalid_initiative_id", initiative=initiative_id)
        if not (name or "").strip():
            raise UserError("store.initiative_name_missing", initiative=initiative_id)

        def work(conn: Connection) -> None:
            exists = conn.execute(
                select(_I.c.initiative_id).where(_I.c.initiative_id == initiative_id)
            ).first()
            if exists:
                raise UserError("store.initiative_exists", initiative=initiative_id)
            owner = self._known_names(conn).get(fold(name))
            if owner is not None:  # issue 21: one name, one initiative
                raise UserError("store.initiative_name_exists", name=name.strip(), initiative=owner)
            conn.execute(
                _I.insert().values(
                    initiative_id=initiative_id,
                    name=name.strip()[:200],
                    added_at=_now(),
                    added_by=principal.label,
                )
            )
            self._audit(conn, principal, "add_initiative", None, initiative_id, name.strip())

        self._write(work)
