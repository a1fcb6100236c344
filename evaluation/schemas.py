"""The validated data model: pandera schemas for the six report sections and the tidy form.

The section schemas are built from ``data/sections.yaml`` (the single source of the workbook
layout) and check the *normalised* frames a reader produces: choice values as codes, numbers as
floats, dates as ``datetime.date``. Each failed check carries a stable name that the reader
turns into a located ``Problem`` (see ``CHECK_CODES``). There is no target field anywhere.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.compute as pc

from evaluation.catalogue import Column, load_catalogue
from evaluation.model import TIDY_COLUMNS

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
OWN_PREFIXES = ("own_", "eigen_")
SMALL_COLUMN = 500  # rows; below this a column's checks run as a plain loop

# the problem code each named check produces
CHECK_CODES = {
    "not_nullable": "required_missing",
    "choice": "unknown_choice",
    "number": "not_a_number",
    "non_negative": "negative_number",
    "integer": "not_a_whole_number",
    "date": "not_a_date",
    "year": "implausible_year",
    "id": "invalid_code",
    "own_prefix": "own_indicator_prefix",
    "unique": "duplicate_row",
}


def _blank(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, str) and not v.strip()


def _blank_mask(s: pd.Series) -> pd.Series:
    """Blanks pass every value check: an empty required cell is the ``not_nullable`` problem."""
    if s.dtype == object:
        try:  # a column of texts (and blanks), the usual case: Arrow answers at once
            texts = pa_arrow.array(s.to_numpy(), type=pa_arrow.large_string(), from_pandas=True)
        except (pa_arrow.ArrowInvalid, pa_arrow.ArrowTypeError):
            pass  # numbers, dates or booleans among the texts: the general way below
        else:
            blank = pc.or_kleene(pc.is_null(texts), pc.equal(pc.utf8_trim_whitespace(texts), ""))
            return pd.Series(blank.to_numpy(zero_copy_only=False), index=s.index)
    mask = s.isna()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        is_str = s.map(type).eq(str) if s.dtype == object else ~mask
        if is_str.any():
            blank_str = s[is_str].astype(str).str.strip().eq("")
            mask = mask | blank_str.reindex(s.index, fill_value=False)
    return mask


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _numeric(s: pd.Series) -> bool:
    """True when the whole column already holds numbers (the usual case after normalising)."""
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def _check(name: str, vector, element) -> pa.Check:
    """A check run on the whole column at once; blanks pass.

    ``vector(series) -> bool Series`` handles a column of numbers or strings in one go; where
    the column has mixed content (a value the reader could not parse stays as typed) the
    per-value ``element(value) -> bool`` decides instead. Both give the same answer.
    """

    def run(s: pd.Series) -> pd.Series:
        if len(s) < SMALL_COLUMN:
            # a plain loop beats a dozen pandas calls on the few rows of a typical sheet
            return pd.Series([_blank(v) or bool(element(v)) for v in s], index=s.index)
        blank = _blank_mask(s)
        ok = vector(s)
        if ok is None:
            ok = s.map(lambda v: _blank(v) or bool(element(v))).astype(bool)
        return blank | ok.fillna(False).astype(bool)

    return pa.Check(run, name=name, error=name)


def _column_checks(col: Column) -> list[pa.Check]:
    cat = load_catalogue()
    checks: list[pa.Check] = []
    t = col.type
    if t == "choice":
        codes = set(cat.choices(col.choices).codes)
        checks.append(
            _check("choice", lambda s: s.astype(str).isin(codes), lambda v: str(v) in codes)
        )
    elif t in ("integer", "number"):
        checks.append(
            _check(
                "number",
                lambda s: (
                    pd.Series(np.isfinite(s.astype(float)), index=s.index) if _numeric(s) else None
                ),
                _is_number,
            )
        )
        checks.append(
            _check(
                "non_negative",
                lambda s: ~(s < 0) if _numeric(s) else None,
                lambda v: not _is_number(v) or v >= 0,
            )
        )
        if t == "integer":
            checks.append(
                _check(
                    "integer",
                    lambda s: (
                        ~pd.Series(np.isfinite(s.astype(float)), index=s.index) | (s % 1 == 0)
                        if _numeric(s)
                        else None
                    ),
                    lambda v: not _is_number(v) or float(v).is_integer(),
                )
            )
    elif t == "date":
        checks.append(
            _check(
                "date",
                lambda s: None,
                lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
            )
        )
    elif t == "year":
        this_year = dt.date.today().year
        checks.append(
            _check(
                "year",
                lambda s: s.between(1900, this_year) if _numeric(s) else None,
                lambda v: _is_number(v) and 1900 <= v <= this_year,
            )
        )
    elif t == "id":
        checks.append(
            _check(
                "id",
                lambda s: s.astype(str).str.match(ID_PATTERN.pattern),
                lambda v: bool(ID_PATTERN.match(str(v))),
            )
        )
    return checks


@cache
def section_schema(section_code: str) -> pa.DataFrameSchema:
    """The schema of one sheet's normalised frame (canonical column codes)."""
    section = load_catalogue().section(section_code)
    columns = {
        col.code: pa.Column(
            dtype=None,
            # pandera reports a required blank as "not_nullable" (blanks reach it as None)
            nullable=not col.required,
            required=True,
            checks=_column_checks(col),
            title=col.code,
        )
        for col in section.columns
    }
    if section_code == "own_indicators":
        columns["indicator"].checks.append(
            _check(
                "own_prefix",
                lambda s: s.astype(str).str.startswith(OWN_PREFIXES),
                lambda v: str(v).startswith(OWN_PREFIXES),
            )
        )
    return pa.DataFrameSchema(
        columns, strict=False, coerce=False, name=section_code, title=section.names["en"]
    )


@cache
def _columns_schema(section_code: str, columns: tuple[str, ...]) -> pa.DataFrameSchema:
    return section_schema(section_code).select_columns(list(columns))


def validate_section(
    section_code: str, frame: pd.DataFrame, columns: tuple[str, ...] | None = None
) -> pa.errors.SchemaErrors | None:
    """Run one section's schema lazily; the errors (with ``failure_cases``) or None.

    With ``columns``, only those columns' part of the schema (the reader checks a long
    sheet's columns in separate small frames of their distinct values)."""
    schema = section_schema(section_code)
    if columns is not None and set(columns) != set(schema.columns):
        schema = _columns_schema(section_code, tuple(c for c in columns if c in schema.columns))
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return exc
    return None


# --- the tidy stored form -------------------------------------------------------------------


def _tidy_schema(name: str, checks: dict[str, list[pa.Check]]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            c: pa.Column(dtype=None, nullable=True, required=True, checks=checks.get(c, []))
            for c in TIDY_COLUMNS[name]
        },
        strict=True,
        name=f"tidy_{name}",
    )


@cache
def tidy_schemas() -> dict[str, pa.DataFrameSchema]:
    cat = load_catalogue()

    def isin(listname: str) -> list[pa.Check]:
        return [pa.Check.isin(list(cat.choices(listname).codes), ignore_na=True)]

    not_null = [pa.Check(lambda s: s.notna(), name="not_null")]
    return {
        "initiatives": _tidy_schema(
            "initiatives",
            {
                "initiative_id": not_null,
                "organisation_form": isin("organisation_forms"),
                "primary_phase": isin("phases"),
            },
        ),
        "observations": _tidy_schema(
            "observations",
            {
                "initiative_id": not_null,
                "indicator": not_null,
                "dimension": isin("dimensions"),
                "unit": isin("units"),
                "phase": isin("phases"),
                "value": [pa.Check.ge(0, ignore_na=True)],
            },
        ),
        "own_indicators": _tidy_schema(
            "own_indicators", {"dimension": isin("dimensions"), "unit": isin("units")}
        ),
        "stories": _tidy_schema(
            "stories",
            {
                "voice": isin("voices"),
                "phase": isin("phases"),
                "visibility": isin("visibility"),
                # a story is only ever stored with recorded consent
                "consent_recorded": [pa.Check(lambda s: s.astype(bool), name="consent")],
            },
        ),
        "network": _tidy_schema(
            "network",
            {
                "partner_type": isin("partner_types"),
                "relation": isin("relation_types"),
                "count": [pa.Check.ge(0)],
            },
        ),
        "reflections": _tidy_schema(
            "reflections",
            {"question": isin("reflection_questions"), "visibility": isin("visibility")},
        ),
    }


def validate_dataset(dataset) -> None:
    """Validate every frame of a tidy ``Dataset``; raise ``SchemaErrors`` at the first bad one."""
    for name, frame in dataset.frames().items():
        tidy_schemas()[name].validate(frame, lazy=True)
