"""Numbers too large to be what their column counts: a warning at the cell.

A small initiative reaches tens or hundreds of people in a period, not hundreds of thousands.
A count cell that reads 612,345,678 is nearly always something else typed into it: a phone
number ("0612345678"), an ID, a postcode run together. It is a warning, not an error (the
workbook can still be stored), shown at the cell with the value as typed, so the
coordinator sees it before funders do. Every whole-number and number column of every sheet
is checked (counts of people, activities, hours; the indicators' value, numerator and
denominator); ``MAX_PLAUSIBLE`` is the bound.
"""

from __future__ import annotations

import pandas as pd

from evaluation.problems import Problem

# more than any small initiative counts in one period, far below a phone number or an ID
MAX_PLAUSIBLE = 100_000
_NUMERIC_TYPES = ("integer", "number")


def implausible_counts(sheets: dict) -> list[Problem]:
    """``implausible_count`` (a warning) at every numeric cell above ``MAX_PLAUSIBLE``."""
    out: list[Problem] = []
    for sheet in sheets.values():
        frame = sheet.frame
        if frame.empty:
            continue
        for col in sheet.section.columns:
            if col.type not in _NUMERIC_TYPES or col.code not in frame.columns:
                continue
            values = pd.to_numeric(frame[col.code], errors="coerce")
            for idx in values.index[values.abs() > MAX_PLAUSIBLE]:
                out.append(
                    sheet.problem(
                        "implausible_count",
                        col.code,
                        idx,
                        severity="warning",
                        max=f"{MAX_PLAUSIBLE:,}".replace(",", "."),
                    )
                )
    return out


__all__ = ["MAX_PLAUSIBLE", "implausible_counts"]
