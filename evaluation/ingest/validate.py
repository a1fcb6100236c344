"""A sheet's own problems as soon as it is normalised: its schema, its own rows, personal data.

The reader calls ``validate_sheet`` as each sheet is normalised, and
``rules.validate_across`` once all are. The personal-data problems do not repeat the personal
data they found (their ``value`` is the masked form, ``f***@example.nl``), so that a stored
validation result never holds it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from evaluation.ingest.rules import own_indicator_rows, unblocked
from evaluation.ingest.schema_problems import schema_problems, text_rows
from evaluation.ingest.sheet import SheetData
from evaluation.problems import Problem


def validate_sheet(sheet: SheetData, units: dict[str, str]) -> list[Problem]:
    """The problems one sheet shows on its own: its schema, its own rows, personal data.

    Only the Indicators sheet needs ``units`` (the catalogue's and the declared own
    indicators'), so the reader can check each sheet as soon as it is normalised.
    """
    problems = schema_problems(sheet, units)
    if sheet.section.code == "own_indicators":
        problems.extend(own_indicator_rows(sheet))
    problems.extend(sheet_privacy(sheet, units))
    return unblocked(problems, sheet.blocked)


def sheet_privacy(sheet: SheetData, units: dict[str, str]) -> list[Problem]:
    """The personal data in one sheet's free-text cells (and text indicator values)."""
    from evaluation.ingest.privacy import scan_text, scanner_for

    out: list[Problem] = []
    if sheet.frame.empty:
        return out
    for code in [c.code for c in sheet.section.columns if c.free_text]:
        out += _scan_column(sheet, code, sheet.typed[code], scanner_for(sheet.section.code, code))
    if sheet.section.code == "indicators":
        texts = text_rows(sheet, units)
        if texts.any():
            out += _scan_column(sheet, "value", sheet.typed["value"][texts], scan_text)
    return out


def _candidates(texts: pd.Series) -> np.ndarray:
    """Which texts could hold personal data, by the scanner's own first gate, for a whole
    column at once in Arrow: an "@", or what ``privacy.CANDIDATE_PATTERN`` says may be
    personal data. Texts with other scripts always go to the scanner (their digits count too).
    A bulk history's notes are nearly all distinct: this keeps most of them from Python."""
    from evaluation.ingest.privacy import CANDIDATE_PATTERN

    values = pa.array(
        [v if isinstance(v, str) else str(v) for v in texts.tolist()], type=pa.large_string()
    )
    maybe = pc.or_(
        pc.or_(
            pc.match_substring(values, "@"),
            pc.match_substring_regex(values, CANDIDATE_PATTERN),
        ),
        pc.invert(pc.string_is_ascii(values)),
    )
    return maybe.fill_null(False).to_numpy(zero_copy_only=False)


# the column gate has a fixed cost (Arrow compiles its pattern on each call: 5 ms); the scanner
# reads a text in about 0.04 ms, so below this many distinct texts it reads them all sooner
GATE_FROM_TEXTS = 500


def _scan_column(sheet: SheetData, code: str, texts: pd.Series, scan_text) -> list[Problem]:
    """Each distinct text scanned once; of many, only those that pass the gate
    (``_candidates``, which every text with a finding passes)."""
    texts = texts[texts.notna()]
    if texts.empty:
        return []
    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    distinct = uniques.tolist()
    gated = None  # which distinct texts may hold personal data, when there are many
    if len(distinct) >= GATE_FROM_TEXTS:
        gated = set(np.flatnonzero(_candidates(pd.Series(distinct, dtype=object))).tolist())
    found = {
        i: f
        for i, text in enumerate(distinct)
        if (gated is None or i in gated) and (f := scan_text(str(text)))
    }
    out: list[Problem] = []
    if not found:
        return out
    hit_rows = np.flatnonzero(np.isin(codes, list(found)))
    for pos in hit_rows:
        idx = texts.index[pos]
        p = sheet.problem("personal_email", code, idx)
        for finding in found[int(codes[pos])]:
            # the masked form points at what to remove without repeating (or storing) it
            out.append(
                Problem(
                    finding.code, finding.severity, p.sheet, p.cell, p.column,
                    finding.masked, {"kind": finding.kind},
                )
            )  # fmt: skip
    return out
