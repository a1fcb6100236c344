"""The in-memory forms of a report: one ``Report`` per workbook, and the tidy ``Dataset``.

A ``Report`` holds one DataFrame per sheet, with canonical column codes from
``data/sections.yaml`` (codes, never labels; choice values as codes; dates as
``datetime.date``). A reader adds a ``_row`` column with the worksheet row of each record, so
that problems can point at a cell; everything else ignores it.

A ``Dataset`` is the tidy (long) stored form that the store returns and the analyses take:
one frame per kind of record, every row tied to an initiative, a period and a submission.
Its columns are listed in ``TIDY_COLUMNS`` and validated by ``evaluation.schemas``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

import pandas as pd

SECTION_CODES = (
    "profile",
    "own_indicators",
    "activities",
    "indicators",
    "stories",
    "network",
    "reflection",
)

PERIOD_COLUMNS = ["initiative_id", "period_start", "period_end", "period", "submission_id"]

TIDY_COLUMNS: dict[str, list[str]] = {
    # the latest profile of each initiative (one row per initiative)
    "initiatives": [
        "initiative_id",
        "name",
        "city",
        "founded_year",
        "organisation_form",
        "primary_phase",
        "secondary_phases",  # ";"-joined phase codes, in phase order
        "mission",
        "intentions",
        "written_with",
    ],
    # every number: outputs from the Activities sheet and indicator values from the Indicators sheet
    "observations": PERIOD_COLUMNS
    + [
        "indicator",
        "dimension",
        "unit",
        "own",  # bool: an initiative's own indicator
        "phase",
        "activity_type",  # None for rows from the Indicators sheet
        "value",  # float; for a share: numerator / denominator
        "numerator",
        "denominator",
        "text_value",  # for unit text
        "note",
    ],
    "own_indicators": PERIOD_COLUMNS
    + ["indicator", "label", "definition", "dimension", "unit", "phase"],
    "stories": PERIOD_COLUMNS
    + [
        "story_no",  # 1-based position in the submission
        "date",
        "title",
        "text",
        "voice",
        "phase",
        "themes",  # ";"-joined theme codes
        "why_it_matters",
        "consent_recorded",  # bool
        "visibility",
    ],
    "network": PERIOD_COLUMNS
    + [
        "partner",
        "partner_initiative_id",  # the partner's initiative id when it is in the programme
        "partner_type",
        "relation",
        "count",
        "phase",
        "description",
    ],
    # visibility: who may read the answer (choices.yaml: visibility); blank = the question's
    # default (evaluation.disclosure.reflection_audience)
    "reflections": PERIOD_COLUMNS + ["question", "answer", "self_view", "visibility"],
}

PHASE_ORDER = ("arrival", "landing", "future")


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
        from evaluation.errors import UserError

        raise UserError("store.bad_period", period=label) from None
    return day, day


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass
class Report:
    """One filled-in workbook: a frame per sheet with canonical column codes."""

    profile: pd.DataFrame
    own_indicators: pd.DataFrame
    activities: pd.DataFrame
    indicators: pd.DataFrame
    stories: pd.DataFrame
    network: pd.DataFrame
    reflection: pd.DataFrame

    def section(self, code: str) -> pd.DataFrame:
        return getattr(self, code)

    @property
    def _profile_row(self) -> pd.Series:
        return self.profile.iloc[0]

    @property
    def initiative_id(self) -> str:
        return str(self._profile_row["initiative_id"])

    @property
    def period_start(self) -> dt.date:
        return self._profile_row["period_start"]

    @property
    def period_end(self) -> dt.date:
        return self._profile_row["period_end"]

    @property
    def period(self) -> str:
        return period_label(self.period_start, self.period_end)

    def phase_roles(self) -> dict[str, str]:
        """Phase code -> primary / secondary / none, from the profile."""
        row = self._profile_row
        return {p: row[f"phase_{p}"] for p in PHASE_ORDER}

    def to_tidy(
        self, submission_id: int | None = None, known_initiatives: dict[str, str] | None = None
    ) -> Dataset:
        """The tidy form of this report.

        ``known_initiatives`` maps folded initiative ids and names to ids, so that a network
        partner named after an initiative in the programme is linked to it.
        """
        from evaluation.tidy import report_to_dataset

        return report_to_dataset(self, submission_id, known_initiatives or {})


@dataclass
class Dataset:
    """The tidy stored form: what the store returns and the analyses take."""

    initiatives: pd.DataFrame
    observations: pd.DataFrame
    own_indicators: pd.DataFrame
    stories: pd.DataFrame
    network: pd.DataFrame
    reflections: pd.DataFrame

    @classmethod
    def empty(cls) -> Dataset:
        return cls(**{name: _empty(cols) for name, cols in TIDY_COLUMNS.items()})

    @classmethod
    def concat(cls, parts: list[Dataset]) -> Dataset:
        """Stack datasets; the latest profile of an initiative wins in ``initiatives``."""
        if not parts:
            return cls.empty()
        out = {}
        for f in fields(cls):
            frames = [getattr(p, f.name) for p in parts if len(getattr(p, f.name))]
            cols = TIDY_COLUMNS[f.name]
            out[f.name] = pd.concat(frames, ignore_index=True)[cols] if frames else _empty(cols)
        out["initiatives"] = (
            out["initiatives"].drop_duplicates("initiative_id", keep="last").reset_index(drop=True)
        )
        return cls(**out)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
