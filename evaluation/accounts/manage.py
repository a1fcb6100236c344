"""Managing accounts (admins): add, list and disable them; whether any exist, and whether
this deployment runs as a demo (see ``evaluation.accounts`` for the rules)."""

from __future__ import annotations

import logging
from typing import Literal

import pandas as pd
from sqlalchemy import Connection, select

from evaluation import access
from evaluation.access import ACCOUNT_ROLES, Principal
from evaluation.accounts.common import (
    ACCOUNTS,
    DEMO_ENV,
    HASHER,
    LIST_COLUMNS,
    MIN_PASSWORD_LENGTH,
    AccountInfo,
    AccountSettings,
    normalise_email,
    record,
    utc_now,
)
from evaluation.errors import UserError
from evaluation.schemas import ID_PATTERN
from evaluation.store import Store

log = logging.getLogger(__name__)
_AC = ACCOUNTS
_HASHER = HASHER


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError("accounts.password_too_short", n=MIN_PASSWORD_LENGTH)


def _known_initiative(store: Store, principal: Principal, initiative_id: str) -> bool:
    return initiative_id in set(store.initiatives(principal)["initiative_id"])


def add_user(
    store: Store,
    principal: Principal,
    email: str,
    role: str,
    initiative_id: str | None = None,
    password: str | None = None,
    name: str = "",
    initiative_name: str | None = None,
) -> AccountInfo:
    """Add an account (admins only). Without a password it can sign in only through single
    sign-on. An initiative account needs a known initiative, or ``initiative_name`` to
    register it at the same time."""
    access.require_manage(principal)
    address = normalise_email(email)
    if role not in ACCOUNT_ROLES:
        raise UserError("accounts.invalid_role", role=role, roles=", ".join(ACCOUNT_ROLES))
    if role == "initiative":
        if not initiative_id:
            raise UserError("accounts.initiative_needed")
        if not ID_PATTERN.match(initiative_id):
            raise UserError("store.invalid_initiative_id", initiative=initiative_id)
        if not _known_initiative(store, principal, initiative_id):
            if not (initiative_name or "").strip():
                raise UserError("accounts.unknown_initiative", initiative=initiative_id)
            store.add_initiative(principal, initiative_id, initiative_name or "")
    elif initiative_id:
        raise UserError("accounts.initiative_only_for_initiatives", role=role)
    if password is not None:
        _check_password(password)
    hashed = _HASHER.hash(password) if password else None

    def work(conn: Connection) -> None:
        if conn.execute(select(_AC.c.email).where(_AC.c.email == address)).first():
            raise UserError("accounts.exists", email=address)
        conn.execute(
            _AC.insert().values(
                email=address,
                role=role,
                initiative_id=initiative_id if role == "initiative" else None,
                name=(name or "").strip()[:200],
                password_hash=hashed,
                disabled=False,
                created_at=utc_now(),
                created_by=principal.label[:200],
            )
        )
        detail = f"{address} {role}" + (" local" if hashed else " sso")
        record(conn, principal, "add_account", initiative_id, detail)

    store.write(work)
    return AccountInfo(address, role, initiative_id, name.strip(), bool(hashed), False)


def list_users(store: Store, principal: Principal) -> pd.DataFrame:
    """Every account, by e-mail address (admins only). Never a hash."""
    access.require_manage(principal)
    q = select(
        _AC.c.email,
        _AC.c.role,
        _AC.c.initiative_id,
        _AC.c.name,
        _AC.c.password_hash.is_not(None),
        _AC.c.disabled,
    ).order_by(_AC.c.email)
    rows = store.read(lambda conn: conn.execute(q).all())
    frame = pd.DataFrame([tuple(r) for r in rows], columns=LIST_COLUMNS)
    return frame.astype({"local_password": bool, "disabled": bool})


def disable_user(store: Store, principal: Principal, email: str) -> None:
    """Disable an account (admins only): it can no longer sign in; its history stays."""
    access.require_manage(principal)
    address = normalise_email(email)

    def work(conn: Connection) -> None:
        row = conn.execute(select(_AC.c.disabled).where(_AC.c.email == address)).first()
        if row is None:
            raise UserError("accounts.no_such_account", email=address)
        if row[0]:
            return
        conn.execute(
            _AC.update().where(_AC.c.email == address).values(disabled=True, disabled_at=utc_now())
        )
        record(conn, principal, "disable_account", None, address)

    store.write(work)


def has_accounts(store: Store) -> bool:
    """True once any account exists (then the app leaves its first-run demo)."""
    return store.read(lambda conn: conn.execute(select(_AC.c.email).limit(1)).first()) is not None


DemoMode = Literal["switched_on", "no_accounts", "refused"]
_demo_refusal_logged: set[str] = set()


def demo_mode(store: Store, settings: AccountSettings | None = None) -> DemoMode | None:
    """Whether this deployment runs as a demo, where anyone acts unsigned in any role.

    Only while no account exists (issue 21): ``switched_on`` when the demo setting asks for
    it, ``no_accounts`` on a first run. On a database that holds accounts the demo setting
    is refused (``refused``, logged once per database): everyone signs in, for a demo that
    let anyone act as any initiative and upload for it, under a banner calling real data
    made-up. None: accounts exist and nobody asked for a demo.
    """
    s = settings or AccountSettings.load()
    if not has_accounts(store):
        return "switched_on" if s.demo else "no_accounts"
    if not s.demo:
        return None
    if store.url not in _demo_refusal_logged:
        _demo_refusal_logged.add(store.url)
        log.warning(
            "%s / [accounts] demo is set, but this database holds accounts: the demo stays "
            "off and everyone signs in (use a separate database for a demo)",
            DEMO_ENV,
        )
    return "refused"
