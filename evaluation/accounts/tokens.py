"""API tokens (issue 18): an administrator issues one for an account and revokes it; the
read-only HTTP API (``evaluation.api``) turns a token into its account's principal.

- A token is ``ev_`` and 256 random bits (``secrets.token_urlsafe(32)``), shown once when it
  is issued. The store keeps only its SHA-256 hash: for a secret that long a fast hash is
  enough (a slow password hash such as argon2 guards guessable secrets; nobody can guess
  2**256), and it lets a request find its token by an indexed lookup. The first characters
  (``prefix``) are kept to tell tokens apart in a list.
- A token acts as its account, as it is now: once the account is disabled, or the token
  revoked, the token stops working; a change of the account's role changes what it reads.
- Every account may hold tokens, initiative accounts too: an initiative's token reads only
  its own initiative (``evaluation.api.service``), as its account would on the dashboard.
- Every issue, every revoke and every refused use is a line in the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from sqlalchemy import Connection, select

from evaluation import access
from evaluation.access import Principal
from evaluation.accounts.common import ACCOUNTS, normalise_email, record, utc_now
from evaluation.errors import AccessDenied, UserError
from evaluation.portfolios import scope_in
from evaluation.store import Store
from evaluation.store.schema import ApiToken, table_of

TOKENS = table_of(ApiToken)
TOKEN_START = "ev_"
PREFIX_LENGTH = 10
TOKEN_COLUMNS = [
    "id",
    "prefix",
    "email",
    "label",
    "issued_at",
    "issued_by",
    "revoked_at",
    "revoked_by",
]
TokenReason = Literal["missing", "unknown", "revoked", "disabled"]


class TokenRefused(AccessDenied):
    """A request whose token does not admit it; ``reason`` is stable (``TokenReason``)."""

    def __init__(self, reason: TokenReason) -> None:
        super().__init__(f"api.refused.{reason}")
        self.reason = reason


@dataclass(frozen=True)
class IssuedToken:
    id: int
    token: str  # shown once; never stored
    prefix: str
    email: str


def token_hash(token: str) -> str:
    """What the store keeps of a token (see the module docstring for why SHA-256)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(store: Store, principal: Principal, email: str, label: str = "") -> IssuedToken:
    """A new token for an active account (admins only); the token itself is returned once."""
    access.require_manage(principal)
    address = normalise_email(email)
    token = TOKEN_START + secrets.token_urlsafe(32)
    prefix = token[:PREFIX_LENGTH]

    def work(conn: Connection) -> int:
        row = conn.execute(
            select(ACCOUNTS.c.disabled, ACCOUNTS.c.initiative_id).where(ACCOUNTS.c.email == address)
        ).first()
        if row is None:
            raise UserError("accounts.no_such_account", email=address)
        if row.disabled:
            raise UserError("api.tokens.account_disabled", email=address)
        result = conn.execute(
            TOKENS.insert().values(
                token_hash=token_hash(token),
                prefix=prefix,
                email=address,
                label=(label or "").strip()[:200],
                issued_at=utc_now(),
                issued_by=principal.label[:200],
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        token_id = int(key[0])
        record(conn, principal, "issue_token", row.initiative_id, f"{token_id} {prefix} {address}")
        return token_id

    return IssuedToken(store.write(work), token, prefix, address)


def list_tokens(store: Store, principal: Principal) -> pd.DataFrame:
    """Every token ever issued, oldest first (admins only). Never a hash."""
    access.require_manage(principal)
    q = select(*[TOKENS.c[c] for c in TOKEN_COLUMNS]).order_by(TOKENS.c.id)
    rows = store.read(lambda conn: conn.execute(q).all())
    return pd.DataFrame([tuple(r) for r in rows], columns=TOKEN_COLUMNS)


def revoke_token(store: Store, principal: Principal, token_id: int) -> None:
    """Revoke a token (admins only): it stops working at once; its row stays."""
    access.require_manage(principal)

    def work(conn: Connection) -> None:
        row = conn.execute(
            select(TOKENS.c.revoked_at, TOKENS.c.prefix, TOKENS.c.email).where(
                TOKENS.c.id == token_id
            )
        ).first()
        if row is None:
            raise UserError("api.tokens.no_such_token", id=token_id)
        if row.revoked_at is not None:
            return
        conn.execute(
            TOKENS.update()
            .where(TOKENS.c.id == token_id)
            .values(revoked_at=utc_now(), revoked_by=principal.label[:200])
        )
        record(conn, principal, "revoke_token", None, f"{token_id} {row.prefix} {row.email}")

    store.write(work)


def principal_for_token(store: Store, token: str | None, where: str = "api") -> Principal:
    """The principal of the account a token belongs to, as the account is now; a
    ``TokenRefused`` (audited) when the token is missing, unknown, revoked or its account
    disabled."""
    given = (token or "").strip()

    def work(conn: Connection) -> tuple[TokenReason | None, Principal | None]:
        reason: TokenReason | None = None
        found = None
        if not given:
            reason = "missing"
        else:
            found = conn.execute(
                select(
                    TOKENS.c.id,
                    TOKENS.c.revoked_at,
                    ACCOUNTS.c.email,
                    ACCOUNTS.c.role,
                    ACCOUNTS.c.initiative_id,
                    ACCOUNTS.c.disabled,
                )
                .select_from(TOKENS.outerjoin(ACCOUNTS, ACCOUNTS.c.email == TOKENS.c.email))
                .where(TOKENS.c.token_hash == token_hash(given))
            ).first()
            if found is None:
                reason = "unknown"
            elif found.revoked_at is not None:
                reason = "revoked"
            elif found.role is None or found.disabled:
                reason = "disabled"
        if reason is not None:
            # never the token itself: only its first characters, to trace a leaked one
            shown = given[:PREFIX_LENGTH] if given else "-"
            detail = f"{where}: {reason} {shown}" + (f" token {found.id}" if found else "")
            actor = found.email if found is not None and found.email else "api"
            record(conn, actor, "api_refused", None, detail)
            return reason, None
        assert found is not None
        # scoped as the account is now: its portfolios' initiatives (evaluation.portfolios)
        return None, scope_in(conn, Principal(found.role, found.initiative_id, name=found.email))

    reason, principal = store.write(work)
    if reason is not None:
        raise TokenRefused(reason)
    assert principal is not None
    return principal
