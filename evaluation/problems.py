"""One error vocabulary: a located ``Problem`` with a stable code, rendered in Dutch or English.

The CLI, the upload page and the report all render these same objects. Message and hint
templates live in ``data/strings/problems.yaml`` under ``problems.<code>.message`` and
``problems.<code>.hint``; ``params`` fill them.
"""

from __future__ import annotations

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
        return t(f"problems.{self.code}.message", lang, **self._fill())

    def hint(self, lang: str = "nl") -> str:
        return t(f"problems.{self.code}.hint", lang, **self._fill())

    def _fill(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet or "",
            "cell": self.cell or "",
            "column": self.column or "",
            "value": "" if self.value is None else self.value,
        } | self.params

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
