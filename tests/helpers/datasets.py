"""Hand-made tidy datasets for the analysis tests, with the answers known by construction.

The ``test_analysis_*`` modules build their data with ``DatasetBuilder``. It fills every tidy
column the way ``evaluation.tidy`` does, and ``tests/test_analysis_builders.py`` checks that
what it builds passes the tidy schemas, so the analyses are tested on data shaped like the
store's.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from evaluation.catalogue import load_catalogue
from evaluation.model import TIDY_COLUMNS, Dataset
from evaluation.periods import period_label
from evaluation.schemas import validate_dataset


def quarter(label: str) -> tuple[dt.date, dt.date]:
    """``2025-Q1`` -> its first and last day."""
    year, q = int(label[:4]), int(label[-1])
    start = dt.date(year, 3 * q - 2, 1)
    end_next = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return start, end_next - dt.timedelta(days=1)


class DatasetBuilder:
    """Add rows by hand; ``dataset()`` returns the tidy ``Dataset``."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in TIDY_COLUMNS}
        self._submission = 0
        self._subs: dict[tuple[str, str], int] = {}

    def _base(self, initiative_id: str, period: str) -> dict:
        start, end = quarter(period)
        assert period_label(start, end) == period
        key = (initiative_id, period)
        if key not in self._subs:
            self._submission += 1
            self._subs[key] = self._submission
        return {
            "initiative_id": initiative_id,
            "period_start": start,
            "period_end": end,
            "period": period,
            "submission_id": self._subs[key],
        }

    def initiative(self, iid: str, name: str, primary: str, secondary: tuple[str, ...] = ()):
        self.rows["initiatives"].append(
            {
                "initiative_id": iid,
                "name": name,
                "city": "Amsterdam",
                "founded_year": 2016,
                "organisation_form": "citizen_initiative",
                "primary_phase": primary,
                "secondary_phases": ";".join(secondary),
                "mission": f"Mission of {name}",
                "intentions": None,
                "written_with": "with_newcomers",
            }
        )
        return self

    def obs(
        self,
        iid: str,
        period: str,
        indicator: str,
        value: float | None,
        *,
        phase: str | None = None,
        activity_type: str | None = None,
        note: str | None = None,
        numerator: float | None = None,
        denominator: float | None = None,
        own: dict | None = None,
        text_value: str | None = None,
    ):
        if own is not None:
            dim, unit, default_phase = own["dimension"], own["unit"], own["phase"]
        else:
            ind = load_catalogue().indicator(indicator)
            dim, unit, default_phase = ind.dimension, ind.unit, ind.main_phase
        self.rows["observations"].append(
            self._base(iid, period)
            | {
                "indicator": indicator,
                "dimension": dim,
                "unit": unit,
                "own": own is not None,
                "phase": phase or default_phase,
                "activity_type": activity_type,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "text_value": text_value,
                "note": note,
            }
        )
        return self

    def own_indicator(self, iid: str, period: str, code: str, label: str, unit: str = "count"):
        meta = {"dimension": "relational", "unit": unit, "phase": "landing"}
        self.rows["own_indicators"].append(
            self._base(iid, period)
            | {"indicator": code, "label": label, "definition": label}
            | meta
        )
        return meta

    def story(
        self,
        iid: str,
        period: str,
        title: str,
        *,
        voice: str = "newcomer",
        phase: str = "landing",
        themes: str = "warm_relationships",
        visibility: str = "funders",
        consent: bool = True,
    ):
        n = 1 + sum(
            1 for s in self.rows["stories"] if (s["initiative_id"], s["period"]) == (iid, period)
        )
        self.rows["stories"].append(
            self._base(iid, period)
            | {
                "story_no": n,
                "date": quarter(period)[0] + dt.timedelta(days=10),
                "title": title,
                "text": f"Text of {title}",
                "voice": voice,
                "phase": phase,
                "themes": themes,
                "why_it_matters": "It matters.",
                "consent_recorded": consent,
                "visibility": visibility,
            }
        )
        return self

    def tie(
        self,
        iid: str,
        period: str,
        partner: str,
        partner_type: str,
        relation: str,
        count: int = 1,
        *,
        partner_initiative_id: str | None = None,
        phase: str | None = None,
    ):
        self.rows["network"].append(
            self._base(iid, period)
            | {
                "partner": partner,
                "partner_initiative_id": partner_initiative_id,
                "partner_type": partner_type,
                "relation": relation,
                "count": count,
                "phase": phase,
                "description": None,
            }
        )
        return self

    def reflection(
        self, iid: str, period: str, question: str, answer: str | None, self_view: int | None = None
    ):
        self.rows["reflections"].append(
            self._base(iid, period)
            | {"question": question, "answer": answer, "self_view": self_view}
        )
        return self

    def dataset(self, validate: bool = True) -> Dataset:
        frames = {}
        for name, cols in TIDY_COLUMNS.items():
            rows = self.rows[name]
            frames[name] = (
                pd.DataFrame(rows, columns=cols) if rows else Dataset.empty().frames()[name]
            )
        ds = Dataset(**frames)
        if validate:
            validate_dataset(ds)
        return ds
