"""Tidy export for evaluators: one CSV per table, zipped, with a data dictionary.

The rows come from the store for the viewer (stories already filtered by consent and
visibility); small counts of people are withheld here with the analyses' ``suppress`` so an
export never shows more than the dashboard. The dictionary is built from the catalogue and
the string files, so it always matches the columns and codes in the data.

An Excel report (issue 7) is a separate download on the Export page; this module only does
the tidy CSV part.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd

from evaluation.access import Principal
from evaluation.analysis._common import is_person_count
from evaluation.analysis.suppression import suppress
from evaluation.catalogue import load_catalogue
from evaluation.i18n import t
from evaluation.model import Dataset

TABLES = ("initiatives", "observations", "own_indicators", "stories", "network", "reflections")


def protected_frames(ds: Dataset, viewer: Principal) -> dict[str, pd.DataFrame]:
    """The dataset's tables with small counts of people withheld from ``viewer``."""
    frames = {k: v.copy() for k, v in ds.frames().items()}
    obs = frames["observations"]
    if len(obs):
        person = pd.Series(
            [is_person_count(i, u) for i, u in zip(obs["indicator"], obs["unit"], strict=True)],
            index=obs.index,
            dtype=bool,
        )
        protected = suppress(
            obs[person], viewer, ["value"], group_columns=["initiative_id", "period", "indicator"]
        )
        rest = obs[~person].assign(value_suppressed=False)
        obs = pd.concat([protected, rest]).sort_index()
        frames["observations"] = obs
    net = frames["network"]
    if len(net):
        frames["network"] = suppress(
            net,
            viewer,
            ["count"],
            group_columns=["initiative_id", "period"],
            owner_columns=("initiative_id", "partner_initiative_id"),
        )
    return frames


def dictionary_frames(lang: str) -> dict[str, pd.DataFrame]:
    """The data dictionary: every column of every table, every indicator, every choice code."""
    cat = load_catalogue()
    from evaluation.model import TIDY_COLUMNS

    col_rows = []
    for table, columns in TIDY_COLUMNS.items():
        extra = {"observations": ["value_suppressed"], "network": ["count_suppressed"]}
        for col in list(columns) + extra.get(table, []):
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


def tidy_zip(ds: Dataset, viewer: Principal, lang: str) -> bytes:
    """A zip with one UTF-8 CSV per table and the dictionary (Excel opens UTF-8 with BOM)."""
    buf = io.BytesIO()
    frames = protected_frames(ds, viewer) | dictionary_frames(lang)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, frame in frames.items():
            zf.writestr(f"{name}.csv", frame.to_csv(index=False).encode("utf-8-sig"))
    return buf.getvalue()


def row_counts(ds: Dataset) -> dict[str, int]:
    return {name: len(frame) for name, frame in ds.frames().items()}
