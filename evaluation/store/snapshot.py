"""The whole current state as read, kept in the database at its data version (issue 16:
the current state read without deriving it again per request).

A process keeps what it read in memory (``queries.current_dataset``), but a new process, a
second app replica or a command read and derived the whole state again: 1.4 s at 1,000
initiatives x 8 quarters. So the read state (the current submissions and each tidy table's
rows, as ``queries`` reads them, before they are derived for readers) is also kept in one
row of ``state_snapshots``, as Arrow IPC streams (3 MB at that size), with the version it
was read at. A new process reads that row and then only the submissions stored since it
(``queries._read_change``), as a process does after an upload.

The snapshot is a cache of the tables, never the record: a snapshot that cannot be read
(written by another version of the program, or with other columns) is ignored, and the
state is read from the tables. Only the newest is kept.
"""

from __future__ import annotations

import io
import json
import logging
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Select, delete, select
from sqlalchemy.exc import SQLAlchemyError

from evaluation.errors import UserError
from evaluation.periods import period_bounds
from evaluation.store import audit
from evaluation.store.engine import Database
from evaluation.store.schema import StateSnapshot, table_of

if TYPE_CHECKING:
    import pyarrow as pa

_T = table_of(StateSnapshot)
log = logging.getLogger(__name__)

# the container: a magic number and format, then per frame its name and its Arrow IPC
# stream, each preceded by its length
_MAGIC = b"EVSTATE1"
_LENGTH = struct.Struct("<Q")
_DTYPES = b"evaluation.dtypes"  # each column's pandas dtype, as written
SUBMISSIONS = "_submissions"
# a snapshot is written when at least this many submissions were stored since the last one
# (or there is none): each read after an upload then reads at most about this many anew
REFRESH_AFTER = 64


@dataclass(frozen=True)
class Snapshot:
    """A kept state: its version (``queries._VERSION``: submissions, highest id,
    initiatives), the current submissions and each tidy table's rows."""

    version: tuple[int, int, int]
    subs: pd.DataFrame
    rows: dict[str, pd.DataFrame]


def encode(subs: pd.DataFrame, rows: dict[str, pd.DataFrame]) -> bytes:
    """The frames as one blob: Arrow IPC streams, compressed with zstd, with pandas'
    metadata, so each frame comes back with its dtypes."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    out = io.BytesIO()
    out.write(_MAGIC)
    options = ipc.IpcWriteOptions(compression="zstd")
    for name, frame in {SUBMISSIONS: subs, **rows}.items():
        table = pa.Table.from_pandas(frame, preserve_index=False)
        dtypes = json.dumps([str(d) for d in frame.dtypes]).encode()
        table = table.replace_schema_metadata({**table.schema.metadata, _DTYPES: dtypes})
        stream = io.BytesIO()
        with ipc.new_stream(stream, table.schema, options=options) as writer:
            writer.write_table(table)
        for part in (name.encode(), stream.getvalue()):
            out.write(_LENGTH.pack(len(part)))
            out.write(part)
    return out.getvalue()


def decode(data: bytes, columns: dict[str, list[str]]) -> tuple[pd.DataFrame, dict] | None:
    """The frames of ``encode``, or None when ``data`` is not such a blob or its frames do
    not have exactly ``columns`` (frame name -> columns, the submissions' included)."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    if not data.startswith(_MAGIC):
        return None
    view, at, frames = memoryview(data), len(_MAGIC), {}
    try:
        while at < len(view):
            parts = []
            for _ in range(2):
                (n,) = _LENGTH.unpack_from(view, at)
                parts.append(view[at + _LENGTH.size : at + _LENGTH.size + n])
                at += _LENGTH.size + n
            name = bytes(parts[0]).decode()
            frames[name] = _frame(ipc.open_stream(pa.py_buffer(parts[1])).read_all())
    except (struct.error, pa.ArrowException, UnicodeDecodeError, ValueError, KeyError) as exc:
        log.warning("a kept state could not be read (%s): reading the tables", exc)
        return None
    if set(frames) != set(columns) or any(
        list(frames[name].columns) != cols for name, cols in columns.items()
    ):
        return None
    subs = frames.pop(SUBMISSIONS)
    return subs, frames


def _frame(table: pa.Table) -> pd.DataFrame:
    """A frame with the dtypes it was written with: a text column read as ``object`` (with
    None for a missing value) stays one, where Arrow would make it pandas' string dtype."""
    dtypes = json.loads(table.schema.metadata[_DTYPES])
    frame = table.to_pandas(date_as_object=True)
    for column, dtype in zip(list(frame.columns), dtypes, strict=True):
        if str(frame[column].dtype) == dtype:
            continue
        if dtype != "object":
            raise ValueError(f"{column}: {frame[column].dtype} where {dtype} was written")
        values = frame[column].astype(object)
        frame[column] = values.where(values.notna(), None)
    return frame


def latest(conn: Connection, columns: dict[str, list[str]]) -> Snapshot | None:
    """The newest kept state that this program can read, in the caller's transaction."""
    row = conn.execute(_newest(_T.c.data)).first()
    if row is None:
        return None
    frames = decode(bytes(row[3]), columns)
    return None if frames is None else Snapshot((int(row[0]), int(row[1]), int(row[2])), *frames)


def _newest(*more: ColumnElement[Any]) -> Select[Any]:
    """The newest kept state's version (and ``more`` of its columns)."""
    version = (_T.c.n_submissions, _T.c.last_submission, _T.c.n_initiatives)
    return select(*version, *more).order_by(_T.c.id.desc()).limit(1)


def newest_version(conn: Connection) -> tuple[int, int, int] | None:
    """The version of the newest kept state (without reading it)."""
    row = conn.execute(_newest()).first()
    return None if row is None else (int(row[0]), int(row[1]), int(row[2]))


def due(kept: tuple[int, int, int] | None, version: tuple[int, int, int]) -> bool:
    """Whether the state at ``version`` should be kept, the newest kept one being at
    ``kept``: there is none, or at least ``REFRESH_AFTER`` submissions came since."""
    return kept is None or version[0] - kept[0] >= REFRESH_AFTER


def save(db: Database, snapshot: Snapshot) -> bool:
    """Keep ``snapshot`` as the newest state (in place of one at its version that could
    not be read), unless a newer one was kept meanwhile; the older ones go. A cache: when
    the database cannot take it now (busy, full, read-only), nothing is kept and the
    caller's read is not disturbed. Whether it was kept."""
    import pyarrow as pa

    try:
        data = encode(snapshot.subs, snapshot.rows)
    except (pa.ArrowException, TypeError, ValueError) as exc:  # a column Arrow cannot hold
        log.warning("the current state was not kept (%s)", exc)
        return False
    n_subs, last, n_init = snapshot.version

    def work(conn: Connection) -> bool:
        kept = newest_version(conn)
        if kept is not None and kept[0] > n_subs:
            return False
        new_id = conn.execute(
            _T.insert()
            .values(
                n_submissions=n_subs,
                last_submission=last,
                n_initiatives=n_init,
                created_at=audit.now(),
                data=data,
            )
            .returning(_T.c.id)
        ).scalar_one()
        conn.execute(delete(_T).where(_T.c.id < new_id))
        return True

    try:
        return db.write(work)
    except (UserError, SQLAlchemyError) as exc:
        log.warning("the current state was not kept (%s)", exc)
        return False


def select_part(
    kept: Snapshot,
    initiative_ids: list[str] | None,
    period_from: str | None,
    period_to: str | None,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The part of a kept (whole) state that a selection reads: its initiatives, and the
    submissions whose period meets the range (as ``queries._current`` selects them), in the
    kept order."""
    subs = kept.subs
    mask = pd.Series(True, index=subs.index)
    if initiative_ids is not None:
        mask &= subs["initiative_id"].isin(list(initiative_ids))
    if period_from:
        mask &= subs["period_end"] >= period_bounds(period_from)[0]
    if period_to:
        mask &= subs["period_start"] <= period_bounds(period_to)[1]
    if mask.all():
        return subs, kept.rows
    subs = _as_read(subs[mask])
    ids = subs["submission_id"]
    rows = {
        name: _as_read(frame[frame["submission_id"].isin(ids)]) for name, frame in kept.rows.items()
    }
    return subs, rows


def _as_read(part: pd.DataFrame) -> pd.DataFrame:
    """Part of a frame with the dtypes a read of only that part gives: a column with no
    value in it is read as ``object`` holding None, whatever the whole column held."""
    part = part.reset_index(drop=True)
    for column in part.columns:
        values = part[column]
        if values.dtype != object and values.isna().all():
            part[column] = pd.Series([None] * len(part), index=part.index, dtype=object)
    return part
