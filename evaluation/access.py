"""Who may do what. Every write and every read of unpublished material takes a ``Principal``;
the rules live here and nowhere else (pages and commands never decide access themselves).

- an *initiative* imports only for itself and sees all of its own material, and of other
  initiatives only what they made public (and their small numbers withheld);
- a *funder* and an *evaluator* see stories shared with funders or the public report, and
  see small numbers of others only suppressed;
- an *admin* manages initiatives, accounts and submissions and reads what funders read;
- a funder's or an evaluator's account that belongs to portfolios (``evaluation.portfolios``)
  reads only the initiatives those portfolios hold: its ``scope``; ``None`` is every
  initiative (an administrator, or a deployment without portfolios);
- the *public* audience (a public report) sees only stories marked for the public report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from evaluation.errors import AccessDenied

Role = Literal["initiative", "funder", "evaluator", "admin", "public"]
ROLES: tuple[Role, ...] = ("initiative", "funder", "evaluator", "admin", "public")
# the roles an account can have (``public`` is no account: it is what anyone may see)
AccountRole = Literal["initiative", "funder", "evaluator", "admin"]
ACCOUNT_ROLES: tuple[AccountRole, ...] = ("initiative", "funder", "evaluator", "admin")

# story visibility codes (choices.yaml: visibility) each role may read, besides its own stories
_STORY_AUDIENCE: dict[str, frozenset[str]] = {
    # other initiatives read only what is public: "funders" means funders and evaluators
    "initiative": frozenset({"public"}),
    "funder": frozenset({"funders", "public"}),
    "evaluator": frozenset({"funders", "public"}),
    "admin": frozenset({"funders", "public"}),
    "public": frozenset({"public"}),
}


@dataclass(frozen=True)
class Principal:
    """The acting person or process: a role and, for an initiative, which one."""

    role: Role
    initiative_id: str | None = None
    name: str = ""
    # the initiatives this principal may read (its portfolios' initiatives); None = all
    scope: frozenset[str] | None = None
    # the portfolio codes the scope comes from (what the pages name); None = no portfolio
    portfolios: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == "initiative" and not self.initiative_id:
            raise ValueError("an initiative principal needs its initiative_id")

    @property
    def label(self) -> str:
        return self.name or (
            f"{self.role}:{self.initiative_id}" if self.initiative_id else self.role
        )

    def in_scope(self, initiative_id: str) -> bool:
        """Whether this principal may read anything of ``initiative_id`` (its own always)."""
        if self.scope is None or initiative_id in self.scope:
            return True
        return self.is_initiative(initiative_id)

    def is_initiative(self, initiative_id: str) -> bool:
        return self.role == "initiative" and self.initiative_id == initiative_id

    def can_import_for(self, initiative_id: str) -> bool:
        return self.role == "admin" or self.is_initiative(initiative_id)

    def can_see_story(self, initiative_id: str, visibility: str, consent: bool = True) -> bool:
        """Stories without recorded consent are never shown to anyone."""
        if not consent or not self.in_scope(initiative_id):
            return False
        return self.is_initiative(initiative_id) or visibility in _STORY_AUDIENCE[self.role]

    def can_read_raw(self, initiative_id: str) -> bool:
        return self.role == "admin" or self.is_initiative(initiative_id)

    def can_manage(self) -> bool:
        return self.role == "admin"

    def can_export(self) -> bool:
        return self.role in ("evaluator", "funder", "admin")


def require_import(principal: Principal, initiative_id: str) -> None:
    if not principal.can_import_for(initiative_id):
        raise AccessDenied("access.import_other", who=principal.label, initiative=initiative_id)


def require_raw(principal: Principal, initiative_id: str) -> None:
    if not principal.can_read_raw(initiative_id):
        raise AccessDenied("access.raw_other", who=principal.label, initiative=initiative_id)


def require_scope(principal: Principal, initiative_id: str) -> None:
    """Refuse an initiative outside the principal's portfolios."""
    if not principal.in_scope(initiative_id):
        raise AccessDenied("access.out_of_scope", who=principal.label, initiative=initiative_id)


def reading_for(principal: Principal, name: str) -> Principal:
    """Whom an output (a report, an export, a brief) reads the store as, on behalf of
    ``principal``: an administrator, so that it gets every story the store holds and then
    discloses them to its audience, within the principal's scope (its portfolios)."""
    return Principal("admin", name=name, scope=principal.scope, portfolios=principal.portfolios)


def require_manage(principal: Principal) -> None:
    if not principal.can_manage():
        raise AccessDenied("access.admin_only", who=principal.label)


# report and export audiences each role may have: a funder's view is for those who read what
# initiatives share with funders; a public view is for anyone
_AUDIENCES_OF: dict[str, frozenset[str]] = {
    "initiative": frozenset({"public"}),
    "funder": frozenset({"funder", "public"}),
    "evaluator": frozenset({"funder", "public"}),
    "admin": frozenset({"funder", "public"}),
    "public": frozenset({"public"}),
}


def may_have_audience(principal: Principal, audience: str) -> bool:
    return audience in _AUDIENCES_OF[principal.role]


def require_audience(principal: Principal, audience: str) -> None:
    if not may_have_audience(principal, audience):
        raise AccessDenied("access.audience_other", who=principal.label, audience=audience)
