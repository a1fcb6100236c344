"""Accounts and sign-in (issue 8) on a real SQLite file: hashes not passwords, the stable
refusal reasons, the lock-out after repeated failures (also seen by a second store on the
same file, as a second app replica would), single sign-on mapping, the idle-timeout helper,
the settings, and the ``evaluation user`` commands through ``evaluation.cli.main``."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from pathlib import Path

import pytest

from evaluation import accounts
from evaluation.access import Principal
from evaluation.accounts import AccountSettings, SignInRefused
from evaluation.cli import main
from evaluation.errors import AccessDenied, UserError
from evaluation.store import Store

ADMIN = Principal("admin", name="test-admin")
PASSWORD = "correct horse battery"
T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
SETTINGS = AccountSettings()  # 5 failures in 15 minutes lock for 15 minutes


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "accounts.sqlite"


@pytest.fixture
def store(db: Path):
    s = Store.open(f"sqlite:///{db}")
    s.add_initiative(ADMIN, "taalcafe-oost", "Taalcafé Oost")
    yield s
    s.close()


def _audit(store: Store) -> list[tuple[str, str, str]]:
    frame = store.audit(ADMIN)
    return list(zip(frame["actor"], frame["action"], frame["detail"].fillna(""), strict=True))


def test_the_password_is_stored_only_as_an_argon2_hash(store: Store, db: Path):
    accounts.add_user(store, ADMIN, "Coord@Example.org", "initiative", "taalcafe-oost", PASSWORD)
    hashed = accounts.password_hash(store, "coord@example.org")
    assert hashed is not None and hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    store.close()
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT * FROM accounts").fetchall()
    assert len(rows) == 1 and not any(PASSWORD in str(v) for v in rows[0])
    assert PASSWORD.encode() not in db.read_bytes()


def test_a_right_password_gives_the_accounts_principal_and_an_audit_line(store: Store):
    accounts.add_user(store, ADMIN, "coord@example.org", "initiative", "taalcafe-oost", PASSWORD)
    who = accounts.authenticate(store, " Coord@Example.org ", PASSWORD, T0, SETTINGS)
    assert who == Principal("initiative", "taalcafe-oost", name="coord@example.org")
    assert ("coord@example.org", "sign_in", "local") in _audit(store)


@pytest.mark.parametrize(
    ("email", "password", "disable", "reason"),
    [
        ("coord@example.org", "not the password", False, "wrong_password"),
        ("nobody@example.org", PASSWORD, False, "unknown_account"),
        ("coord@example.org", PASSWORD, True, "disabled"),
    ],
)
def test_refusals_have_a_stable_reason_a_bilingual_message_and_an_audit_line(
    store: Store, email: str, password: str, disable: bool, reason: str
):
    accounts.add_user(store, ADMIN, "coord@example.org", "funder", password=PASSWORD)
    if disable:
        accounts.disable_user(store, ADMIN, "coord@example.org")
    with pytest.raises(SignInRefused) as err:
        accounts.authenticate(store, email, password, T0, SETTINGS)
    assert err.value.reason == reason
    assert isinstance(err.value, AccessDenied)
    nl, en = err.value.render("nl"), err.value.render("en")
    assert nl != en and "Traceback" not in en
    if reason == "disabled":
        assert "disabled" in en and "coord@example.org" in en
    else:  # the form does not tell which addresses have an account
        assert en == SignInRefused("wrong_password", email).render("en")
    assert (email, "sign_in_refused", f"local: {reason}") in _audit(store)


def test_a_disabled_account_with_a_wrong_password_reveals_nothing(store: Store):
    accounts.add_user(store, ADMIN, "coord@example.org", "funder", password=PASSWORD)
    accounts.disable_user(store, ADMIN, "coord@example.org")
    with pytest.raises(SignInRefused) as err:
        accounts.authenticate(store, "coord@example.org", "guess guess guess", T0, SETTINGS)
    assert err.value.reason == "wrong_password"


def test_repeated_failures_lock_the_account_for_a_while_across_replicas(store: Store, db: Path):
    accounts.add_user(store, ADMIN, "coord@example.org", "evaluator", password=PASSWORD)
    for minute in range(5):
        with pytest.raises(SignInRefused) as err:
            accounts.authenticate(
                store, "coord@example.org", "wrong", T0 + dt.timedelta(minutes=minute), SETTINGS
            )
        assert err.value.reason == "wrong_password"
    fifth = T0 + dt.timedelta(minutes=4)
    # a second store on the same file (another app replica) sees the lock, right password or not
    with Store.open(f"sqlite:///{db}") as replica:
        for offset in (1, 14):
            with pytest.raises(SignInRefused) as err:
                accounts.authenticate(
                    replica,
                    "coord@example.org",
                    PASSWORD,
                    fifth + dt.timedelta(minutes=offset),
                    SETTINGS,
                )
            assert err.value.reason == "locked"
        assert "Try again in 1 min." in err.value.render("en")
    assert accounts.locked_until(store, "coord@example.org", fifth, SETTINGS) == (
        fifth + dt.timedelta(minutes=15)
    )
    after = fifth + dt.timedelta(minutes=15, seconds=1)
    assert accounts.locked_until(store, "coord@example.org", after, SETTINGS) is None
    who = accounts.authenticate(store, "coord@example.org", PASSWORD, after, SETTINGS)
    assert who.role == "evaluator"
    lines = [a for a in _audit(store) if a[0] == "coord@example.org"]
    assert [a[2] for a in lines].count("local: locked") == 2
    assert lines[-1][1:] == ("sign_in", "local")


def test_a_success_resets_the_count_and_spread_out_failures_do_not_lock(store: Store):
    accounts.add_user(store, ADMIN, "coord@example.org", "funder", password=PASSWORD)

    def fail(at: dt.datetime) -> None:
        with pytest.raises(SignInRefused) as err:
            accounts.authenticate(store, "coord@example.org", "wrong", at, SETTINGS)
        assert err.value.reason == "wrong_password"

    for minute in range(4):
        fail(T0 + dt.timedelta(minutes=minute))
    accounts.authenticate(store, "coord@example.org", PASSWORD, T0 + dt.timedelta(minutes=5))
    for minute in range(6, 10):
        fail(T0 + dt.timedelta(minutes=minute))
    assert accounts.locked_until(store, "coord@example.org", T0 + dt.timedelta(minutes=10)) is None
    # five failures, but never five within fifteen minutes of each other: no lock
    for minute in (40, 60, 80, 100, 120):
        fail(T0 + dt.timedelta(minutes=minute))
    at = T0 + dt.timedelta(minutes=121)
    assert accounts.locked_until(store, "coord@example.org", at, SETTINGS) is None


def test_unknown_addresses_are_locked_alike(store: Store):
    for minute in range(5):
        with pytest.raises(SignInRefused):
            accounts.authenticate(
                store, "who@example.org", "x", T0 + dt.timedelta(minutes=minute), SETTINGS
            )
    with pytest.raises(SignInRefused) as err:
        accounts.authenticate(store, "who@example.org", "x", T0 + dt.timedelta(minutes=5), SETTINGS)
    assert err.value.reason == "locked"


def test_single_sign_on_maps_the_address_to_its_account_or_refuses(store: Store):
    accounts.add_user(store, ADMIN, "funder@fund.example", "funder")
    accounts.add_user(store, ADMIN, "gone@fund.example", "funder")
    accounts.disable_user(store, ADMIN, "gone@fund.example")
    assert accounts.principal_for_email(store, "Funder@Fund.example") == Principal(
        "funder", name="funder@fund.example"
    )
    with pytest.raises(SignInRefused) as err:
        accounts.principal_for_email(store, "stranger@elsewhere.example")
    assert err.value.reason == "unknown_account"
    assert "stranger@elsewhere.example" in err.value.render("nl")
    with pytest.raises(SignInRefused) as err:
        accounts.principal_for_email(store, "gone@fund.example")
    assert err.value.reason == "disabled"
    audit = _audit(store)
    assert ("funder@fund.example", "sign_in", "sso") in audit
    assert ("stranger@elsewhere.example", "sign_in_refused", "sso: unknown_account") in audit
    assert ("gone@fund.example", "sign_in_refused", "sso: disabled") in audit
    # a provider that says it has not verified the address is not taken at its word
    with pytest.raises(SignInRefused) as err:
        accounts.principal_for_email(store, "funder@fund.example", verified=False)
    assert err.value.reason == "unverified_email"
    assert "funder@fund.example" in err.value.render("en")
    assert ("funder@fund.example", "sign_in_refused", "sso: unverified_email") in _audit(store)
    assert accounts.principal_for_email(store, "funder@fund.example", verified=True).role == (
        "funder"
    )
    # an account made for single sign-on has no password to sign in with locally
    with pytest.raises(SignInRefused) as err:
        accounts.authenticate(store, "funder@fund.example", "", T0, SETTINGS)
    assert err.value.reason == "wrong_password"


def test_only_admins_manage_accounts(store: Store):
    funder = Principal("funder", name="f@example.org")
    mine = Principal("initiative", "taalcafe-oost", name="c@example.org")
    with pytest.raises(AccessDenied):
        accounts.add_user(store, funder, "x@example.org", "admin", password=PASSWORD)
    with pytest.raises(AccessDenied):
        accounts.list_users(store, mine)
    with pytest.raises(AccessDenied):
        accounts.disable_user(store, mine, "x@example.org")
    assert accounts.list_users(store, ADMIN).empty
    assert not accounts.has_accounts(store)


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"email": "not-an-address", "role": "funder"}, "accounts.invalid_email"),
        ({"email": "a@example.org", "role": "boss"}, "accounts.invalid_role"),
        ({"email": "a@example.org", "role": "initiative"}, "accounts.initiative_needed"),
        (
            {"email": "a@example.org", "role": "initiative", "initiative_id": "nieuw-x"},
            "accounts.unknown_initiative",
        ),
        (
            {"email": "a@example.org", "role": "funder", "initiative_id": "taalcafe-oost"},
            "accounts.initiative_only_for_initiatives",
        ),
        (
            {"email": "a@example.org", "role": "funder", "password": "short"},
            "accounts.password_too_short",
        ),
    ],
)
def test_bad_account_input_is_refused_with_a_clear_message(store: Store, kwargs, key):
    with pytest.raises(UserError) as err:
        accounts.add_user(store, ADMIN, **kwargs)
    assert err.value.key == key
    assert accounts.list_users(store, ADMIN).empty


def test_an_address_has_one_account(store: Store):
    accounts.add_user(store, ADMIN, "a@example.org", "funder")
    with pytest.raises(UserError) as err:
        accounts.add_user(store, ADMIN, "A@example.org", "evaluator")
    assert err.value.key == "accounts.exists"


def test_idle_timeout_helper():
    limit = dt.timedelta(minutes=30)
    assert not accounts.is_idle(None, T0, limit)
    assert not accounts.is_idle(T0, T0 + dt.timedelta(minutes=30), limit)
    assert accounts.is_idle(T0, T0 + dt.timedelta(minutes=30, seconds=1), limit)


def test_settings_from_the_environment_and_evaluation_toml(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EVALUATION_DEMO", raising=False)
    monkeypatch.delenv("EVALUATION_IDLE_MINUTES", raising=False)
    assert AccountSettings.load() == AccountSettings()
    (tmp_path / "evaluation.toml").write_text(
        "[accounts]\ndemo = true\nidle_minutes = 10\nlockout_failures = 3\n"
    )
    s = AccountSettings.load()
    assert s.demo and s.idle_timeout == dt.timedelta(minutes=10) and s.lockout_failures == 3
    monkeypatch.setenv("EVALUATION_DEMO", "0")
    monkeypatch.setenv("EVALUATION_IDLE_MINUTES", "45")
    s = AccountSettings.load()
    assert not s.demo and s.idle_timeout == dt.timedelta(minutes=45)


# --- the command line -------------------------------------------------------------------------


def _cli(args: list[str], db: Path, stdin: str = "", monkeypatch=None) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main([*args, "--database", f"sqlite:///{db}", "--lang", "en"])


def test_cli_add_list_disable(db: Path, monkeypatch, capsys):
    assert _cli(["user", "list"], db, monkeypatch=monkeypatch) == 0
    assert "evaluation user add EMAIL --role admin" in capsys.readouterr().out
    rc = _cli(
        ["user", "add", "Boss@Example.org", "--role", "admin", "--password-stdin"],
        db,
        PASSWORD + "\n",
        monkeypatch,
    )
    assert rc == 0 and "boss@example.org" in capsys.readouterr().out
    rc = _cli(
        [
            "user",
            "add",
            "coord@example.org",
            "--role",
            "initiative",
            "--initiative",
            "buurt-huis",
            "--initiative-name",
            "Buurthuis",
            "--sso",
        ],
        db,
        monkeypatch=monkeypatch,
    )
    assert rc == 0
    capsys.readouterr()
    assert _cli(["user", "list"], db, monkeypatch=monkeypatch) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        "boss@example.org\tadmin\t-\tlocal\tactive",
        "coord@example.org\tinitiative\tbuurt-huis\tsso\tactive",
    ]
    assert _cli(["user", "disable", "coord@example.org"], db, monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    _cli(["user", "list"], db, monkeypatch=monkeypatch)
    assert "coord@example.org\tinitiative\tbuurt-huis\tsso\tdisabled" in capsys.readouterr().out
    with Store.open(f"sqlite:///{db}") as store:
        who = accounts.authenticate(store, "boss@example.org", PASSWORD, T0, SETTINGS)
        assert who.can_manage()
        actions = [a[1] for a in _audit(store)]
    assert actions.count("add_account") == 2 and "disable_account" in actions


def test_cli_refusals_are_messages_not_tracebacks(db: Path, monkeypatch, capsys):
    rc = _cli(
        ["user", "add", "a@example.org", "--role", "funder", "--password-stdin"],
        db,
        "short\n",
        monkeypatch,
    )
    err = capsys.readouterr().err
    assert rc == 1 and "at least 10 characters" in err and "Traceback" not in err
    assert _cli(["user", "disable", "nobody@example.org"], db, monkeypatch=monkeypatch) == 1
    assert "no account for nobody@example.org" in capsys.readouterr().err
    # there is no way to give a password on the command line
    with pytest.raises(SystemExit) as exit_:
        _cli(
            ["user", "add", "a@example.org", "--role", "funder", "--password", "x"],
            db,
            monkeypatch=monkeypatch,
        )
    assert exit_.value.code == 2


def test_an_open_session_sees_a_disable_at_once(store: Store):
    accounts.add_user(store, ADMIN, "coord@example.org", "funder", password=PASSWORD)
    who = accounts.authenticate(store, "coord@example.org", PASSWORD, T0, SETTINGS)
    assert accounts.active_principal(store, who.name) == who
    accounts.disable_user(store, ADMIN, "coord@example.org")
    assert accounts.active_principal(store, who.name) is None
    assert accounts.active_principal(store, "never@example.org") is None


@pytest.mark.system
def test_lock_out_holds_across_replicas_on_postgresql(postgres_url: str):
    """Two stores on one PostgreSQL database, as two app replicas would be."""
    from helpers.store import postgres_database

    for url in postgres_database(postgres_url):
        with Store.open(url) as one, Store.open(url) as two:
            accounts.add_user(one, ADMIN, "coord@example.org", "funder", password=PASSWORD)
            for minute, replica in zip(range(5), (one, two, one, two, one), strict=True):
                with pytest.raises(SignInRefused):
                    accounts.authenticate(
                        replica,
                        "coord@example.org",
                        "x",
                        T0 + dt.timedelta(minutes=minute),
                        SETTINGS,
                    )
            with pytest.raises(SignInRefused) as err:
                accounts.authenticate(
                    two, "coord@example.org", PASSWORD, T0 + dt.timedelta(minutes=5), SETTINGS
                )
            assert err.value.reason == "locked"
            assert accounts.list_users(two, ADMIN)["email"].tolist() == ["coord@example.org"]


def _converse(argv: list[str], answers: list[str], env: dict[str, str]) -> tuple[str, int]:
    """Run the command on a real pseudo-terminal and answer each password prompt."""
    import os
    import pty
    import select
    import signal
    import sys

    from evaluation.i18n import t

    prompts = tuple(
        t(f"accounts.cli.{k}", "en").encode() for k in ("password_prompt", "password_again")
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the terminal as its controlling tty
        os.execve(sys.executable, [sys.executable, "-m", "evaluation.cli", *argv], env)
    out, pending = b"", list(answers)
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:  # stuck: end the child rather than the test run
            os.kill(pid, signal.SIGKILL)
            break
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
        if pending and out.endswith(prompts):  # the prompt itself, nothing after it yet
            os.write(fd, pending.pop(0).encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return out.decode(errors="replace"), os.waitstatus_to_exitcode(status)


def test_cli_asks_for_the_password_twice_on_a_terminal(db: Path):
    import os

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    argv = ["user", "add", "t@example.org", "--role", "funder", "--database", f"sqlite:///{db}"]
    out, code = _converse([*argv, "--lang", "en"], [PASSWORD, "something else"], env)
    assert code == 1 and "The two passwords differ" in out and "Traceback" not in out
    assert PASSWORD not in out  # not echoed to the terminal
    out, code = _converse([*argv, "--lang", "en"], [PASSWORD, PASSWORD], env)
    assert code == 0 and "Added account t@example.org" in out
    with Store.open(f"sqlite:///{db}") as store:
        assert (
            accounts.authenticate(store, "t@example.org", PASSWORD, T0, SETTINGS).role == "funder"
        )
