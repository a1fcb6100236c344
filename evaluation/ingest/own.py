"""Own indicators: the lookups the other sheets need, and the declarations the store holds.

An initiative declares its own indicators on the Own indicators sheet (read before the
Indicators sheet, see ``reading.READ_ORDER``). From it come the lookups the Indicators sheet
is read and checked with: folded code or name -> code (``own_indicator_lookup``), code ->
unit (``units_of``) and code -> the phase a row without one falls in (``default_phases_of``).
A workbook may leave out declarations the store already holds (``add_declared``); those the
Indicators sheet does not use are dropped again (``prune_declared``).
"""

from __future__ import annotations

import pandas as pd

from evaluation.catalogue import fold, load_catalogue
from evaluation.ingest.sheet import SheetData, column_letter
from evaluation.layout import blank
from evaluation.schemas import ID_PATTERN


def own_indicator_lookup(sheet: SheetData) -> dict[str, str]:
    """Folded own indicator code or name -> its (lower-case) code, from the Own indicators sheet."""
    frame = sheet.frame
    if frame.empty:
        return {}
    codes = frame["indicator"].tolist()
    filled = [i for i, c in enumerate(codes) if not blank(c)]
    if len(filled) < len(codes):
        codes = [str(codes[i]) for i in filled]
        labels = frame["label"].iloc[filled]
    else:
        codes = [str(c) for c in codes]
        labels = frame["label"]
    folded_labels = [None if blank(v) else fold(v) for v in labels.tolist()]
    # reversed, so that the first of a repeated name wins; then a code wins over a name
    pairs = zip(reversed(folded_labels), reversed(codes), strict=True)
    out = {k: c for k, c in pairs if isinstance(k, str) and k}
    out.update({fold(c): c for c in codes})
    return out


def add_declared(sheets: dict[str, SheetData], declared) -> bool:
    """Add the stored own indicator declarations the workbook left out to its Own indicators
    sheet (made when the workbook has none); whether any was added.

    ``declared(initiative_id)`` gives the declarations (canonical codes) the store holds for
    the initiative the Profile sheet names. A declaration on the sheet wins over a stored
    one of the same code; the added rows have no worksheet row (``_row`` 0), and those the
    Indicators sheet uses are stored with the new submission (``prune_declared`` drops the
    rest), so each period holds the declarations of what it reports."""
    profile = sheets.get("profile")
    if profile is None or len(profile.frame) != 1:
        return False
    initiative = profile.frame["initiative_id"].iloc[0]
    if not isinstance(initiative, str) or not ID_PATTERN.match(initiative):
        return False
    own = sheets.get("own_indicators")
    present = set() if own is None else {str(c) for c in own.frame["indicator"].dropna()}
    catalogue = set(load_catalogue().indicator_codes)
    rows = [
        r for r in declared(initiative) if r["indicator"] not in present | catalogue
    ]  # fmt: skip
    if not rows:
        return False
    section = load_catalogue().section("own_indicators")
    codes = list(section.column_codes)
    added = pd.DataFrame([{c: r.get(c) for c in codes} for r in rows], dtype=object)
    added["_row"] = 0
    if own is None:
        own = SheetData(
            section=section,
            name=section.name("nl"),
            frame=added.iloc[0:0],
            typed=added[codes].iloc[0:0],
            letters={c: column_letter(i) for i, c in enumerate(codes)},
            headers={c: section.column(c).headers["nl"] for c in codes},
            header_row=1,
        )
        sheets["own_indicators"] = own
    start = (int(own.frame.index.max()) + 1) if len(own.frame) else 0
    added.index = pd.RangeIndex(start, start + len(added))
    own.frame = pd.concat([own.frame, added[list(own.frame.columns)]])
    own.typed = pd.concat([own.typed.astype(object), added[codes].astype(object)])
    return True


def prune_declared(sheets: dict[str, SheetData]) -> None:
    """Drop the stored declarations ``add_declared`` added that the Indicators sheet does not
    use: a new submission carries the declarations it needs, not every one ever made."""
    own, indicators = sheets.get("own_indicators"), sheets.get("indicators")
    if own is None or own.frame.empty:
        return
    added = (own.frame["_row"] == 0).to_numpy(dtype=bool)
    if not added.any():
        return
    used = set() if indicators is None else set(indicators.frame["indicator"].dropna())
    drop = added & ~own.frame["indicator"].isin(used).to_numpy(dtype=bool)
    if drop.any():
        own.frame = own.frame[~drop]
        own.typed = own.typed[~drop]


def units_of(sheets: dict[str, SheetData]) -> dict[str, str]:
    """Indicator code -> unit, for the catalogue and the declared own indicators."""
    return _own_lookup(sheets, "unit", {i.code: i.unit for i in load_catalogue().indicators})


def default_phases_of(sheets: dict[str, SheetData]) -> dict[str, str]:
    """Indicator code -> the phase a row without one falls in (catalogue, or own sheet)."""
    return _own_lookup(sheets, "phase", {i.code: i.main_phase for i in load_catalogue().indicators})


def _own_lookup(sheets: dict[str, SheetData], column: str, known: dict[str, str]) -> dict:
    """``known``, plus own indicator code -> ``column`` from the Own indicators sheet; the
    catalogue wins over an own row, and the first own row over a later one with its code."""
    own = sheets.get("own_indicators")
    if own is None or own.frame.empty:
        return known
    codes = own.frame["indicator"].tolist()
    values = own.frame[column].tolist()
    # reversed, so that the first row of a repeated code is written last and wins
    out = {
        str(code): value
        for code, value in zip(reversed(codes), reversed(values), strict=True)
        if isinstance(value, str) and (code.strip() if isinstance(code, str) else not blank(code))
    }
    out.update(known)
    return out
