"""What accounts and sign-in share: their settings, refusals, the account record and the
audit lines they write (see ``evaluation.accounts`` for the rules)."""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from sqlalchemy import Connection

from evaluation.access import Principal
from evaluation.errors import AccessDenied, UserError
from evaluation.store import Store, audit
from evaluation.store.schema import Account, SignInAttempt, table_of
from evaluation.store.settings import CONFIG_FILE

Reason = Literal["unknown_account", "wrong_password", "disabled", "locked", "unverified_email"]
MIN_PASSWORD_LENGTH = 10
DEMO_ENV = "EVALUATION_DEMO"
IDLE_ENV = "EVALUATION_IDLE_MINUTES"
LIST_COLUMNS = ["email", "role", "initiative_id", "name", "local_password", "disabled"]

ACCOUNTS = table_of(Account)
ATTEMPTS = table_of(SignInAttempt)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HASHER = PasswordHasher()
_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class AccountSettings:
    """How sign-in behaves in this deployment (the sources: ``evaluation.accounts``)."""

    demo: bool = False
    idle_timeout: dt.timedelta = dt.timedelta(minutes=30)
    lockout_failures: int = 5
    lockout_window: dt.timedelta = dt.timedelta(minutes=15)
    lockout_duration: dt.timedelta = dt.timedelta(minutes=15)
    # the slow-down for one address across all sources: from this many failures in the
    # window, each attempt waits one second more per failure, at most ``slowdown_max``
    slowdown_after: int = 10
    slowdown_max: dt.timedelta = dt.timedelta(seconds=5)
    # False: with single sign-on configured, the app offers only the provider's button
    local_sign_in: bool = True

    @classmethod
    def load(cls) -> AccountSettings:
        conf: dict[str, object] = {}
        path = Path.cwd() / CONFIG_FILE
        if path.is_file():
            with path.open("rb") as fh:
                conf = dict(tomllib.load(fh).get("accounts", {}))
        demo = os.environ.get(DEMO_ENV)
        idle = os.environ.get(IDLE_ENV) or conf.get("idle_minutes", 30)
        lock = float(conf.get("lockout_minutes", 15))  # type: ignore[arg-type]
        return cls(
            demo=demo.strip().lower() in _TRUE if demo else bool(conf.get("demo", False)),
            idle_timeout=dt.timedelta(minutes=float(idle)),  # type: ignore[arg-type]
            lockout_failures=int(conf.get("lockout_failures", 5)),  # type: ignore[call-overload]
            lockout_window=dt.timedelta(minutes=lock),
            lockout_duration=dt.timedelta(minutes=lock),
            slowdown_after=int(conf.get("slowdown_after", 10)),  # type: ignore[call-overload]
            slowdown_max=dt.timedelta(
                seconds=float(conf.get("slowdown_max_seconds", 5))  # type: ignore[arg-type]
            ),
            local_sign_in=bool(conf.get("local_sign_in", True)),
        )


class SignInRefused(AccessDenied):
    """A refused sign-in. ``reason`` is stable (``Reason``); the message is bilingual.

    ``unknown_account`` and ``wrong_password`` share one message on the local form (see the
    module docstring); single sign-on names the address, since the provider vouched for it.
    """

    def __init__(self, reason: Reason, email: str, via: str = "local", **params: object) -> None:
        key = "accounts.refused.no_match" if via == "local" else f"accounts.refused.{reason}"
        if reason in ("disabled", "locked"):
            key = f"accounts.refused.{reason}"
        super().__init__(key, email=email, **params)
        self.reason = reason
        self.email = email


@dataclass(frozen=True)
class AccountInfo:
    email: str
    role: str
    initiative_id: str | None
    name: str
    local_password: bool
    disabled: bool

    def principal(self) -> Principal:
        return Principal(self.role, self.initiative_id, name=self.email)  # type: ignore[arg-type]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def normalise_email(email: str) -> str:
    """The key of an account: trimmed, lower-case; refuse what is not an address."""
    value = (email or "").strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise UserError("accounts.invalid_email", email=(email or "").strip()[:254])
    return value


def record(
    conn: Connection,
    actor: Principal | str,
    action: str,
    initiative_id: str | None = None,
    detail: str | None = None,
) -> None:
    """An audit line in the store's log; ``actor`` is a principal or an address not (yet)
    signed in (recorded under the role ``public``)."""
    who = actor if isinstance(actor, Principal) else Principal("public", name=actor[:200])
    audit.record(conn, who, action, None, initiative_id, detail)


def audit_denied(store: Store, principal: Principal, exc: UserError, where: str) -> None:
    """Record a refusal a page showed (e.g. an initiative opening another's page)."""
    initiative = exc.params.get("initiative")
    detail = f"{where}: {exc.key}"
    store.write(
        lambda conn: record(conn, principal, "denied", initiative and str(initiative), detail)
    )


def record_sign_out(store: Store, principal: Principal, why: str = "sign_out") -> None:
    """A sign-out (``sign_out``) or an end of session after idling (``idle_timeout``)."""
    store.write(lambda conn: record(conn, principal, "sign_out", None, why))
