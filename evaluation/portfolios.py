"""Portfolios (issue 17, point 1): one platform, several funders.

A portfolio is a fund's programme or a municipality's scheme. It holds initiatives (an
initiative may be in several) and funder and evaluator accounts belong to it. An account
that belongs to portfolios reads only their initiatives: ``scope_in`` gives its principal a
``scope`` (``evaluation.access``), and every read of the current data keeps to it
(``evaluation.store.queries``), so each page, export, report, brief and API answer is the
portfolio's own, its small numbers protected within it.

Decided here, where the issue is silent:

- A deployment without portfolios works as before: every funder and evaluator reads every
  initiative. Once an administrator creates the first portfolio, an account in none reads
  none (the pages say so), so adding portfolios never leaves an account reading more than
  it was given.
- Administrators read everything; an initiative's account reads its own material and what
  others made public, whatever the portfolios.
- Only administrators manage portfolios (the admin page, ``evaluation portfolio``); each
  change is audited.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, insert, select

from evaluation import access
from evaluation.access import Principal
from evaluation.errors import UserError
from evaluation.schemas import ID_PATTERN
from evaluation.store import audit
from evaluation.store.schema import (
    Account,
    Initiative,
    PortfolioInitiative,
    PortfolioMember,
    table_of,
)
from evaluation.store.schema import (
    Portfolio as PortfolioRow,
)

if TYPE_CHECKING:
    from evaluation.store import Store

MEMBER_ROLES = ("funder", "evaluator")
SAMPLE_FILE = "portfolios.yaml"
MAX_NAME = 200

_P = table_of(PortfolioRow)
_PI = table_of(PortfolioInitiative)
_PM = table_of(PortfolioMember)
_A = table_of(Account)
_I = table_of(Initiative)


@dataclass(frozen=True)
class Portfolio:
    code: str
    name: str
    initiative_ids: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


# --- whom a principal reads -----------------------------------------------------------------


def exist(conn: Connection) -> bool:
    return conn.execute(select(_P.c.id).limit(1)).first() is not None


def scope_in(conn: Connection, principal: Principal) -> Principal:
    """``principal`` with the scope of its account's portfolios (see the module docstring);
    unchanged for other roles, for a principal without an address, or without portfolios."""
    if principal.role not in MEMBER_ROLES or not principal.name or principal.scope is not None:
        return principal
    if not exist(conn):
        return principal
    email = principal.name.strip().lower()
    codes = frozenset(conn.execute(select(_PM.c.portfolio).where(_PM.c.email == email)).scalars())
    ids = conn.execute(select(_PI.c.initiative_id).where(_PI.c.portfolio.in_(codes))).scalars()
    return dataclasses.replace(principal, scope=frozenset(ids), portfolios=codes)


def scoped(store: Store, principal: Principal) -> Principal:
    """``scope_in`` in its own read."""
    return store.read(lambda conn: scope_in(conn, principal))


def limited_to(store: Store, principal: Principal, codes: list[str]) -> Principal:
    """``principal`` read through the given portfolios only (``--portfolio`` of a command):
    the portfolios' initiatives, within what the principal may already read."""
    chosen = {p.code: p for p in listing(store, Principal("admin", name="scope"))}
    for code in codes:
        if code not in chosen:
            raise UserError("portfolios.unknown", code=code)
    ids = {i for code in codes for i in chosen[code].initiative_ids}
    if principal.scope is not None:
        ids &= principal.scope
    return dataclasses.replace(principal, scope=frozenset(ids), portfolios=frozenset(codes))


# --- reading them ---------------------------------------------------------------------------


def _all(conn: Connection) -> list[Portfolio]:
    rows = conn.execute(select(_P.c.code, _P.c.name)).all()
    held: dict[str, list[str]] = {code: [] for code, _ in rows}
    members: dict[str, list[str]] = {code: [] for code, _ in rows}
    for code, initiative_id in conn.execute(select(_PI.c.portfolio, _PI.c.initiative_id)):
        held.setdefault(code, []).append(initiative_id)
    for code, email in conn.execute(select(_PM.c.portfolio, _PM.c.email)):
        members.setdefault(code, []).append(email)
    out = [
        Portfolio(code, name, tuple(sorted(held[code])), tuple(sorted(members[code])))
        for code, name in rows
    ]
    return sorted(out, key=lambda p: (p.name.casefold(), p.code))


def listing(store: Store, principal: Principal) -> list[Portfolio]:
    """The portfolios, by name: every one for an administrator, a funder's or an evaluator's
    own for them (without the other members' addresses), none for anyone else."""

    def work(conn: Connection) -> list[Portfolio]:
        every = _all(conn)
        if principal.can_manage():
            return every
        mine = scope_in(conn, principal).portfolios or frozenset()
        return [dataclasses.replace(p, members=()) for p in every if p.code in mine]

    return store.read(work)


# --- managing them (administrators) ---------------------------------------------------------


def _known(conn: Connection, code: str) -> None:
    if conn.execute(select(_P.c.id).where(_P.c.code == code)).first() is None:
        raise UserError("portfolios.unknown", code=code)


def create(store: Store, principal: Principal, code: str, name: str) -> None:
    access.require_manage(principal)
    code, name = (code or "").strip(), (name or "").strip()
    if not ID_PATTERN.match(code):
        raise UserError("portfolios.bad_code", code=code)
    if not name or len(name) > MAX_NAME:
        raise UserError("portfolios.bad_name", n=MAX_NAME)

    def work(conn: Connection) -> None:
        if conn.execute(select(_P.c.id).where(_P.c.code == code)).first() is not None:
            raise UserError("portfolios.exists", code=code)
        conn.execute(
            insert(_P).values(
                code=code, name=name, created_at=audit.now(), created_by=principal.label
            )
        )
        audit.record(conn, principal, "portfolio_create", detail=f"{code} {name}"[:500])

    store.write(work)


def remove(store: Store, principal: Principal, code: str) -> None:
    """Delete a portfolio and its memberships (the initiatives and accounts stay)."""
    access.require_manage(principal)

    def work(conn: Connection) -> None:
        _known(conn, code)
        for table in (_PI, _PM):
            conn.execute(delete(table).where(table.c.portfolio == code))
        conn.execute(delete(_P).where(_P.c.code == code))
        audit.record(conn, principal, "portfolio_remove", detail=code)

    store.write(work)


_Step = Callable[[Connection, Principal, str, str], bool]


def _add_initiative(conn: Connection, principal: Principal, code: str, initiative_id: str) -> bool:
    if (
        conn.execute(select(_I.c.initiative_id).where(_I.c.initiative_id == initiative_id)).first()
        is None
    ):
        raise UserError("portfolios.unknown_initiative", initiative=initiative_id)
    there = _PI.c.portfolio == code, _PI.c.initiative_id == initiative_id
    if conn.execute(select(_PI.c.id).where(*there)).first() is not None:
        return False
    conn.execute(insert(_PI).values(portfolio=code, initiative_id=initiative_id))
    audit.record(conn, principal, "portfolio_add_initiative", None, initiative_id, code)
    return True


def _remove_initiative(
    conn: Connection, principal: Principal, code: str, initiative_id: str
) -> bool:
    there = _PI.c.portfolio == code, _PI.c.initiative_id == initiative_id
    if conn.execute(delete(_PI).where(*there)).rowcount == 0:
        return False
    audit.record(conn, principal, "portfolio_remove_initiative", None, initiative_id, code)
    return True


def _add_member(conn: Connection, principal: Principal, code: str, email: str) -> bool:
    role = conn.execute(select(_A.c.role).where(_A.c.email == email)).scalar()
    if role is None:
        raise UserError("portfolios.unknown_account", email=email)
    if role not in MEMBER_ROLES:
        raise UserError("portfolios.member_role", email=email, role=role)
    there = _PM.c.portfolio == code, _PM.c.email == email
    if conn.execute(select(_PM.c.id).where(*there)).first() is not None:
        return False
    conn.execute(insert(_PM).values(portfolio=code, email=email))
    audit.record(conn, principal, "portfolio_add_member", detail=f"{code} {email}")
    return True


def _remove_member(conn: Connection, principal: Principal, code: str, email: str) -> bool:
    there = _PM.c.portfolio == code, _PM.c.email == email
    if conn.execute(delete(_PM).where(*there)).rowcount == 0:
        return False
    audit.record(conn, principal, "portfolio_remove_member", detail=f"{code} {email}")
    return True


def _change(store: Store, principal: Principal, code: str, step: _Step, value: str) -> bool:
    access.require_manage(principal)

    def work(conn: Connection) -> bool:
        _known(conn, code)
        return step(conn, principal, code, value)

    return store.write(work)


def add_initiative(store: Store, principal: Principal, code: str, initiative_id: str) -> bool:
    """Put an initiative in a portfolio; False when it was already in it."""
    return _change(store, principal, code, _add_initiative, initiative_id)


def remove_initiative(store: Store, principal: Principal, code: str, initiative_id: str) -> bool:
    """Take an initiative out of a portfolio; False when it was not in it."""
    return _change(store, principal, code, _remove_initiative, initiative_id)


def add_member(store: Store, principal: Principal, code: str, email: str) -> bool:
    """Let a funder's or an evaluator's account read a portfolio; False when it already did."""
    return _change(store, principal, code, _add_member, (email or "").strip().lower())


def remove_member(store: Store, principal: Principal, code: str, email: str) -> bool:
    """Take an account out of a portfolio; False when it was not in it."""
    return _change(store, principal, code, _remove_member, (email or "").strip().lower())


def update(
    store: Store, principal: Principal, code: str, initiative_ids: list[str], emails: list[str]
) -> int:
    """Make a portfolio hold exactly these initiatives and accounts, in one transaction (the
    admin page's form); the number of changes, each audited."""
    access.require_manage(principal)
    wanted_ids = set(initiative_ids)
    wanted = {e.strip().lower() for e in emails}

    def work(conn: Connection) -> int:
        _known(conn, code)
        held = set(
            conn.execute(select(_PI.c.initiative_id).where(_PI.c.portfolio == code)).scalars()
        )
        members = set(conn.execute(select(_PM.c.email).where(_PM.c.portfolio == code)).scalars())
        steps: list[tuple[_Step, str]] = [(_add_initiative, i) for i in sorted(wanted_ids - held)]
        steps += [(_remove_initiative, i) for i in sorted(held - wanted_ids)]
        steps += [(_add_member, e) for e in sorted(wanted - members)]
        steps += [(_remove_member, e) for e in sorted(members - wanted)]
        return sum(step(conn, principal, code, value) for step, value in steps)

    return store.write(work)


# --- the sample -------------------------------------------------------------------------------


def load_sample(store: Store, folder: Path | None) -> int:
    """The sample's two overlapping portfolios (``spec/portfolios.yaml``), if none exist yet;
    the number created. The sample has no accounts: the demo's role chooser offers a funder
    of each portfolio (``demo_principal``)."""
    from evaluation.catalogue import load_yaml

    path = folder / "spec" / SAMPLE_FILE if folder else None
    if path is None or not path.is_file() or store.read(exist):
        return 0
    who = Principal("admin", name="sample")
    items = (load_yaml(path) or {}).get("portfolios", [])
    for item in items:
        create(store, who, item["code"], item["name"])
        for initiative_id in item["initiatives"]:
            add_initiative(store, who, item["code"], initiative_id)
    return len(items)


def demo_principal(store: Store, role: str, code: str) -> Principal:
    """The demo's funder or evaluator of one portfolio (no account: the demo signs no one in)."""
    return limited_to(store, Principal(role, name=f"demo:{code}"), [code])  # type: ignore[arg-type]
