"""Turn one validated ``Report`` into the tidy ``Dataset`` rows it contributes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from evaluation.catalogue import fold, load_catalogue
from evaluation.dataset import PHASE_ORDER, TIDY_COLUMNS, Dataset

if TYPE_CHECKING:
    from evaluation.model import Report


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def _opt(value: object) -> object:
    return None if _blank(value) else value


def _num(value: object) -> float | None:
    return None if _blank(value) else float(value)  # type: ignore[arg-type]


def report_to_dataset(
    report: Report, submission_id: int | None, known_initiatives: dict[str, str]
) -> Dataset:
    cat = load_catalogue()
    base = {
        "initiative_id": report.initiative_id,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "period": report.period,
        "submission_id": submission_id,
    }
    prof = report.profile.iloc[0]
    roles = report.phase_roles()
    primary = next((p for p in PHASE_ORDER if roles[p] == "primary"), None)
    initiatives = [
        {
            "initiative_id": report.initiative_id,
            "name": prof["name"],
            "city": prof["city"],
            "founded_year": None if _blank(prof.get("founded_year")) else int(prof["founded_year"]),
            "organisation_form": prof["organisation_form"],
            "primary_phase": primary,
            "secondary_phases": ";".join(p for p in PHASE_ORDER if roles[p] == "secondary"),
            "mission": prof["mission"],
            "intentions": _opt(prof.get("intentions")),
            "written_with": prof["written_with"],
        }
    ]

    own = {}
    own_rows = []
    for _, r in report.own_indicators.iterrows():
        own[r["indicator"]] = r
        own_rows.append(
            base
            | {
                "indicator": r["indicator"],
                "label": r["label"],
                "definition": r["definition"],
                "dimension": r["dimension"],
                "unit": r["unit"],
                "phase": r["phase"],
            }
        )

    obs = []
    activity_columns = [
        (c, c.indicator) for c in cat.section("activities").columns if c.indicator is not None
    ]
    for _, r in report.activities.iterrows():
        for col, code in activity_columns:
            v = r.get(col.code)
            if _blank(v):
                continue
            ind = cat.indicator(code)
            obs.append(
                base
                | {
                    "indicator": ind.code,
                    "dimension": ind.dimension,
                    "unit": ind.unit,
                    "own": False,
                    "phase": r["phase"],
                    "activity_type": r["activity_type"],
                    "value": float(v),
                    "numerator": None,
                    "denominator": None,
                    "text_value": None,
                    "note": None,
                }
            )
    for _, r in report.indicators.iterrows():
        code = r["indicator"]
        if code in own:
            dim, unit, default_phase, is_own = (
                own[code]["dimension"],
                own[code]["unit"],
                own[code]["phase"],
                True,
            )
        else:
            ind = cat.indicator(code)
            dim, unit, default_phase, is_own = ind.dimension, ind.unit, ind.main_phase, False
        num, den = _num(r.get("numerator")), _num(r.get("denominator"))
        value = _num(r.get("value")) if unit != "text" else None
        if unit == "share" and value is None and num is not None and den:
            value = num / den
        obs.append(
            base
            | {
                "indicator": code,
                "dimension": dim,
                "unit": unit,
                "own": is_own,
                "phase": _opt(r.get("phase")) or default_phase,
                "activity_type": None,
                "value": value,
                "numerator": num,
                "denominator": den,
                "text_value": _opt(r.get("value")) if unit == "text" else None,
                "note": _opt(r.get("note")),
            }
        )

    stories = []
    for i, (_, r) in enumerate(report.stories.iterrows(), start=1):
        themes = [r["theme"]] + ([] if _blank(r.get("theme_2")) else [r["theme_2"]])
        stories.append(
            base
            | {
                "story_no": i,
                "date": r["date"],
                "title": r["title"],
                "text": r["text"],
                "voice": r["voice"],
                "phase": r["phase"],
                "themes": ";".join(themes),
                "why_it_matters": r["why_it_matters"],
                "consent_recorded": r["consent_recorded"] == "yes",
                "visibility": r["visibility"],
            }
        )

    network = []
    for _, r in report.network.iterrows():
        partner_id = None
        if r["partner_type"] == "initiative":
            # by the registry (a code, or a registered name, to the initiative that holds
            # it), never to the uploader itself (issue 21)
            partner_id = known_initiatives.get(fold(r["partner"]))
            if partner_id == report.initiative_id:
                partner_id = None
        network.append(
            base
            | {
                "partner": r["partner"],
                "partner_initiative_id": partner_id,
                "partner_type": r["partner_type"],
                "relation": r["relation"],
                "count": int(r["count"]),
                "phase": _opt(r.get("phase")),
                "description": _opt(r.get("description")),
            }
        )

    reflections = [
        base
        | {
            "question": r["question"],
            "answer": _opt(r.get("answer")),
            "self_view": None if _blank(r.get("self_view")) else int(r["self_view"]),
            "visibility": _opt(r.get("visibility")),
        }
        for _, r in report.reflection.iterrows()
    ]

    def frame(name: str, rows: list[dict]) -> pd.DataFrame:
        cols = TIDY_COLUMNS[name]
        return pd.DataFrame(rows, columns=cols) if rows else Dataset.empty().frames()[name]

    return Dataset(
        initiatives=frame("initiatives", initiatives),
        observations=frame("observations", obs),
        own_indicators=frame("own_indicators", own_rows),
        stories=frame("stories", stories),
        network=frame("network", network),
        reflections=frame("reflections", reflections),
    )
