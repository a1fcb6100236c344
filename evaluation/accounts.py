"""Accounts and sign-in for a real deployment (issue 8). No Streamlit here.

Who may sign in is an *account*: an e-mail address with a role and, for an initiative, its
initiative. It becomes the ``Principal`` every library call checks (``evaluation.access``).

- Single sign-on: the provider vouches for the e-mail address; ``principal_for_email`` maps
  it to its account, or refuses (``unknown_account``, ``disabled``).
- Local accounts: ``authenticate`` checks an argon2 hash (the password itself is never
  stored) and refuses with a stable reason: ``unknown_account``, ``wrong_password``,
  ``disabled`` or ``locked``. Attempts are throttled by source and account together
  (OWASP's authentication guidance; issue 21): after ``lockout_failures`` wrong passwords
  within ``lockout_window`` from one source (the client's address, passed in by the caller)
  for one address, that source is locked for that address for ``lockout_duration``, while
  the owner signing in from elsewhere is not. Across all sources, once an address has had
  ``slowdown_after`` failures in the window, every attempt for it waits a little longer
  (up to ``slowdown_max``): a spread-out guesser is slowed, and the owner still gets in.
  The attempts are rows in the store, so both hold across app replicas sharing one
  database. Unknown addresses are counted and locked alike, and get the same message as a
  wrong password, so the form does not reveal which addresses have an account (the audit
  log keeps the exact reason).
- Every sign-in, every refusal and every change to an account is a line in the audit log.

Settings (``AccountSettings.load``): ``EVALUATION_DEMO`` / ``EVALUATION_IDLE_MINUTES``, else
``[accounts]`` in ``evaluation.toml`` (``demo``, ``idle_minutes``, ``lockout_failures``,
``lockout_minutes``, ``slowdown_after``, ``slowdown_max_seconds``, ``local_sign_in``), else
the defaults below.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import re
import time
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, func, select

from evaluation import access
from evaluation.access import Principal
from evaluation.errors import AccessDenied, UserError
from evaluation.schemas import ID_PATTERN
from evaluation.store import Store
from evaluation.store.accounts import Account, SignInAttempt
from evaluation.store.settings import CONFIG_FILE

AccountRole = Literal["initiative", "funder", "evaluator", "admin"]
ACCOUNT_ROLES: tuple[AccountRole, ...] = ("initiative", "funder", "evaluator", "admin")
Reason = Literal["unknown_account", "wrong_password", "disabled", "locked", "unverified_email"]
REASONS: tuple[Reason, ...] = (
    "unknown_account",
    "wrong_password",
    "disabled",
    "locked",
    "unverified_email",
)
MIN_PASSWORD_LENGTH = 10
DEMO_ENV = "EVALUATION_DEMO"
IDLE_ENV = "EVALUATION_IDLE_MINUTES"
LIST_COLUMNS = ["email", "role", "initiative_id", "name", "local_password", "disabled"]

log = logging.getLogger(__name__)

_AC = Account.__table__
_AT = SignInAttempt.__table__
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HASHER = PasswordHasher()
_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class AccountSettings:
    """How sign-in behaves in this deployment (see the module docstring for the sources)."""

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
    """A refused sign-in. ``reason`` is stable (``REASONS``); the message is bilingual.

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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def normalise_email(email: str) -> str:
    """The key of an account: trimmed, lower-case; refuse what is not an address."""
    value = (email or "").strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise UserError("accounts.invalid_email", email=(email or "").strip()[:254])
    return value


def _audit(
    store: Store,
    conn: Connection,
    actor: Principal | str,
    action: str,
    initiative_id: str | None = None,
    detail: str | None = None,
) -> None:
    """An audit line in the store's log; ``actor`` is a principal or an address not (yet)
    signed in (recorded under the role ``public``)."""
    who = actor if isinstance(actor, Principal) else Principal("public", name=actor[:200])
    store._audit(conn, who, action, None, initiative_id, detail)


def audit_denied(store: Store, principal: Principal, exc: UserError, where: str) -> None:
    """Record a refusal a page showed (e.g. an initiative opening another's page)."""
    initiative = exc.params.get("initiative")
    detail = f"{where}: {exc.key}"
    store._write(
        lambda conn: _audit(
            store, conn, principal, "denied", initiative and str(initiative), detail
        )
    )


def record_sign_out(store: Store, principal: Principal, why: str = "sign_out") -> None:
    """A sign-out (``sign_out``) or an end of session after idling (``idle_timeout``)."""
    store._write(lambda conn: _audit(store, conn, principal, "sign_out", None, why))


# --- managing accounts (admins) -------------------------------------------------------------


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
                created_at=_now(),
                created_by=principal.label[:200],
            )
        )
        detail = f"{address} {role}" + (" local" if hashed else " sso")
        _audit(store, conn, principal, "add_account", initiative_id, detail)

    store._write(work)
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
    rows = store._read(lambda conn: conn.execute(q).all())
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
            _AC.update().where(_AC.c.email == address).values(disabled=True, disabled_at=_now())
        )
        _audit(store, conn, principal, "disable_account", None, address)

    store._write(work)


def has_accounts(store: Store) -> bool:
    """True once any account exists (then the app leaves its first-run demo)."""
    return store._read(lambda conn: conn.execute(select(_AC.c.email).limit(1)).first()) is not None


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


# --- signing in -----------------------------------------------------------------------------


def _account(conn: Connection, address: str) -> AccountInfo | None:
    row = conn.execute(select(_AC).where(_AC.c.email == address)).first()
    if row is None:
        return None
    return AccountInfo(
        row.email,
        row.role,
        row.initiative_id,
        row.name or "",
        row.password_hash is not None,
        bool(row.disabled),
    )


def locked_until(
    store: Store,
    email: str,
    now: dt.datetime | None = None,
    settings: AccountSettings | None = None,
    source: str | None = None,
) -> dt.datetime | None:
    """When the lock on this address, for attempts from ``source``, ends; None when it is
    not locked."""
    address = (email or "").strip().lower()
    return store._read(
        lambda conn: _locked_until(conn, address, now or _now(), settings, _source(source))
    )


def slow_down(
    store: Store,
    email: str,
    now: dt.datetime | None = None,
    settings: AccountSettings | None = None,
) -> dt.timedelta:
    """How long an attempt for this address waits, from any source (zero mostly)."""
    address = (email or "").strip().lower()
    return store._read(lambda conn: _slow_down(conn, address, now or _now(), settings))


# the source of an attempt as stored: the client's address, "" when the caller cannot tell
SOURCE_LENGTH = 64
_ANY_SOURCE = object()


def _source(source: str | None) -> str:
    return (source or "").strip()[:SOURCE_LENGTH]


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _failures(
    conn: Connection, address: str, since: dt.datetime, source: object = _ANY_SOURCE
) -> list[dt.datetime]:
    """Wrong passwords for the address since ``since`` and since its last success (from that
    source, when one is given), oldest first. Refusals because of a lock do not count."""
    ok = select(func.max(_AT.c.at)).where(_AT.c.email == address, _AT.c.reason == "ok")
    q = select(_AT.c.at).where(
        _AT.c.email == address,
        _AT.c.reason.in_(("wrong_password", "unknown_account")),
        _AT.c.at >= since,
    )
    if source is not _ANY_SOURCE:
        # attempts from before sources were recorded count as from an unknown source
        same = func.coalesce(_AT.c.source, "") == source
        ok = ok.where(same)
        q = q.where(same)
    last_ok = conn.execute(ok).scalar_one()
    failures = sorted(_utc(r[0]) for r in conn.execute(q))
    if last_ok is not None:
        failures = [f for f in failures if f > _utc(last_ok)]
    return failures


def _slow_down(
    conn: Connection, address: str, now: dt.datetime, settings: AccountSettings | None
) -> dt.timedelta:
    """One second per failure from ``slowdown_after`` on (all sources, in the window)."""
    s = settings or AccountSettings.load()
    n = len(_failures(conn, address, now - s.lockout_window))
    if n < s.slowdown_after:
        return dt.timedelta(0)
    return min(s.slowdown_max, dt.timedelta(seconds=n - s.slowdown_after + 1))


def _locked_until(
    conn: Connection,
    address: str,
    now: dt.datetime,
    settings: AccountSettings | None,
    source: str = "",
) -> dt.datetime | None:
    """Locked for ``source`` when ``lockout_failures`` wrong passwords from it (since its
    last success) fall within ``lockout_window`` of the latest one, until
    ``lockout_duration`` after that one. Attempts refused because of the lock do not count,
    so a lock cannot be prolonged; failures from other sources do not count either, so
    nobody can lock the owner out from elsewhere."""
    s = settings or AccountSettings.load()
    since = now - s.lockout_window - s.lockout_duration
    failures = _failures(conn, address, since, source)
    if len(failures) < s.lockout_failures:
        return None
    latest = failures[-1]
    in_window = [f for f in failures if f >= latest - s.lockout_window]
    until = latest + s.lockout_duration
    return until if len(in_window) >= s.lockout_failures and now < until else None


def _refuse(
    store: Store,
    conn: Connection,
    address: str,
    reason: Reason,
    via: str,
    now: dt.datetime,
    account: AccountInfo | None,
    source: str = "",
) -> None:
    conn.execute(_AT.insert().values(email=address[:254], at=now, reason=reason, source=source))
    initiative = account.initiative_id if account else None
    _audit(store, conn, address, "sign_in_refused", initiative, f"{via}: {reason}")


def _admit(
    store: Store,
    conn: Connection,
    address: str,
    via: str,
    now: dt.datetime,
    account: AccountInfo,
    source: str = "",
) -> None:
    """Record a successful sign-in: the attempt (it ends a run of failures) and the audit line."""
    conn.execute(_AT.insert().values(email=address, at=now, reason="ok", source=source))
    _audit(store, conn, account.principal(), "sign_in", account.initiative_id, via)


def authenticate(
    store: Store,
    email: str,
    password: str,
    now: dt.datetime | None = None,
    settings: AccountSettings | None = None,
    source: str | None = None,
) -> Principal:
    """The principal of a local account whose password matches; else ``SignInRefused``.

    ``source`` is where the attempt comes from (the client's IP address, as the dashboard
    sees it; None when it cannot tell): the lock-out holds for that source and address
    together. Any attempt for an address under attack first waits its ``slow_down``.
    """
    now = now or _now()
    address = (email or "").strip().lower()[:254]
    settings = settings or AccountSettings.load()
    origin = _source(source)
    account = store._read(lambda conn: _account(conn, address))
    wait = slow_down(store, address, now, settings)
    if wait:
        time.sleep(wait.total_seconds())
    # the slow hash runs outside any transaction (the write lock is held only to record)
    matches = _verify(password_hash(store, address) if account else None, password)

    def work(conn: Connection) -> tuple[Reason | None, dt.datetime | None]:
        until = _locked_until(conn, address, now, settings, origin)
        if until is not None:
            reason: Reason | None = "locked"
        elif account is None:
            reason = "unknown_account"
        elif not matches:
            reason = "wrong_password"
        elif account.disabled:
            reason = "disabled"
        else:
            reason = None
        if reason is not None:
            _refuse(store, conn, address, reason, "local", now, account, origin)
            return reason, until
        assert account is not None
        _admit(store, conn, address, "local", now, account, origin)
        return None, None

    reason, until = store._write(work)
    if reason is not None:
        minutes = 0 if until is None else max(1, math.ceil((until - now).total_seconds() / 60))
        raise SignInRefused(reason, address, "local", minutes=minutes)
    assert account is not None
    return account.principal()


@cache
def _dummy_hash() -> str:
    """Checked against for an unknown address, so a refusal takes as long either way."""
    return _HASHER.hash("not-a-password-of-anyone")


def _verify(hashed: str | None, password: str) -> bool:
    """Check a password against its argon2 hash; an account without one (or no account)
    is checked against a dummy hash, so every refusal costs the same time."""
    try:
        return _HASHER.verify(hashed or _dummy_hash(), password or "") and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_hash(store: Store, email: str) -> str | None:
    """The stored hash of an account (what a test checks instead of the password)."""
    address = (email or "").strip().lower()
    return store._read(
        lambda conn: conn.execute(
            select(_AC.c.password_hash).where(_AC.c.email == address)
        ).scalar_one_or_none()
    )


def principal_for_email(
    store: Store, email: str, now: dt.datetime | None = None, verified: bool | None = None
) -> Principal:
    """The principal of the account a single sign-on provider vouched for; a refusal
    (``unknown_account``, ``disabled``, or ``unverified_email`` when the provider says
    it has not verified the address) otherwise. Either is audited."""
    now = now or _now()
    address = (email or "").strip().lower()[:254]

    def work(conn: Connection) -> tuple[Reason | None, AccountInfo | None]:
        account = _account(conn, address)
        reason: Reason | None = None
        if verified is False:
            reason = "unverified_email"
        elif account is None:
            reason = "unknown_account"
        elif account.disabled:
            reason = "disabled"
        if reason is not None:
            _refuse(store, conn, address, reason, "sso", now, account)
            return reason, account
        assert account is not None
        _admit(store, conn, address, "sso", now, account)
        return None, account

    reason, account = store._write(work)
    if reason is not None:
        raise SignInRefused(reason, address or "?", "sso")
    assert account is not None
    return account.principal()


def active_principal(store: Store, email: str) -> Principal | None:
    """The account's principal as it is now, or None once it is disabled (or gone). A
    signed-in session checks this on every run, so disabling an account, or changing its
    role, takes effect at once and not only at its next sign-in."""
    address = (email or "").strip().lower()
    account = store._read(lambda conn: _account(conn, address))
    return None if account is None or account.disabled else account.principal()


def is_idle(
    last_seen: dt.datetime | None,
    now: dt.datetime | None = None,
    timeout: dt.timedelta | None = None,
) -> bool:
    """True when a session last active at ``last_seen`` has idled past ``timeout`` (the
    setting by default) and must sign in again. No ``last_seen`` means a fresh session."""
    if last_seen is None:
        return False
    limit = timeout if timeout is not None else AccountSettings.load().idle_timeout
    return (now or _now()) - last_seen > limit
