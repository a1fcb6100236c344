"""The reporting cycle (issue 17, point 2): which reports are expected of each initiative,
which came in, which were corrected and which have not come in yet.

An initiative's expected periods follow its arrangement (``evaluation.arrangements``): the
units of its rhythm from the quarter of its first accepted report up to the last unit that
has ended by ``today``. A period is

- ``received`` when a current accepted submission overlaps it (a quarter sent under a
  half-year rhythm counts: the initiative reported, if more often than agreed);
- ``corrected`` when one of those replaced an earlier submission (a correction);
- ``missing`` ("not yet received") otherwise.

The view is in neutral order (initiatives by name, periods in time) and in words only: no
colours, shares or counts that would make a league table of who is "late". Funders,
evaluators and administrators read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import select

from evaluation.access import Principal
from evaluation.arrangements import Arrangement, arrangements, unit_end
from evaluation.errors import AccessDenied
from evaluation.periods import period_label
from evaluation.store.schema import Submission, table_of

if TYPE_CHECKING:
    from evaluation.store import Store

STATUSES = ("received", "corrected", "missing")
READERS = ("funder", "evaluator", "admin")
_S = table_of(Submission)


@dataclass(frozen=True)
class Expected:
    """One expected report of one initiative and what became of it."""

    initiative_id: str
    start: dt.date
    end: dt.date
    status: str  # received | corrected | missing
    received_on: dt.date | None = None  # the latest upload that covers it

    @property
    def period(self) -> str:
        return period_label(self.start, self.end)


def expected_periods(agreed: Arrangement, first: dt.date, today: dt.date) -> list[tuple]:
    """The units of the rhythm from the one holding ``first`` to the last ended by ``today``.

    The first unit starts at the first of the rhythm's unit holding ``first`` (the quarter
    of the first report, under a quarterly rhythm)."""
    months = agreed.months
    start = dt.date(first.year, ((first.month - 1) // months) * months + 1, 1)
    out = []
    while (end := unit_end(start, agreed.rhythm)) < today:
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def _current(store: Store, initiative_ids: list[str]) -> dict[str, list[tuple]]:
    """Per initiative, its current accepted submissions as (start, end, uploaded_at,
    replaced one), in upload order."""
    replaced = select(_S.c.superseded_by).where(_S.c.superseded_by.is_not(None))
    q = (
        select(_S.c.id, _S.c.initiative_id, _S.c.period_start, _S.c.period_end, _S.c.uploaded_at)
        .where(
            _S.c.status == "accepted",
            _S.c.superseded_by.is_(None),
            _S.c.initiative_id.in_(initiative_ids),
        )
        .order_by(_S.c.id)
    )

    def work(conn):
        rows = conn.execute(q).all()
        corrections = {r[0] for r in conn.execute(replaced)}
        return rows, corrections

    rows, corrections = store.read(work)
    out: dict[str, list[tuple]] = {}
    for sid, initiative_id, start, end, uploaded_at in rows:
        out.setdefault(initiative_id, []).append((start, end, uploaded_at, sid in corrections))
    return out


def cycle(store: Store, who: Principal, names: dict[str, str], today: dt.date) -> list[Expected]:
    """Every expected report of the initiatives in ``names`` (id -> name) up to ``today``,
    initiatives by name and periods in time (see the module docstring)."""
    if who.role not in READERS:
        raise AccessDenied("cycle.not_allowed", who=who.label)
    ids = sorted(names, key=lambda i: (str(names[i]).casefold(), i))
    current = _current(store, ids)
    out: list[Expected] = []
    for agreed in arrangements(store, ids):
        mine = current.get(agreed.initiative_id)
        if not mine:
            continue  # nothing expected before a first report
        for start, end in expected_periods(agreed, min(s for s, *_ in mine), today):
            cover = [(on, fixed) for s, e, on, fixed in mine if s <= end and e >= start]
            if not cover:
                out.append(Expected(agreed.initiative_id, start, end, "missing"))
                continue
            status = "corrected" if any(fixed for _, fixed in cover) else "received"
            on = max(on for on, _ in cover).date()
            out.append(Expected(agreed.initiative_id, start, end, status, on))
    return out


def missing(expected: list[Expected]) -> list[Expected]:
    """The latest expected report of each initiative, where it has not come in yet."""
    latest: dict[str, Expected] = {}
    for e in expected:
        if e.initiative_id not in latest or e.end > latest[e.initiative_id].end:
            latest[e.initiative_id] = e
    return [e for e in latest.values() if e.status == "missing"]


def for_period(expected: list[Expected], day: dt.date) -> list[Expected]:
    """The expected report of each initiative whose period holds ``day`` (a chosen quarter's
    first day, say), in the order given."""
    return [e for e in expected if e.start <= day <= e.end]


def cycle_table(
    rows: list[Expected], names: dict[str, str], rhythms: dict[str, str], lang: str = "nl"
) -> pd.DataFrame:
    """The rows in words: initiative, rhythm, period, status and when it came in."""
    from evaluation.formatting import format_date, format_period
    from evaluation.i18n import t

    periods = {p: format_period(p, lang) for p in {e.period for e in rows}}
    statuses = {code: t(f"cycle.status.{code}", lang) for code in STATUSES}
    in_words = {r: t(f"arrangements.rhythm.{r}", lang) for r in set(rhythms.values())}
    days: dict[dt.date | None, str] = {None: ""}
    days |= {d: format_date(d, lang) for d in {e.received_on for e in rows} if d}
    return pd.DataFrame(
        [
            (
                names[e.initiative_id],
                in_words[rhythms[e.initiative_id]],
                periods[e.period],
                statuses[e.status],
                days[e.received_on],
            )
            for e in rows
        ],
        columns=["initiative", "rhythm", "period", "status", "received_on"],
    )


def quarters(expected: list[Expected]) -> list[str]:
    """The calendar quarters the expected reports span, as labels in time order (what the
    calendar page offers to choose from)."""
    if not expected:
        return []
    day, last = min(e.start for e in expected), max(e.end for e in expected)
    day = dt.date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)
    out = []
    while day <= last:
        end = unit_end(day, "quarter")
        out.append(period_label(day, end))
        day = end + dt.timedelta(days=1)
    return out
