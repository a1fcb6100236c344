"""What carries over from one period to the next: an initiative's own indicator declarations.

An initiative declares its own indicators on the Own indicators sheet. Once the store holds a
declaration (in a current submission), a later workbook may leave it out and still report the
indicator: the reader takes the latest stored declaration (``evaluation.ingest.read_workbook``
``declared=``), and the new submission stores it again, so each period's data stays complete
on its own. Kept apart from ``store.py``, which calls it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from evaluation.store.schema import OwnIndicator, Submission, table_of

_S = table_of(Submission)
_O = table_of(OwnIndicator)
DECLARATION_COLUMNS = ("indicator", "label", "definition", "dimension", "unit", "phase")


def own_declarations(conn: Connection, initiative_id: str) -> list[dict[str, Any]]:
    """The latest declaration of each own indicator in the initiative's current submissions
    (the latest period's wins), in the order first declared."""
    q = (
        select(*[_O.c[c] for c in DECLARATION_COLUMNS])
        .join_from(_O, _S, _O.c.submission_id == _S.c.id)
        .where(
            _S.c.initiative_id == initiative_id,
            _S.c.status == "accepted",
            _S.c.superseded_by.is_(None),
        )
        .order_by(_S.c.period_end, _S.c.id, _O.c.id)
    )
    latest: dict[str, dict[str, Any]] = {}
    for row in conn.execute(q):
        record = dict(zip(DECLARATION_COLUMNS, row, strict=True))
        latest[record["indicator"]] = record
    return list(latest.values())


def all_own_declarations(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """``own_declarations`` of every initiative at once, keyed by initiative id: a plain
    mapping that the reader's child process can use without a database connection."""
    q = (
        select(_S.c.initiative_id, *[_O.c[c] for c in DECLARATION_COLUMNS])
        .join_from(_O, _S, _O.c.submission_id == _S.c.id)
        .where(_S.c.status == "accepted", _S.c.superseded_by.is_(None))
        .order_by(_S.c.period_end, _S.c.id, _O.c.id)
    )
    latest: dict[str, dict[str, dict[str, Any]]] = {}
    for row in conn.execute(q):
        record = dict(zip(DECLARATION_COLUMNS, row[1:], strict=True))
        latest.setdefault(str(row[0]), {})[record["indicator"]] = record
    return {iid: list(decl.values()) for iid, decl in latest.items()}
