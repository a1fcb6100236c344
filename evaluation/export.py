"""Tidy export for evaluators: one CSV per table, zipped, with a data dictionary.

The rows are a ``Disclosed`` dataset's tables (``evaluation.disclosure``): stories and
reflections already filtered for the audience, and every withheld number left empty with its
``<column>_suppressed`` flag set, exactly as the dashboard and the Excel report withhold
them. Nothing here decides what an audience may see.

What a spreadsheet makes of a CSV is decided here:

- **No formulas.** A cell that a spreadsheet would run as a formula (text starting with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe, as
  OWASP's guidance on CSV injection advises, so it opens as the text that was uploaded.
- **Whole numbers as whole numbers**: a count is written ``7``, never ``7.0``.
- UTF-8 with a byte-order mark, so Excel reads the accents right.
- **Two dialects**: a plain CSV (commas, decimal points) for R, Python and Power BI, and
  ``excel-nl`` (semicolons, decimal commas) that Dutch Excel opens as columns.

The zip is a Frictionless data package (``datapackage.json``, ``evaluation.datapackage``)
and holds the network as Kumu imports it (``kumu_elements.csv``, ``kumu_connections.csv``).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pandas as pd

from evaluation.access import Principal, reading_for, require_audience
from evaluation.catalogue import load_catalogue
from evaluation.datapackage import DIALECTS, datapackage, kumu_frames
from evaluation.disclosure import Disclosed
from evaluation.i18n import t
from evaluation.model import TIDY_COLUMNS

TABLES = ("initiatives", "observations", "own_indicators", "stories", "network", "reflections")
FLAGS = {
    "observations": ["value_suppressed", "numerator_suppressed", "denominator_suppressed"],
    "network": ["count_suppressed"],
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def protected_frames(disclosed: Disclosed) -> dict[str, pd.DataFrame]:
    """The disclosed tables, each with its tidy columns and the withheld flags."""
    frames = disclosed.dataset.frames()
    out = {}
    for name in TABLES:
        cols = [*TIDY_COLUMNS[name], *FLAGS.get(name, [])]
        frame = frames[name]
        out[name] = frame[[c for c in cols if c in frame.columns]]
    return out


def dictionary_frames(lang: str) -> dict[str, pd.DataFrame]:
    """The data dictionary: every column of every table, every indicator, every choice code."""
    cat = load_catalogue()
    col_rows = []
    for table in TABLES:
        for col in [*TIDY_COLUMNS[table], *FLAGS.get(table, [])]:
            col_rows.append(
                {
                    t("ui.export.dict_table", lang): table,
                    t("ui.export.dict_column", lang): col,
                    t("ui.export.dict_meaning", lang): t(f"ui.dictionary.{col}", lang),
                }
            )
    ind_rows = [
        {
            t("ui.export.dict_code", lang): i.code,
            t("ui.export.dict_label", lang): i.label(lang),
            t("ui.export.dict_dimension", lang): cat.choices("dimensions").label(i.dimension, lang),
            t("ui.export.dict_unit", lang): cat.choices("units").label(i.unit, lang),
            t("ui.export.dict_definition", lang): i.definition(lang),
        }
        for i in cat.indicators
    ]
    choice_rows = [
        {
            t("ui.export.dict_kind", lang): name,
            t("ui.export.dict_code", lang): c.code,
            t("ui.export.dict_label", lang): c.label(lang),
        }
        for name, lst in cat.choice_lists.items()
        for c in lst.choices
    ]
    return {
        "dictionary_columns": pd.DataFrame(col_rows),
        "dictionary_indicators": pd.DataFrame(ind_rows),
        "dictionary_choices": pd.DataFrame(choice_rows),
    }


def _cell(value: object) -> object:
    """One CSV cell: text that would run as a formula made inert, whole floats as ints."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, float) and value == value and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _decimal_comma(value: object) -> object:
    if isinstance(value, float) and value == value:
        return repr(value).replace(".", ",")
    return value


def csv_bytes(frame: pd.DataFrame, dialect: str = "csv") -> bytes:
    """A frame as a UTF-8 CSV (with a byte-order mark), safe to open in a spreadsheet."""
    comma = DIALECTS[dialect]["decimal"] == ","
    # column by column as objects: a mapped frame would infer float again for ints and blanks
    cols = {}
    for c in frame.columns:
        cells = [_cell(v) for v in frame[c].tolist()]
        cols[c] = pd.Series([_decimal_comma(v) for v in cells] if comma else cells, dtype=object)
    safe = pd.DataFrame(cols, columns=frame.columns)
    text = safe.to_csv(index=False, sep=DIALECTS[dialect]["delimiter"])
    return text.encode("utf-8-sig")


def tidy_zip(disclosed: Disclosed, lang: str, dialect: str = "csv") -> bytes:
    """A zip with one CSV per table, the dictionary, the Kumu network and ``datapackage.json``.

    ``dialect`` is ``csv`` (commas) or ``excel-nl`` (semicolons and decimal commas)."""
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {sorted(DIALECTS)}, not {dialect!r}")
    buf = io.BytesIO()
    frames = export_frames(disclosed, lang)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, frame in frames.items():
            zf.writestr(f"{name}.csv", csv_bytes(frame, dialect))
        package = package_of(disclosed, frames, lang, dialect)
        zf.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
    return buf.getvalue()


def export_frames(disclosed: Disclosed, lang: str) -> dict[str, pd.DataFrame]:
    """Every table of the export by file stem: the protected tables, the dictionary and the
    Kumu network (the zip's CSVs, and the read-only API's tables)."""
    tables = protected_frames(disclosed)
    frames = tables | dictionary_frames(lang)
    return frames | kumu_frames(tables["initiatives"], tables["network"], lang)


def package_of(
    disclosed: Disclosed, frames: dict[str, pd.DataFrame], lang: str, dialect: str = "csv"
) -> dict[str, Any]:
    """The ``datapackage.json`` describing ``frames`` (from ``export_frames``)."""
    columns = {n: list(f.columns) for n, f in frames.items()}
    return datapackage(columns, lang, dialect, disclosed.principal.role, disclosed.threshold)


def row_counts(disclosed: Disclosed) -> dict[str, int]:
    return {name: len(frame) for name, frame in protected_frames(disclosed).items()}


def export_for(store: Any, principal: Principal, audience: str) -> Disclosed:
    """The store's current data disclosed to ``audience``, if ``principal`` may have it."""
    from evaluation.disclosure import disclose
    from evaluation.report import AUDIENCES

    require_audience(principal, audience)
    reader = reading_for(principal, "export")
    return disclose(store.current_dataset(reader), AUDIENCES[audience])


def withheld_cells(disclosed: Disclosed) -> tuple[int, int]:
    """How many numbers of people the export withholds, of how many it holds."""
    frames = protected_frames(disclosed)
    n = withheld = 0
    for name, flags in FLAGS.items():
        frame = frames[name]
        for f in flags:
            col = f.removesuffix("_suppressed")
            flag = frame[f].astype(bool)
            n += int((frame[col].notna() | flag).sum())
            withheld += int(flag.sum())
    return withheld, n
