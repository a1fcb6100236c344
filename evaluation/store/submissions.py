"""Storing submissions: a report that has been read and validated becomes an immutable
submission, accepted or rejected; a newer accepted one supersedes the earlier.

Rules (the design brief's "nothing is lost"):

- One transaction per import: a submission, its raw file and its tidy rows are stored all
  together or not at all.
- A rejected upload is recorded with its problems, hash, size and uploader, and no data; its
  raw bytes only up to ``settings.keep_refused_bytes``, so refused uploads cannot fill the
  disk. Identical bytes accepted later complete that record.
- A new accepted submission for the same initiative and period *supersedes* the earlier one,
  which stays readable through its submission id. A period that overlaps a current one
  without being the same supersedes it only when the uploader confirms, and is refused
  otherwise (``supersede.py``): two current submissions never cover the same day.
- The same file (same SHA-256) for the same initiative while it is current is recognised:
  status ``duplicate``, an audit line, nothing new stored. Identical bytes are stored once.
- Nothing is deleted or updated in place; the one exception is ``submissions.superseded_by``,
  set once when a newer submission replaces one.
- Every import, rejection, supersession, duplicate and refusal is in the audit log.

PostgreSQL imports for one initiative are serialised with a transaction-scoped advisory lock,
and a partial unique index guarantees one current submission per initiative and period.

The store never reads a workbook: ``evaluation.submit`` reads it and calls ``store_report``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, func, select, text

from evaluation import access, tidy
from evaluation.access import Principal
from evaluation.catalogue import fold
from evaluation.errors import AccessDenied
from evaluation.model import Report
from evaluation.periods import period_label
from evaluation.problems import Problem, has_errors
from evaluation.schemas import ID_PATTERN
from evaluation.store import audit, registry, supersede
from evaluation.store.engine import Database, insert_ignore
from evaluation.store.rows import insert_rows
from evaluation.store.schema import TIDY_TABLES, Blob, Initiative, Submission, table_of
from evaluation.store.settings import keep_refused_bytes

Status = Literal["accepted", "rejected", "duplicate"]
_S = table_of(Submission)
_B = table_of(Blob)
_I = table_of(Initiative)
# statements of every import, built once (SQLAlchemy then compiles each once)
_INSERT_SUBMISSION = _S.insert()
_SAME = select(_S.c.id).where(
    _S.c.initiative_id == bindparam("ini"),
    _S.c.sha256 == bindparam("sha"),
    _S.c.status == "accepted",
    _S.c.superseded_by.is_(None),
)
_KEEP_BYTES = (
    _B.update()
    .where(_B.c.sha256 == bindparam("sha"), _B.c.size > 0, func.length(_B.c.data) == 0)
    .values(data=bindparam("bytes"))
)


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


def workbook_id(report: Report | None) -> str | None:
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


def _tidy_rows(report: Report, known: dict[str, str]) -> dict[str, tidy.Columns]:
    """The columns each tidy table receives (without the period columns, which live on the
    submission), as plain Python values."""
    return tidy.plain_columns(tidy.report_columns(report, known))


def guard(db: Database, principal: Principal, initiative_id: str | None, file_name: str) -> None:
    """The access check for an import; a refusal is itself audited."""
    try:
        if initiative_id:
            access.require_import(principal, initiative_id)
        else:
            access.require_manage(principal)
    except AccessDenied:
        db.write(
            lambda conn: audit.record(
                conn, principal, "denied", None, initiative_id, f"import {file_name}"
            )
        )
        raise


def duplicate(
    db: Database, data: bytes, file_name: str, principal: Principal, initiative_id: str | None
) -> ImportOutcome | None:
    """The outcome of an upload whose exact bytes are the current submission (of
    ``initiative_id`` when given): ``duplicate``, audited; None when they are not."""
    sha = hashlib.sha256(data).hexdigest()

    def find(conn: Connection) -> tuple[int, str] | None:
        q = select(_S.c.id, _S.c.initiative_id).where(
            _S.c.sha256 == sha, _S.c.status == "accepted", _S.c.superseded_by.is_(None)
        )
        if initiative_id:
            q = q.where(_S.c.initiative_id == initiative_id)
        rows = conn.execute(q).all()
        return (rows[0][0], rows[0][1]) if len(rows) == 1 else None

    found = db.read(find)
    if found is None:
        return None
    submission_id, owner = found
    guard(db, principal, owner, file_name)

    def work(conn: Connection) -> ImportOutcome:
        row = conn.execute(select(_S.c.period, _S.c.problems).where(_S.c.id == submission_id)).one()
        audit.record(conn, principal, "duplicate", submission_id, owner, f"{file_name} {sha}")
        problems = [problem_from_json(p) for p in row.problems]
        return ImportOutcome(submission_id, "duplicate", problems, [], owner, row.period)

    return db.write(work)


def overlapping(
    db: Database, principal: Principal, initiative_id: str, start: dt.date, end: dt.date
) -> list[supersede.Current]:
    """The initiative's current submissions whose period overlaps start..end without being
    the same period: what an upload for that period would replace (the Submit page asks
    before it does). For those who may import for the initiative."""
    if not principal.can_manage():
        access.require_import(principal, initiative_id)
    found = db.read(lambda conn: supersede.current_overlaps(conn, initiative_id, start, end))
    return [c for c in found if not c.same_period(start, end)]


@dataclass(frozen=True)
class _Upload:
    """One upload on its way into the store."""

    data: bytes
    sha: str
    file_name: str
    principal: Principal
    problems: list[Problem]

    def values(self, initiative_id: str | None, report: Report | None, status: str) -> dict:
        start, end, period = _workbook_period(report)
        return {
            "initiative_id": initiative_id,
            "period_start": start,
            "period_end": end,
            "period": period,
            "status": status,
            "file_name": audit.clean(self.file_name)[:255],
            "sha256": self.sha,
            "uploaded_by": audit.clean(self.principal.label)[:200],
            "uploaded_role": self.principal.role,
            "uploaded_at": audit.now(),
            "superseded_by": None,
            "problems": [problem_to_json(p) for p in self.problems],
            "n_errors": sum(p.severity == "error" for p in self.problems),
            "n_warnings": sum(p.severity == "warning" for p in self.problems),
        }


def store_report(
    db: Database,
    data: bytes,
    file_name: str,
    principal: Principal,
    report: Report | None,
    problems: list[Problem],
    initiative_id: str | None = None,
    unreadable: bool = False,
    *,
    replace_overlapping: bool = False,
    upload_limit: int | None = None,
    name_refusal: registry.NameRefusal | None = None,
) -> ImportOutcome:
    """Store an upload whose workbook has been read: accepted when ``report`` is given and
    ``problems`` hold no error, else rejected (see the module docstring).

    ``upload_limit`` caps the bytes a refused upload keeps; ``name_refusal`` builds the
    refusal of a name that is another initiative's (``registry.name_taken``)."""
    problems = list(problems)
    file_name = audit.clean(file_name)
    if principal.name != audit.clean(principal.name):  # PostgreSQL refuses NUL in text
        principal = dataclasses.replace(principal, name=audit.clean(principal.name))
    own_id = workbook_id(report)
    if own_id:
        guard(db, principal, own_id, file_name)
    target = initiative_id or own_id or principal.initiative_id
    if target != own_id:
        guard(db, principal, target, file_name)
    if initiative_id and own_id and initiative_id != own_id:
        problems.append(
            Problem("initiative_mismatch", value=own_id, params={"expected": initiative_id})
        )
    upload = _Upload(data, hashlib.sha256(data).hexdigest(), file_name, principal, problems)
    kept = data if len(data) <= keep_refused_bytes(upload_limit) else b""
    if report is not None and not has_errors(problems):
        refusal = (name_refusal, kept, target, unreadable)
        return _accept(db, upload, report, replace_overlapping, refusal)
    return db.write(lambda conn: _reject(conn, upload, kept, target, report, unreadable))


def _reject(
    conn: Connection,
    upload: _Upload,
    kept: bytes,
    initiative_id: str | None,
    report: Report | None,
    unreadable: bool,
) -> ImportOutcome:
    # the record is kept whole (hash, size, reason, who); the bytes only when small
    insert_ignore(conn, _B, {"sha256": upload.sha, "size": len(upload.data), "data": kept})
    values = upload.values(initiative_id, report, "rejected")
    new_id = conn.execute(_S.insert().values(**values).returning(_S.c.id)).scalar_one()
    detail = f"{upload.file_name}: {values['n_errors']} errors"
    audit.record(conn, upload.principal, "reject", new_id, initiative_id, detail)
    return ImportOutcome(
        new_id, "rejected", upload.problems, [], initiative_id, values["period"], unreadable
    )


def _accept(
    db: Database,
    upload: _Upload,
    report: Report,
    replace_overlapping: bool,
    refusal: tuple[registry.NameRefusal | None, bytes, str | None, bool],
) -> ImportOutcome:
    """Store a valid report, or reject it when its name is another initiative's: the names
    are read, checked and the report written in one write transaction, so two uploads
    cannot both take a new name, and an upload costs one transaction. ``refusal``: what a
    rejection needs (the name's refusal builder, the bytes kept, the target, unreadable)."""
    name_refusal, kept, target, unreadable = refusal
    # the tidy rows are built before the write transaction, to hold the lock briefly,
    # from the registry as last read; the transaction reads it again and builds them
    # anew only if an initiative was registered in between
    seen = registry.names_seen(db)
    rows = _tidy_rows(report, seen.registered) if seen is not None else None

    def work(conn: Connection) -> ImportOutcome:
        _lock_name(conn, report)
        names = registry.names_in(conn, db)
        taken = registry.name_taken(db, report, name_refusal, names.known, conn)
        if taken is not None:
            refused = dataclasses.replace(upload, problems=[*upload.problems, taken])
            return _reject(conn, refused, kept, target, report, unreadable)
        fresh = seen is not None and names.registered is seen.registered
        tidy_rows = rows if fresh and rows is not None else _tidy_rows(report, names.registered)
        return _store_accepted(conn, upload, report, tidy_rows, replace_overlapping)

    try:
        return db.write(work)
    except supersede.OverlapRefused as exc:
        # nothing was stored (the transaction rolled back); the refusal is audited
        detail = f"{upload.file_name} {report.period}: overlaps {exc.params['ids']}"
        db.write(
            lambda conn: audit.record(
                conn, upload.principal, "refused_overlap", None, report.initiative_id, detail
            )
        )
        raise


def _lock_name(conn: Connection, report: Report) -> None:
    """Serialise uploads under one name (PostgreSQL): the second reads the registry only
    after the first has committed, so it sees the name taken. Taken before the initiative's
    lock, by every upload, so two uploads never wait on each other's lock. SQLite's
    ``BEGIN IMMEDIATE`` already serialises every writer."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
            {"k": f"evaluation-name:{fold(str(report.profile.iloc[0]['name']))}"},
        )


def _lock_initiative(conn: Connection, initiative_id: str) -> None:
    """Serialise imports for one initiative across app replicas (PostgreSQL); SQLite's
    ``BEGIN IMMEDIATE`` already serialises every writer."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
            {"k": f"evaluation-initiative:{initiative_id}"},
        )


def _next_submission_id(conn: Connection) -> int:
    if conn.dialect.name == "postgresql":
        return int(
            conn.execute(
                text("SELECT nextval(pg_get_serial_sequence('submissions', 'id'))")
            ).scalar_one()
        )
    # SQLite: this transaction holds the write lock, so max + 1 is ours
    return int(conn.execute(select(func.coalesce(func.max(_S.c.id), 0))).scalar_one()) + 1


def _store_accepted(
    conn: Connection,
    upload: _Upload,
    report: Report,
    tidy_rows: dict[str, tidy.Columns],
    replace_overlapping: bool,
) -> ImportOutcome:
    profile = report.profile.iloc[0]
    ini, sha, principal = str(profile["initiative_id"]), upload.sha, upload.principal
    name = str(profile["name"])[:200]
    start, end, period = report.period_start, report.period_end, report.period
    insert_ignore(
        conn,
        _I,
        {"initiative_id": ini, "name": name, "added_at": audit.now(), "added_by": principal.label},
    )
    _lock_initiative(conn, ini)
    same = conn.execute(_SAME, {"ini": ini, "sha": sha}).first()
    if same is not None:
        audit.record(conn, principal, "duplicate", same[0], ini, f"{upload.file_name} {sha}")
        return ImportOutcome(same[0], "duplicate", upload.problems, [], ini, period)

    # the same period, and (when confirmed) overlapping ones: never two current
    # submissions over the same days (``supersede``)
    found = supersede.current_overlaps(conn, ini, start, end)
    older = supersede.to_replace(found, start, end, replace_overlapping)
    new_id = _next_submission_id(conn)
    if older:
        # the one update the store ever makes: point the replaced submission at its successor
        conn.execute(_S.update().where(_S.c.id.in_(older)).values(superseded_by=new_id))
    insert_ignore(conn, _B, {"sha256": sha, "size": len(upload.data), "data": upload.data})
    # the same bytes refused earlier may have been recorded without them: keep them now
    conn.execute(_KEEP_BYTES, {"sha": sha, "bytes": upload.data})
    conn.execute(_INSERT_SUBMISSION, {"id": new_id, **upload.values(ini, report, "accepted")})
    for frame_name, table in TIDY_TABLES.items():
        insert_rows(conn, table, tidy_rows[frame_name], new_id)

    audit.record(conn, principal, "import", new_id, ini, f"{upload.file_name} {period}")
    for old in older:
        audit.record(conn, principal, "supersede", old, ini, f"superseded by {new_id}")
    return ImportOutcome(new_id, "accepted", upload.problems, older, ini, period)
