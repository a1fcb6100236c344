"""Turn one validated ``Report`` into the tidy ``Dataset`` rows it contributes."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evaluation.catalogue import fold, load_catalogue
from evaluation.dataset import PHASE_ORDER, TIDY_COLUMNS, Dataset

if TYPE_CHECKING:
    from evaluation.model import Report


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return False


def _opt(value: object) -> object:
    return None if _blank(value) else value


def _opts(values: list[object]) -> list[object]:
    """``_opt`` of each value, a text (the usual value) without a call."""
    return [(v if v.strip() else None) if type(v) is str else _opt(v) for v in values]


def _num(value: object) -> float | None:
    return None if _blank(value) else float(value)  # type: ignore[arg-type]


def _nums(values: list[object]) -> list[float | None]:
    """``_num`` of each value, in one numpy pass when they are all numbers or blanks."""
    if values and pd.api.types.infer_dtype(values, skipna=True) in _NUMBERS:
        try:
            floats = pd.to_numeric(pd.Series(values, dtype=object)).to_numpy(
                dtype="float64", na_value=np.nan
            )
        except (TypeError, ValueError):
            pass
        else:
            out = floats.astype(object)
            out[np.isnan(floats)] = None
            return out.tolist()
    return [_num(v) for v in values]


_NUMBERS = ("floating", "integer", "mixed-integer-float", "empty")


def _plain(value: object) -> object:
    """A value as the database takes it: None for every kind of blank, numpy scalars as
    Python ones (strings, even blank ones, as they are)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if value != value else value
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, bytes):
        value = value.item()
        return None if isinstance(value, float) and value != value else value
    return value


def _plains(values: list[object]) -> list[object]:
    """``_plain`` of each value, a text or None (the usual values) without a call."""
    return [v if v is None or type(v) is str else _plain(v) for v in values]


class _Columns(dict[str, list[Any]]):
    """A frame's columns as lists of Python values, read in one go; a missing column is
    None on every row."""

    def __init__(self, frame: pd.DataFrame) -> None:
        values = frame.to_numpy(dtype=object).T.tolist() if len(frame) else []
        super().__init__(zip(frame.columns, values, strict=False))
        self.rows = len(frame)

    def __missing__(self, name: str) -> list[Any]:
        return [None] * self.rows


Columns = dict[str, list[Any]]


def report_columns(report: Report, known_initiatives: dict[str, str]) -> dict[str, Columns]:
    """The tidy rows one report contributes, column by column, without the period columns
    (initiative, period, submission): what the store writes, built from the report's
    columns without a row object per row (``plain_columns`` readies them for the database;
    observations, the large table, are built plain)."""
    cat = load_catalogue()
    prof = report.profile.iloc[0]
    own_id = str(prof["initiative_id"])
    roles = report.phase_roles()
    primary = next((p for p in PHASE_ORDER if roles[p] == "primary"), None)
    initiatives: Columns = {
        "name": [prof["name"]],
        "city": [prof["city"]],
        "founded_year": [None if _blank(prof.get("founded_year")) else int(prof["founded_year"])],
        "organisation_form": [prof["organisation_form"]],
        "primary_phase": [primary],
        "secondary_phases": [";".join(p for p in PHASE_ORDER if roles[p] == "secondary")],
        "mission": [prof["mission"]],
        "intentions": [_opt(prof.get("intentions"))],
        "written_with": [prof["written_with"]],
    }

    oi = _Columns(report.own_indicators)
    own_cols = ("indicator", "label", "definition", "dimension", "unit", "phase")
    own_indicators: Columns = {c: oi[c] for c in own_cols}
    # the last declaration of a code wins (dimension, unit, phase)
    own = {
        code: (dim, unit, phase)
        for code, dim, unit, phase in zip(
            own_indicators["indicator"],
            _plains(own_indicators["dimension"]),
            _plains(own_indicators["unit"]),
            _plains(own_indicators["phase"]),
            strict=True,
        )
    }

    obs_cols = (
        "indicator", "dimension", "unit", "own", "phase", "activity_type", "value",
        "numerator", "denominator", "text_value", "note",
    )  # fmt: skip
    obs: Columns = {c: [] for c in obs_cols}
    indicator_of = functools.cache(cat.indicator)
    act = _Columns(report.activities)
    activity_columns = [
        (act[c.code], indicator_of(c.indicator))
        for c in cat.section("activities").columns
        if c.indicator is not None
    ]
    phases, types = act["phase"], act["activity_type"]
    for i in range(act.rows):
        for values, ind in activity_columns:
            v = values[i]
            if _blank(v):
                continue
            for c, x in zip(
                obs_cols,
                (
                    ind.code,
                    ind.dimension,
                    ind.unit,
                    False,
                    _plain(phases[i]),
                    _plain(types[i]),
                    float(v),
                    None,
                    None,
                    None,
                    None,
                ),  # fmt: skip
                strict=True,
            ):
                obs[c].append(x)

    icol = _Columns(report.indicators)
    meta: dict[str, tuple[object, object, object, bool]] = {}
    for code in dict.fromkeys(icol["indicator"]):
        if code in own:
            dim, unit, phase = own[code]
            meta[code] = (dim, unit, phase, True)
        else:
            known_ind = indicator_of(code)
            meta[code] = (known_ind.dimension, known_ind.unit, known_ind.main_phase, False)
    codes = icol["indicator"]
    dims, units, default_phases, owns = ([meta[c][k] for c in codes] for k in range(4))
    texts = [u == "text" for u in units]
    nums, dens = _nums(icol["numerator"]), _nums(icol["denominator"])
    values = _nums([None if text else v for v, text in zip(icol["value"], texts, strict=True)])
    values = [
        n / d if u == "share" and v is None and n is not None and d else v
        for v, n, d, u in zip(values, nums, dens, units, strict=True)
    ]
    columns: tuple[list[Any], ...] = (
        codes, dims, units, owns,
        [p or dp for p, dp in zip(_opts(icol["phase"]), default_phases, strict=True)],
        [None] * len(codes), values, nums, dens,
        [_plain(_opt(v)) if text else None for v, text in zip(icol["value"], texts, strict=True)],
        _opts(icol["note"]),
    )  # fmt: skip
    for c, column in zip(obs_cols, columns, strict=True):
        obs[c].extend(column)

    st = _Columns(report.stories)
    themes = [
        ";".join([t] + ([] if _blank(t2) else [t2]))
        for t, t2 in zip(st["theme"], st["theme_2"], strict=True)
    ]
    stories: Columns = {
        "story_no": list(range(1, st.rows + 1)),
        "date": st["date"],
        "title": st["title"],
        "text": st["text"],
        "voice": st["voice"],
        "phase": st["phase"],
        "themes": themes,
        "why_it_matters": st["why_it_matters"],
        "consent_recorded": [v == "yes" for v in st["consent_recorded"]],
        "visibility": st["visibility"],
    }

    nw = _Columns(report.network)
    partner_ids = []
    for partner, kind in zip(nw["partner"], nw["partner_type"], strict=True):
        partner_id = None
        if kind == "initiative":
            # by the registry (a code, or a registered name, to the initiative that holds
            # it), never to the uploader itself (issue 21)
            partner_id = known_initiatives.get(fold(partner))
            if partner_id == own_id:
                partner_id = None
        partner_ids.append(partner_id)
    network: Columns = {
        "partner": nw["partner"],
        "partner_initiative_id": partner_ids,
        "partner_type": nw["partner_type"],
        "relation": nw["relation"],
        "count": [int(v) for v in nw["count"]],
        "phase": [_opt(v) for v in nw["phase"]],
        "description": [_opt(v) for v in nw["description"]],
    }

    rf = _Columns(report.reflection)
    reflections: Columns = {
        "question": rf["question"],
        "answer": [_opt(v) for v in rf["answer"]],
        "self_view": [None if _blank(v) else int(v) for v in rf["self_view"]],
        "visibility": [_opt(v) for v in rf["visibility"]],
    }
    out = {
        "initiatives": initiatives,
        "observations": obs,
        "own_indicators": own_indicators,
        "stories": stories,
        "network": network,
        "reflections": reflections,
    }
    return out


def plain_columns(columns: dict[str, Columns]) -> dict[str, Columns]:
    """``report_columns`` as the database takes them: None for every blank, Python scalars.
    (Observations are built plain already; the other tables are a few rows each.)"""
    return {
        name: cols if name == "observations" else {c: _plains(vs) for c, vs in cols.items()}
        for name, cols in columns.items()
    }


def report_to_dataset(
    report: Report, submission_id: int | None, known_initiatives: dict[str, str]
) -> Dataset:
    """The tidy ``Dataset`` of one report (``report_columns`` with its period columns)."""
    base = {
        "initiative_id": report.initiative_id,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "period": report.period,
        "submission_id": submission_id,
    }
    frames = {}
    for name, columns in report_columns(report, known_initiatives).items():
        cols = TIDY_COLUMNS[name]
        names = list(columns)
        rows = [
            base | dict(zip(names, values, strict=True))
            for values in zip(*columns.values(), strict=True)
        ]
        frames[name] = pd.DataFrame(rows, columns=cols) if rows else Dataset.empty().frames()[name]
    return Dataset(**frames)
