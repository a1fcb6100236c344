"""One error vocabulary: a located ``Problem`` with a stable code, rendered in Dutch or English.

The CLI, the upload page and the report all render these same objects. Message and hint
templates live in ``data/strings/problems.yaml`` under ``problems.<code>.message`` and
``problems.<code>.hint``; ``params`` fill them (the param ``hint_variant`` picks
``problems.<code>.hint_<variant>`` instead). Dates (and ISO date texts) are shown the way the
template writes them: d-m-yyyy in Dutch, yyyy-mm-dd in English.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from evaluation.i18n import t

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity = "error"
    sheet: str | None = None  # the sheet name as it is in the workbook
    cell: str | None = None  # A1 notation with the sheet, e.g. "Indicatoren!C14"
    column: str | None = None  # the column header as in the workbook
    value: Any = None  # the value as typed
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "nl") -> str:
        return t(f"problems.{self.code}.message", lang, **self._fill(lang))

    def hint(self, lang: str = "nl") -> str:
        # a variant of the hint where the place asks for another fix (``hint_<variant>``)
        variant = self.params.get("hint_variant")
        key = f"problems.{self.code}.hint" + (f"_{variant}" if variant else "")
        return t(key, lang, **self._fill(lang))

    def _fill(self, lang: str = "nl") -> dict[str, Any]:
        values = {
            "sheet": self.sheet or "",
            "cell": self.cell or "",
            "column": self.column or "",
            "value": "" if self.value is None else self.value,
        } | self.params
        return {k: _shown_date(v, lang) for k, v in values.items()}

    def to_dict(self, lang: str = "nl") -> dict[str, Any]:
        """The JSON form: one object per problem (also what the dashboard shows)."""
        value = self.value
        if value is not None and not isinstance(value, (str, int, float, bool)):
            value = str(value)
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "column": self.column,
            "value": value,
            "message": self.message(lang),
            "hint": self.hint(lang),
        }


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _shown_date(value: Any, lang: str) -> Any:
    """A date as the template writes it in ``lang``: d-m-yyyy in Dutch, ISO in English."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return f"{value.day}-{value.month}-{value.year}" if lang == "nl" else value.isoformat()
    return value
