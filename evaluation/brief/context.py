"""The brief's context: the Excel report's (labels, the withheld mark, the disclosed tables
cut to the window), with the brief's own strings."""

from __future__ import annotations

from typing import Any

from evaluation.i18n import t
from evaluation.report.context import Ctx


class BriefCtx(Ctx):
    def s_brief(self, key: str, **params: Any) -> str:
        return t(f"brief.{key}", self.lang, **params)
