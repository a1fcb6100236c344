"""The workbook's contract between the template writer and the reader.

Both sides must agree on two things that are not in ``data/sections.yaml``: how the example
row is marked ("Voorbeeld:", "Example:" in its first cell, from ``data/strings``), and what
an empty cell is. ``evaluation.template`` writes by them, ``evaluation.ingest`` reads by them;
neither imports the other.
"""

from __future__ import annotations

import pandas as pd

from evaluation.catalogue import LANGS
from evaluation.i18n import t

# the marker that starts the example row's first cell, per template language
EXAMPLE_MARKERS: dict[str, str] = {lang: t("template.example_marker", lang) for lang in LANGS}


# the first letters of the markers, folded: a cell starting otherwise is no example row
_INITIALS = frozenset(m.casefold()[:1] for m in EXAMPLE_MARKERS.values())


def is_example_row(first_value: object) -> bool:
    """True when a row's first cell carries the example marker of either language."""
    if not isinstance(first_value, str):
        return False
    start = first_value.lstrip()[:1]
    if start.casefold()[:1] not in _INITIALS:
        return False  # casefolding goes letter by letter: the first letter decides this
    folded = " ".join(first_value.split()).casefold()
    return any(folded.startswith(m.casefold()) for m in EXAMPLE_MARKERS.values())


# every marker holds a colon, and no other character folds into one: a text without it is
# no example row, and a long column is told so without folding each text
_KEY = ":" if all(":" in m.casefold() for m in EXAMPLE_MARKERS.values()) else ""


def example_marks(values: list[object]) -> list[bool]:
    """``is_example_row`` of each value in ``values``."""
    return [isinstance(v, str) and _KEY in v and is_example_row(v) for v in values]


def blank(value: object) -> bool:
    """An empty cell: None, NaN, NaT, pandas' NA, or a text of nothing but spaces."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like values are not blank
        return False
