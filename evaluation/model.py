"""The in-memory forms of a report: one ``Report`` per workbook, and the tidy ``Dataset``.

A ``Report`` holds one DataFrame per sheet, with canonical column codes from
``data/sections.yaml`` (codes, never labels; choice values as codes; dates as
``datetime.date``). A reader adds a ``_row`` column with the worksheet row of each record, so
that problems can point at a cell; everything else ignores it.

A ``Dataset`` is the tidy (long) stored form that the store returns and the analyses take
(``evaluation.dataset``, where it is defined; its names are also found here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from evaluation.dataset import PERIOD_COLUMNS, PHASE_ORDER, TIDY_COLUMNS, Dataset
from evaluation.periods import period_label

__all__ = [
    "PERIOD_COLUMNS",
    "PHASE_ORDER",
    "SECTION_CODES",
    "TIDY_COLUMNS",
    "Dataset",
    "Report",
]

SECTION_CODES = (
    "profile",
    "own_indicators",
    "activities",
    "indicators",
    "stories",
    "network",
    "reflection",
)


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
