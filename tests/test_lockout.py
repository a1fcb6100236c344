"""Lock-out is no denial of service (issue 21, point 5), on a real SQLite file.

The attack: anyone who knew an address (the administrator's included) could lock it for 15
minutes at a time by typing five wrong passwords. Now attempts are throttled by source and
account together, as OWASP's authentication guidance describes: the guessing source is
locked for that address, the owner signing in from elsewhere is not; and across all sources
an address under attack is slowed down, never locked, so the owner always gets in.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from evaluation import accounts
from evaluation.access import Principal
from evaluation.accounts import AccountSettings, SignInRefused
from evaluation.store import Store

ADMIN = Principal("admin", name="test-admin")
PASSWORD = "correct horse battery"
OWNER = "boss@example.org"
ATTACKER, HOME, OFFICE = "203.0.113.9", "198.51.100.7", "2001:db8::7"
T0 = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
# five failures in 15 minutes lock a source for 15 minutes; the slow-down kept short here
SETTINGS = AccountSettings(slowdown_after=10, slowdown_max=dt.timedelta(seconds=0.4))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "accounts.sqlite"


@pytest.fixture
def store(db: Path):
    s = Store.open(f"sqlite:///{db}")
    accounts.add_user(s, ADMIN, OWNER, "admin", password=PASSWORD)
    accounts.add_user(s, ADMIN, "fund@example.org", "funder", password=PASSWORD)
    yield s
    s.close()


def _fail(store: Store, at: dt.datetime, source: str | None, email: str = OWNER) -> str:
    with pytest.raises(SignInRefused) as err:
        accounts.authenticate(store, email, "guess guess guess", at, SETTINGS, source=source)
    return err.value.reason


def test_wrong_passwords_from_one_source_do_not_lock_the_owner_out(store: Store, db: Path):
    for minute in range(5):
        _fail(store, T0 + dt.timedelta(minutes=minute), ATTACKER)
    later = T0 + dt.timedelta(minutes=5)
    # the guessing source is locked for this address, the right password included ...
    with pytest.raises(SignInRefused) as err:
        accounts.authenticate(store, OWNER, PASSWORD, later, SETTINGS, source=ATTACKER)
    assert err.value.reason == "locked"
    assert "min" in err.value.render("en") and "min" in err.value.render("nl")
    assert accounts.locked_until(store, OWNER, later, SETTINGS, source=ATTACKER) == (
        T0 + dt.timedelta(minutes=4) + SETTINGS.lockout_duration
    )
    # ... and the owner, from home (or, as a second app replica sees it, from the office),
    # signs in at once
    assert accounts.locked_until(store, OWNER, later, SETTINGS, source=HOME) is None
    who = accounts.authenticate(store, OWNER, PASSWORD, later, SETTINGS, source=HOME)
    assert who == Principal("admin", None, name=OWNER)
    with Store.open(f"sqlite:///{db}") as replica:
        who = accounts.authenticate(replica, OWNER, PASSWORD, later, SETTINGS, source=OFFICE)
        assert who.role == "admin"
        # the replica sees the attacker's lock too: it lives in the shared database
        assert accounts.locked_until(replica, OWNER, later, SETTINGS, source=ATTACKER)


def test_the_lock_is_for_the_source_and_the_account_together(store: Store):
    for minute in range(5):
        _fail(store, T0 + dt.timedelta(minutes=minute), ATTACKER)
    later = T0 + dt.timedelta(minutes=5)
    # the same source may still sign in to another account ...
    who = accounts.authenticate(
        store, "fund@example.org", PASSWORD, later, SETTINGS, source=ATTACKER
    )
    assert who.role == "funder"
    # ... the owner's own success does not lift the attacker's lock ...
    accounts.authenticate(store, OWNER, PASSWORD, later, SETTINGS, source=HOME)
    assert _fail(store, later + dt.timedelta(minutes=1), ATTACKER) == "locked"
    # ... and the lock ends after its duration, as before
    after = T0 + dt.timedelta(minutes=4) + SETTINGS.lockout_duration + dt.timedelta(seconds=1)
    assert accounts.locked_until(store, OWNER, after, SETTINGS, source=ATTACKER) is None


def test_many_sources_are_slowed_down_together_and_the_owner_still_gets_in(store: Store):
    """A guesser spreading attempts over many sources locks none of them (four each), but
    every attempt for the address waits longer, up to ``slowdown_max``; never a lock."""
    at = T0
    for i in range(12):  # 12 sources, one failure each, in one window
        at = T0 + dt.timedelta(seconds=30 * i)
        assert _fail(store, at, f"203.0.113.{i + 10}") == "wrong_password"
    assert accounts.slow_down(store, OWNER, at, SETTINGS) == SETTINGS.slowdown_max
    fewer = AccountSettings(slowdown_after=11, slowdown_max=dt.timedelta(seconds=30))
    assert accounts.slow_down(store, OWNER, at, fewer) == dt.timedelta(seconds=2)
    # another address is not slowed by them
    assert accounts.slow_down(store, "fund@example.org", at, SETTINGS) == dt.timedelta(0)
    # the owner waits the slow-down, and is in
    started = time.monotonic()
    who = accounts.authenticate(store, OWNER, PASSWORD, at, SETTINGS, source=HOME)
    assert time.monotonic() - started >= SETTINGS.slowdown_max.total_seconds()
    assert who.role == "admin"
    # a success ends the slow-down
    assert accounts.slow_down(store, OWNER, at + dt.timedelta(seconds=1), SETTINGS) == (
        dt.timedelta(0)
    )


def test_the_slow_down_and_source_are_recorded_in_the_database(store: Store, db: Path):
    _fail(store, T0, ATTACKER)
    accounts.authenticate(store, OWNER, PASSWORD, T0, SETTINGS, source=HOME)
    store.close()
    import sqlite3

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT email, reason, source FROM sign_in_attempts ORDER BY id")
        assert rows.fetchall() == [
            (OWNER, "wrong_password", ATTACKER),
            (OWNER, "ok", HOME),
        ]


def test_settings_read_the_slow_down_from_evaluation_toml(tmp_path, monkeypatch):
    (tmp_path / "evaluation.toml").write_text(
        "[accounts]\nslowdown_after = 20\nslowdown_max_seconds = 3\n"
    )
    monkeypatch.chdir(tmp_path)
    s = AccountSettings.load()
    assert s.slowdown_after == 20 and s.slowdown_max == dt.timedelta(seconds=3)
