"""The tidy ``Dataset``: the stored form that the store returns and the analyses take.

One frame per kind of record, every row tied to an initiative, a period and a submission.
Its columns are listed in ``TIDY_COLUMNS`` and validated by ``evaluation.schemas``. A
``Report`` (``evaluation.model``) becomes one with ``evaluation.tidy``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

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


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


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
