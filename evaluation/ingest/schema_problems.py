"""The pandera schema of each sheet, its failures as located problems.

``evaluation.schemas.validate_section`` runs a sheet's schema lazily; each failure case
(column, check, row) becomes a problem through ``CHECK_CODES`` at that cell, with the value as
typed. The section checks are per cell (element-wise, or not-null), so each column's distinct
values are checked once, in small frames (``_distinct_values``), and a failure is reported at
every row holding that value: 100,000 indicator rows hold a few hundred distinct numbers.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from evaluation.catalogue import load_catalogue
from evaluation.ingest.sheet import SheetData
from evaluation.problems import Problem
from evaluation.schemas import CHECK_CODES, section_schema, validate_section

log = logging.getLogger(__name__)

# columns with up to this many distinct values share one small frame; a column with more
# (33,000 own indicator codes) gets a frame of its own, so the others are not padded to it
SHARED_FRAME_VALUES = 256


def choice_params(list_name: str) -> dict[str, str]:
    """The allowed labels of a list in both languages, for a hint."""
    cl = load_catalogue().choices(list_name)
    return {
        f"choices_{lang}": ", ".join(c.labels[lang] for c in cl.choices) for lang in ("nl", "en")
    }


def text_rows(sheet: SheetData, units: dict[str, str]) -> pd.Series:
    """Rows of the Indicators sheet whose indicator has the unit text (their value is text)."""
    return sheet.frame["indicator"].isin([c for c, u in units.items() if u == "text"])


def schema_problems(sheet: SheetData, units: dict[str, str]) -> list[Problem]:
    section = sheet.section
    frame = sheet.frame
    if frame.empty:
        return []
    check_frame = frame.drop(columns="_row")
    if section.code == "indicators":
        texts = text_rows(sheet, units)
        if texts.any():
            check_frame = check_frame.copy()
            check_frame["value"] = check_frame["value"].astype(object)
            check_frame.loc[texts, "value"] = None
    parts, rows_of = _distinct_values(section.code, check_frame)
    found = [
        errors.failure_cases
        for part in parts
        if (errors := validate_section(section.code, part, tuple(part.columns))) is not None
    ]
    if not found:
        return []
    skip = set(sheet.missing)
    out: list[Problem] = []
    cases = pd.concat(found, ignore_index=True) if len(found) > 1 else found[0]
    cases = cases[cases["index"].notna() & cases["column"].isin(section.column_codes)]
    for column, check, idx in zip(cases["column"], cases["check"], cases["index"], strict=True):
        if column in skip:
            continue
        if column == "consent_recorded" and check == "not_nullable":
            continue  # reported as missing_consent
        code = CHECK_CODES.get(str(check))
        if code is None:
            log.warning("no problem code for pandera check %r", check)
            code = "invalid_value"
        params = {}
        col = section.column(column)
        if code == "unknown_choice" and col.choices:
            params = choice_params(col.choices)
        if code == "not_a_number" and "note" in sheet.letters:
            # the sheet has a note column: the hint sends an explanation there
            params = {"hint_variant": "note", "note_column": sheet.headers["note"]}
        rows = rows_of(column, int(idx))
        out.extend(sheet.problem(code, column, row, **params) for row in rows)
    return out


def _distinct_values(section_code: str, frame: pd.DataFrame):
    """Small frames of each column's distinct values, and a map back to rows.

    Column ``c`` of a small frame lists ``c``'s distinct values (blank last), padded with its
    first value; ``rows_of(c, i)`` gives the frame rows holding distinct value ``i``. A schema
    with checks across rows (none of the sections has one) is checked on the whole frame.
    """
    schema = section_schema(section_code)
    if (
        schema.checks
        or schema.unique
        or any(getattr(c, "unique", False) for c in schema.columns.values())
    ):
        return [frame], lambda column, idx: [idx]
    codes: dict[str, tuple] = {}
    columns: dict[str, list] = {}
    for name in frame.columns:
        column = schema.columns.get(name)
        if column is not None and not column.checks:
            # only "not blank" is checked here: one filled value stands for all filled cells
            filled = frame[name].notna()
            col_codes = np.where(filled.to_numpy(), 0, -1)
            uniques = frame[name][filled].iloc[:1].tolist()
        else:
            col_codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
        values = list(uniques)
        if (col_codes == -1).any():
            values.append(None)
        codes[name] = (col_codes, len(uniques))
        columns[name] = values
    shared = [n for n, v in columns.items() if len(v) <= SHARED_FRAME_VALUES]
    groups = [shared] if shared else []
    groups += [[n] for n, v in columns.items() if len(v) > SHARED_FRAME_VALUES]
    small = [_padded({n: columns[n] for n in names}) for names in groups]

    def rows_of(column: str, idx: int) -> list[int]:
        col_codes, n_unique = codes[column]
        if idx < n_unique:
            hit = col_codes == idx
        elif idx == n_unique:
            hit = col_codes == -1
        else:
            return []  # a padding row: its value is reported at its own position
        return [int(i) for i in frame.index[hit]]

    return small, rows_of


def _padded(columns: dict[str, list]) -> pd.DataFrame:
    """One frame of the columns' distinct values, each padded with its first value."""
    height = max((len(v) for v in columns.values()), default=0)
    return pd.DataFrame(
        {
            name: (values + [values[0]] * (height - len(values))) if values else [None] * height
            for name, values in columns.items()
        },
        dtype="object",
    )
