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

import pandas as pd
import pandera.pandas as pa

from evaluation.catalogue import Column, load_catalogue
from evaluation.layout import blank
from evaluation.model import TIDY_COLUMNS

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")
OWN_PREFIXES = ("own_", "eigen_")

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


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _check(name: str, element) -> pa.Check:
    """A check of each value: ``element(value) -> bool``; blanks pass (an empty required
    cell is the ``not_nullable`` problem). The reader checks each column's distinct values
    (``evaluation.ingest.schema_problems``), so a long sheet is a short loop here too."""

    def run(s: pd.Series) -> pd.Series:
        return pd.Series([blank(v) or bool(element(v)) for v in s], index=s.index)

    return pa.Check(run, name=name, error=name)


def _column_checks(col: Column) -> list[pa.Check]:
    cat = load_catalogue()
    checks: list[pa.Check] = []
    t = col.type
    if t == "choice" and col.choices is not None:
        codes = set(cat.choices(col.choices).codes)
        checks.append(_check("choice", lambda v: str(v) in codes))
    elif t in ("integer", "number"):
        checks.append(_check("number", _is_number))
        checks.append(_check("non_negative", lambda v: not _is_number(v) or v >= 0))
        if t == "integer":
            checks.append(_check("integer", lambda v: not _is_number(v) or float(v).is_integer()))
    elif t == "date":
        checks.append(
            _check("date", lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime))
        )
    elif t == "year":
        this_year = dt.date.today().year
        checks.append(_check("year", lambda v: _is_number(v) and 1900 <= v <= this_year))
    elif t == "id":
        checks.append(_check("id", lambda v: bool(ID_PATTERN.match(str(v)))))
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
            _check("own_prefix", lambda v: str(v).startswith(OWN_PREFIXES))
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
