"""Signing in: a local password (with lock-out and slow-down) or single sign-on, and the
session checks after it (see ``evaluation.accounts`` for the rules)."""

from __future__ import annotations

import datetime as dt
import math
import time
from functools import cache

from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, func, select

from evaluation.access import Principal
from evaluation.accounts.common import (
    ACCOUNTS,
    ATTEMPTS,
    HASHER,
    AccountInfo,
    AccountSettings,
    Reason,
    SignInRefused,
    record,
    utc_now,
)
from evaluation.portfolios import scope_in
from evaluation.store import Store

_AC = ACCOUNTS
_AT = ATTEMPTS
_HASHER = HASHER


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
    return store.read(
        lambda conn: _locked_until(conn, address, now or utc_now(), settings, _source(source))
    )


def slow_down(
    store: Store,
    email: str,
    now: dt.datetime | None = None,
    settings: AccountSettings | None = None,
) -> dt.timedelta:
    """How long an attempt for this address waits, from any source (zero mostly)."""
    address = (email or "").strip().lower()
    return store.read(lambda conn: _slow_down(conn, address, now or utc_now(), settings))


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
    record(conn, address, "sign_in_refused", initiative, f"{via}: {reason}")


def _admit(
    conn: Connection,
    address: str,
    via: str,
    now: dt.datetime,
    account: AccountInfo,
    source: str = "",
) -> None:
    """Record a successful sign-in: the attempt (it ends a run of failures) and the audit line."""
    conn.execute(_AT.insert().values(email=address, at=now, reason="ok", source=source))
    record(conn, account.principal(), "sign_in", account.initiative_id, via)


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
    now = now or utc_now()
    address = (email or "").strip().lower()[:254]
    settings = settings or AccountSettings.load()
    origin = _source(source)
    account = store.read(lambda conn: _account(conn, address))
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
            _refuse(conn, address, reason, "local", now, account, origin)
            return reason, until
        assert account is not None
        _admit(conn, address, "local", now, account, origin)
        return None, None

    reason, until = store.write(work)
    if reason is not None:
        minutes = 0 if until is None else max(1, math.ceil((until - now).total_seconds() / 60))
        raise SignInRefused(reason, address, "local", minutes=minutes)
    assert account is not None
    return _scoped(store, account)


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
    return store.read(
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
    now = now or utc_now()
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
            _refuse(conn, address, reason, "sso", now, account)
            return reason, account
        assert account is not None
        _admit(conn, address, "sso", now, account)
        return None, account

    reason, account = store.write(work)
    if reason is not None:
        raise SignInRefused(reason, address or "?", "sso")
    assert account is not None
    return _scoped(store, account)


def active_principal(store: Store, email: str) -> Principal | None:
    """The account's principal as it is now, or None once it is disabled (or gone). A
    signed-in session checks this on every run, so disabling an account, or changing its
    role or its portfolios, takes effect at once and not only at its next sign-in."""
    address = (email or "").strip().lower()

    def work(conn: Connection) -> Principal | None:
        account = _account(conn, address)
        if account is None or account.disabled:
            return None
        return scope_in(conn, account.principal())

    return store.read(work)


def _scoped(store: Store, account: AccountInfo) -> Principal:
    """The account's principal with the scope of its portfolios (``evaluation.portfolios``)."""
    return store.read(lambda conn: scope_in(conn, account.principal()))


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
    return (now or utc_now()) - last_seen > limit
