"""Which current submissions a new accepted one replaces: the same period, or an overlap.

A resubmission for exactly the same period supersedes the current one, as always. A period
that *overlaps* a current submission of the same initiative without being the same (sent
1-1 to 30-3, corrected to 1-1 to 31-3) would leave two current submissions over the same
days, and the days would count twice. So the store never leaves them both current: such an
upload replaces the overlapping ones only when the uploader confirms it
(``replace_overlapping``), and is refused otherwise (``OverlapRefused``, naming them) with
nothing stored. The CLI confirms with ``--replace-overlapping``; the Submit page shows the
overlap (``overlapping``) and asks before it stores.

Kept apart from ``store.py`` so that the rule is in one place: ``Store`` calls
``current_overlaps`` inside its write transaction (under the initiative's lock).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, select

from evaluation.errors import UserError
from evaluation.store.schema import Submission, table_of

_S = table_of(Submission)


@dataclass(frozen=True)
class Current:
    """A current (accepted, not superseded) submission whose period meets the new one's."""

    submission_id: int
    period: str
    period_start: dt.date
    period_end: dt.date

    def same_period(self, start: dt.date, end: dt.date) -> bool:
        return self.period_start == start and self.period_end == end


def current_overlaps(
    conn: Connection, initiative_id: str, start: dt.date, end: dt.date
) -> list[Current]:
    """The initiative's current submissions whose period shares a day with start..end."""
    q = (
        select(_S.c.id, _S.c.period, _S.c.period_start, _S.c.period_end)
        .where(
            _S.c.initiative_id == initiative_id,
            _S.c.status == "accepted",
            _S.c.superseded_by.is_(None),
            _S.c.period_start <= end,
            _S.c.period_end >= start,
        )
        .order_by(_S.c.period_start, _S.c.id)
    )
    return [Current(int(r[0]), r[1], _date(r[2]), _date(r[3])) for r in conn.execute(q)]


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def to_replace(
    found: list[Current], start: dt.date, end: dt.date, replace_overlapping: bool
) -> list[int]:
    """The submission ids the new one supersedes; ``OverlapRefused`` when it would leave
    an overlapping one current and the uploader has not confirmed replacing it."""
    overlapping = [c for c in found if not c.same_period(start, end)]
    if overlapping and not replace_overlapping:
        raise OverlapRefused(overlapping)
    return [c.submission_id for c in found]


class OverlapRefused(UserError):
    """The upload's period overlaps current submissions (not the same period): not stored."""

    exit_code = 1

    def __init__(self, overlapping: list[Current]) -> None:
        self.overlapping = list(overlapping)
        from evaluation.formatting import format_period

        super().__init__(
            "store.overlap.refused",
            ids=", ".join(str(c.submission_id) for c in overlapping),
            periods_nl=", ".join(format_period(c.period, "nl") for c in overlapping),
            periods_en=", ".join(format_period(c.period, "en") for c in overlapping),
        )
