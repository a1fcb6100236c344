"""Periods: the one home of period helpers.

A period is a start and an end date (both included). Its label is ``2025-Q1`` for a calendar
quarter, else ``2025-01-15/2025-03-31``; ``period_bounds`` reads a label back, and
``next_period`` proposes the period after one (what the next template is for). How a period
is shown to people is ``evaluation.formatting.format_period``.
"""

from __future__ import annotations

import datetime as dt
import re

# a reporting rhythm -> months per period (``evaluation.arrangements`` agrees them per
# initiative; here so that the command line can list them without importing the store)
RHYTHMS = {"quarter": 3, "half_year": 6, "year": 12}


def period_label(start: dt.date, end: dt.date) -> str:
    """``2025-Q1`` for a calendar quarter, else ``2025-01-15/2025-03-31``."""
    q = (start.month - 1) // 3
    if start.day == 1 and start.month == 3 * q + 1:
        last_month = 3 * q + 3
        next_first = dt.date(start.year + (last_month == 12), last_month % 12 + 1, 1)
        if end == next_first - dt.timedelta(days=1):
            return f"{start.year}-Q{q + 1}"
    return f"{start.isoformat()}/{end.isoformat()}"


_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def period_bounds(label: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period given as ``2025-Q1``, ``2025-01-15/2025-03-31`` or a
    single ISO date."""
    label = label.strip()
    m = _QUARTER.match(label)
    if m:
        year, q = int(m.group(1)), int(m.group(2))
        start = dt.date(year, 3 * q - 2, 1)
        nxt = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    try:
        if "/" in label:
            a, b = label.split("/", 1)
            return dt.date.fromisoformat(a), dt.date.fromisoformat(b)
        day = dt.date.fromisoformat(label)
    except ValueError:
        from evaluation.errors import UserError  # lazy: the reader's child imports little

        raise UserError("store.bad_period", period=label) from None
    return day, day


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month (``day`` is a first)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def next_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period after start..end, as long as it: whole months stay whole months (a
    quarter is followed by the next quarter, a half year by the next), else as many days."""
    after = end + dt.timedelta(days=1)
    if start.day == 1 and after.day == 1:
        months = (after.year - start.year) * 12 + after.month - start.month
        return after, _add_months(after, months) - dt.timedelta(days=1)
    return after, after + (end - start)
