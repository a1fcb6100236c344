"""The tidy export as a Frictionless data package, and the network as Kumu reads it.

``datapackage.json`` describes every CSV in the export's zip: a Table Schema per table built
from ``TIDY_COLUMNS`` and the catalogue (field types, a title in the export's language and
``labels`` in both, the allowed codes of a choice column as ``constraints.enum``), the CSV
dialect the files are written in, and the withheld mark declared as a missing value beside the
empty cell, so a tool never reads a withheld number as a number. R's ``frictionless``,
Python's ``frictionless`` and Power BI (as plain CSV) read the files without hand work.

The Kumu files are built from the disclosed network table only: who is tied to whom and how,
never a count (a count of people referred may be withheld, and a sum over periods could give
a withheld period away).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from evaluation.catalogue import LANGS, load_catalogue
from evaluation.dataset import TIDY_COLUMNS
from evaluation.i18n import strings, t

# the two ways the CSVs are written: a plain CSV and what Dutch Excel opens as columns
DIALECTS: dict[str, dict[str, str]] = {
    "csv": {"delimiter": ",", "decimal": "."},
    "excel-nl": {"delimiter": ";", "decimal": ","},
}

# columns whose cells are codes of one of the catalogue's choice lists
CHOICE_COLUMNS: dict[str, str] = {
    "organisation_form": "organisation_forms",
    "primary_phase": "phases",
    "phase": "phases",
    "dimension": "dimensions",
    "unit": "units",
    "voice": "voices",
    "partner_type": "partner_types",
    "relation": "relation_types",
    "question": "reflection_questions",
}

NUMBER_COLUMNS = {"value", "numerator", "denominator", "count"}
INTEGER_COLUMNS = {"founded_year", "story_no", "submission_id"}
BOOLEAN_COLUMNS = {"own", "consent_recorded"}
DATE_COLUMNS = {"period_start", "period_end", "date"}

# Kumu's import columns: a file format, not user-facing text (Kumu matches these names)
KUMU_ELEMENT_COLUMNS = ("Label", "Type", "Description")
KUMU_CONNECTION_COLUMNS = ("From", "To", "Type")


def _text(key: str) -> dict[str, str] | None:
    texts = strings().get(key)
    return {lang: texts[lang] for lang in LANGS} if texts else None


def _field(table: str, column: str, lang: str) -> dict[str, Any]:
    """One Table Schema field: its type, its title and labels, its allowed codes."""
    if column.endswith("_suppressed") or column in BOOLEAN_COLUMNS:
        kind = "boolean"
    elif column in NUMBER_COLUMNS:
        kind = "number"
    elif column in INTEGER_COLUMNS:
        kind = "integer"
    elif column in DATE_COLUMNS:
        kind = "date"  # ISO 8601, as the CSV writes it
    else:
        kind = "string"
    out: dict[str, Any] = {"name": column, "type": kind}
    labels = _text(f"report.col.{column}")
    if column.endswith("_suppressed"):
        measure = _text(f"report.col.{column.removesuffix('_suppressed')}") or {}
        labels = {lg: t("export.withheld_flag", lg, column=measure.get(lg, column)) for lg in LANGS}
    if labels:
        out["title"] = labels[lang]
        out["labels"] = labels
    meaning = _text(f"ui.dictionary.{column}")
    if meaning:
        out["description"] = meaning[lang]
        out["descriptions"] = meaning
    if kind == "number":
        out["bareNumber"] = True
    if kind == "boolean":
        out["trueValues"] = ["True"]
        out["falseValues"] = ["False"]
    choices = CHOICE_COLUMNS.get(column)
    if choices:
        out["constraints"] = {"enum": list(load_catalogue().choices(choices).codes)}
    return out


def table_schema(table: str, columns: list[str], lang: str, dialect: str = "csv") -> dict[str, Any]:
    """The Table Schema of one tidy table, in the order its CSV has its columns."""
    fields = [_field(table, c, lang) for c in columns]
    decimal = DIALECTS[dialect]["decimal"]
    if decimal != ".":
        for f in fields:
            if f["type"] == "number":
                f["decimalChar"] = decimal
    keys = ["initiative_id"] if table == "initiatives" else []
    schema: dict[str, Any] = {
        "fields": fields,
        "missingValues": ["", *withheld_marks()],
    }
    if keys:
        schema["primaryKey"] = keys
    return schema


def withheld_marks() -> list[str]:
    """The neutral mark of a withheld number, in each language (declared missing values)."""
    return list(dict.fromkeys(t("analysis.suppressed", lg) for lg in LANGS))


def _plain_schema(columns: list[str]) -> dict[str, Any]:
    return {"fields": [{"name": c, "type": "string"} for c in columns]}


def datapackage(
    columns: dict[str, list[str]],
    lang: str,
    dialect: str = "csv",
    role: str = "",
    threshold: int | None = None,
) -> dict[str, Any]:
    """The ``datapackage.json`` of an export whose CSVs have these ``columns`` per file stem.

    Tidy tables get a full Table Schema; the dictionary and the Kumu files (text only) get
    string fields. ``role`` and ``threshold`` say whom the numbers were protected for.

    The licence is not an open one: the data are the initiatives' own reports, shared for
    the evaluation; opening them is the programme's decision, not the export's."""
    d = DIALECTS[dialect]
    csv_dialect = {"delimiter": d["delimiter"], "header": True, "quoteChar": '"'}
    resources = []
    for name, cols in columns.items():
        tidy = name in TIDY_COLUMNS
        resources.append(
            {
                "name": name.replace("_", "-"),
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "title": t(f"export.resource.{name}", lang),
                "dialect": csv_dialect,
                "schema": table_schema(name, cols, lang, dialect) if tidy else _plain_schema(cols),
            }
        )
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "evaluation-data",
        "title": t("export.package_title", lang),
        "description": t("export.package_description", lang),
        # "other-closed": the Open Definition's identifier for a licence that is not open
        "licenses": [{"name": "other-closed", "title": t("export.licence", lang)}],
        "sources": [{"title": t("export.source", lang)}],
        "protection": {"audience": role, "threshold": threshold},
        "keywords": ["evaluation", "refugees", "citizen initiatives"],
        "languages": [lang],
        "resources": resources,
    }
    return package


def _label(names: dict[str, str], initiative_id: object) -> str:
    return names.get(str(initiative_id), str(initiative_id))


def kumu_frames(
    initiatives: pd.DataFrame, network: pd.DataFrame, lang: str
) -> dict[str, pd.DataFrame]:
    """Kumu's elements and connections from the disclosed initiatives and network tables.

    An initiative is named by its name, a partner as the network table names it; a tie found
    in several periods is one connection. No counts."""
    cat = load_catalogue()
    ids, labels = initiatives["initiative_id"].astype(str), initiatives["name"].astype(str)
    names = dict(zip(ids, labels, strict=True))
    elements: dict[str, dict[str, str]] = {}
    initiative_type = t("export.kumu.initiative", lang)
    for _, row in initiatives.iterrows():
        label = _label(names, row["initiative_id"])
        mission = row.get("mission")
        elements[label] = {
            "Label": label,
            "Type": initiative_type,
            "Description": "" if pd.isna(mission) else str(mission),
        }
    conns: dict[tuple[str, str, str], dict[str, str]] = {}
    for _, row in network.iterrows():
        source = _label(names, row["initiative_id"])
        partner = row["partner"]
        if pd.isna(partner) or not str(partner).strip():
            continue
        target = str(partner).strip()
        elements.setdefault(source, {"Label": source, "Type": initiative_type, "Description": ""})
        kind = row["partner_type"]
        elements.setdefault(
            target,
            {
                "Label": target,
                "Type": "" if pd.isna(kind) else cat.choices("partner_types").label(kind, lang),
                "Description": "",
            },
        )
        rel = row["relation"]
        rel_label = "" if pd.isna(rel) else cat.choices("relation_types").label(rel, lang)
        conns.setdefault(
            (source, target, rel_label), {"From": source, "To": target, "Type": rel_label}
        )
    return {
        "kumu_elements": pd.DataFrame(list(elements.values()), columns=KUMU_ELEMENT_COLUMNS),
        "kumu_connections": pd.DataFrame(list(conns.values()), columns=KUMU_CONNECTION_COLUMNS),
    }
