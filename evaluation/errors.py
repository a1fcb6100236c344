"""Errors a user can act on. Each carries a string key (``data/strings``) and its parameters,
so the CLI and the dashboard render it in the user's language; never a traceback."""

from __future__ import annotations

from typing import Any

from evaluation.i18n import t


class UserError(Exception):
    """A refusal with a bilingual message: ``key`` names a string in ``data/strings``."""

    exit_code = 1

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def render(self, lang: str = "nl") -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.render("en")


class AccessDenied(UserError):
    """The acting principal may not do this (see ``evaluation.access``)."""

    exit_code = 3
