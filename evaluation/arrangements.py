"""Each initiative's reporting arrangement: how often it reports and whether a light report
will do (issue 15, "de kunst van het loslaten": the report asks funders to ask less where
they can).

- **Rhythm**: ``quarter`` (the default), ``half_year`` or ``year``. A period of the rhythm
  is a calendar unit (a quarter, January-June or July-December, a calendar year); the
  next template's period runs from the day after the last report to the end of the unit
  of the rhythm that day is in, so an initiative that moves from quarters to half years
  after its first quarter reports April-June once and then whole half years.
- **Light report allowed**: the initiative may send its profile, stories and reflection
  without numbers. Without the arrangement, a report without numbers is still stored, with
  a warning that says numbers were agreed (nothing is refused for being light).

A funder or an administrator sets the arrangement; rows are only inserted (the latest per
initiative counts) and every change is audited. Without a row an initiative reports each
quarter in full, as before arrangements existed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Connection, func, select

from evaluation import access
from evaluation.access import Principal
from evaluation.errors import AccessDenied, UserError
from evaluation.periods import RHYTHMS
from evaluation.problems import Problem
from evaluation.store import audit
from evaluation.store.schema import ReportingArrangement, table_of

if TYPE_CHECKING:
    from evaluation.model import Report
    from evaluation.store import Store

DEFAULT_RHYTHM = "quarter"
MAY_ARRANGE = ("funder", "admin")

_R = table_of(ReportingArrangement)


@dataclass(frozen=True)
class Arrangement:
    initiative_id: str
    rhythm: str = DEFAULT_RHYTHM
    light_allowed: bool = False
    set_by: str | None = None  # None: the default, nobody set it
    set_at: dt.datetime | None = None

    @property
    def months(self) -> int:
        return RHYTHMS[self.rhythm]


# --- periods of a rhythm -----------------------------------------------------------------


def unit_end(day: dt.date, rhythm: str) -> dt.date:
    """The last day of the rhythm's calendar unit (quarter, half year, year) holding ``day``."""
    months = RHYTHMS[rhythm]
    last_month = ((day.month - 1) // months + 1) * months  # 3, 6, 9, 12 / 6, 12 / 12
    first_after = dt.date(day.year + (last_month == 12), last_month % 12 + 1, 1)
    return first_after - dt.timedelta(days=1)


def next_period_in(rhythm: str, last_end: dt.date) -> tuple[dt.date, dt.date]:
    """The period after a report that ended on ``last_end``: from the next day to the end of
    the rhythm's unit that day is in."""
    start = last_end + dt.timedelta(days=1)
    return start, unit_end(start, rhythm)


def is_rhythm_period(start: dt.date, end: dt.date, rhythm: str) -> bool:
    """Whether start..end is one whole unit of the rhythm, or the tail of one (what
    ``next_period_in`` proposes when the rhythm changed mid-unit)."""
    return end == unit_end(start, rhythm) and (start.day == 1)


# --- reading and setting -----------------------------------------------------------------


def _latest(conn: Connection, initiative_ids: list[str] | None = None) -> dict[str, Arrangement]:
    newest = select(_R.c.initiative_id, func.max(_R.c.id).label("id")).group_by(_R.c.initiative_id)
    if initiative_ids is not None:
        newest = newest.where(_R.c.initiative_id.in_(initiative_ids))
    sub = newest.subquery()
    rows = conn.execute(select(_R).join(sub, _R.c.id == sub.c.id)).mappings()
    return {
        r["initiative_id"]: Arrangement(
            r["initiative_id"], r["rhythm"], bool(r["light_allowed"]), r["set_by"], r["set_at"]
        )
        for r in rows
    }


def arrangement(store: Store, initiative_id: str) -> Arrangement:
    """The initiative's current arrangement (the default when none was set)."""
    found = store.read(lambda conn: _latest(conn, [initiative_id]))
    return found.get(initiative_id, Arrangement(initiative_id))


def arrangements(store: Store, initiative_ids: list[str]) -> list[Arrangement]:
    """The current arrangement of each of ``initiative_ids``, in their order."""
    found = store.read(lambda conn: _latest(conn, list(initiative_ids)))
    return [found.get(i, Arrangement(i)) for i in initiative_ids]


def set_arrangement(
    store: Store, who: Principal, initiative_id: str, rhythm: str, light_allowed: bool
) -> Arrangement:
    """Record a new arrangement for an initiative (funders and administrators; audited)."""
    if who.role not in MAY_ARRANGE:
        store.write(lambda conn: audit.record(conn, who, "denied", detail="arrangement"))
        raise AccessDenied("arrangements.not_allowed", who=who.label)
    if rhythm not in RHYTHMS:
        raise UserError("arrangements.unknown_rhythm", rhythm=rhythm, known=", ".join(RHYTHMS))
    access.require_scope(who, initiative_id)
    known = set(store.initiatives(who)["initiative_id"])
    if initiative_id not in known:
        raise UserError("arrangements.unknown_initiative", initiative=initiative_id)
    at = audit.now()

    def work(conn: Connection) -> None:
        conn.execute(
            _R.insert().values(
                initiative_id=initiative_id,
                rhythm=rhythm,
                light_allowed=light_allowed,
                set_at=at,
                set_by=who.label,
            )
        )
        detail = f"{rhythm}{' light' if light_allowed else ''}"
        audit.record(conn, who, "arrangement", initiative_id=initiative_id, detail=detail)

    store.write(work)
    return Arrangement(initiative_id, rhythm, light_allowed, who.label, at)


# --- what an upload is told --------------------------------------------------------------


def has_numbers(report: Report) -> bool:
    """Whether the report holds any number: an activity row, or an indicator row with a
    value or a numerator (a row with neither is not a number)."""
    if not report.activities.empty:
        return True
    ind = report.indicators
    cols = [c for c in ("value", "numerator", "denominator") if c in ind]
    return bool(len(ind) and cols and ind[cols].notna().any(axis=None))


# the reader's warnings about a number left out: not a remark when numbers are optional
NUMBER_MISSING = frozenset({"indicator_without_value", "partner_without_count"})


def with_arrangement(
    problems: list[Problem], report: Report, agreed: Arrangement, profile_sheet: str
) -> list[Problem]:
    """The reader's ``problems`` as the arrangement reads them: where a light report was
    agreed, a number left out is no remark; warnings (never errors) where the report
    differs from the arrangement: its period is not a period of the rhythm, or it has no
    numbers although a full report was agreed."""
    if agreed.light_allowed:
        problems = [p for p in problems if p.code not in NUMBER_MISSING]
    out = list(problems)
    start, end = report.period_start, report.period_end
    dated = isinstance(start, dt.date) and isinstance(end, dt.date)
    if dated and not is_rhythm_period(start, end, agreed.rhythm):
        params = {"hint_variant": agreed.rhythm, "start": start, "end": end}
        out.append(Problem("period_off_rhythm", "warning", profile_sheet, params=params))
    if not has_numbers(report) and not agreed.light_allowed:
        out.append(Problem("numbers_expected", "warning", profile_sheet))
    return out


def line(agreed: Arrangement, lang: str = "nl") -> str:
    """The arrangement in one sentence, for the initiative: "Afgesproken: jullie rapporteren
    per half jaar; een licht verslag is genoeg." """
    from evaluation.i18n import t

    kind = "light" if agreed.light_allowed else "full"
    rhythm = t(f"arrangements.rhythm.{agreed.rhythm}", lang)
    return t(f"arrangements.line_{kind}", lang, rhythm=rhythm)


def arrangement_table(store: Store, names: dict[str, str], lang: str = "nl") -> pd.DataFrame:
    """The arrangements of the initiatives in ``names`` (id -> name), one row each in the
    neutral order of their names, in words: initiative, rhythm, kind of report, who set it
    and when ("(standaard)" where nobody did)."""
    from evaluation.formatting import format_date
    from evaluation.i18n import t

    rows = []
    for a in arrangements(store, list(names)):
        kind = "light" if a.light_allowed else "full"
        rows.append(
            {
                "initiative": names[a.initiative_id],
                "rhythm": t(f"arrangements.rhythm.{a.rhythm}", lang),
                "kind": t(f"arrangements.{kind}", lang),
                "set_by": a.set_by or t("arrangements.not_set", lang),
                "set_at": format_date(a.set_at, lang) if a.set_at else "",
            }
        )
    frame = pd.DataFrame(rows, columns=["initiative", "rhythm", "kind", "set_by", "set_at"])
    order = frame["initiative"].map(lambda n: str(n).casefold()).argsort(kind="stable")
    return frame.iloc[order].reset_index(drop=True)


SAMPLE_FILE = "arrangements.yaml"


def load_sample(store: Store, folder: Path | None) -> int:
    """Record the sample's arrangements (``spec/arrangements.yaml``) for initiatives that
    have none yet; the number recorded. Loading again adds nothing."""
    from evaluation.catalogue import load_yaml

    path = folder / "spec" / SAMPLE_FILE if folder else None
    if path is None or not path.is_file():
        return 0
    items = (load_yaml(path) or {}).get("arrangements", [])
    ids = [item["initiative"] for item in items]
    present = {a.initiative_id for a in arrangements(store, ids) if a.set_by is not None}
    saved = 0
    for item in items:
        if item["initiative"] in present:
            continue
        who = Principal("funder", name=item["funder"])
        set_arrangement(store, who, item["initiative"], item["rhythm"], bool(item["light"]))
        saved += 1
    return saved
