"""Reminders by e-mail (issue 17, point 3), sent through a real SMTP server on localhost
(aiosmtpd) that receives them; the test parses what arrived: to whom, in which language,
the link, and the prefilled template attached."""

from __future__ import annotations

import email
import io
from email import policy

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook

from evaluation import accounts
from evaluation.access import Principal
from evaluation.cli import main
from evaluation.store import Store

GASTVRIJ = "gastvrij-dak"  # the sample's eight quarters run to 2025-Q4
ADMIN = Principal("admin", name="test-admin")
PASSWORD = "a long enough password"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox(monkeypatch):
    from conftest import free_port

    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("EVALUATION_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("EVALUATION_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("EVALUATION_SMTP_FROM", "netwerk@example.org")
    monkeypatch.setenv("EVALUATION_BASE_URL", "https://evaluatie.example.org/")
    yield box
    controller.stop()


@pytest.fixture
def with_accounts(eight_quarters):
    with Store.open(eight_quarters) as s:
        accounts.add_user(s, ADMIN, "dak@example.org", "initiative", GASTVRIJ, PASSWORD)
        accounts.add_user(s, ADMIN, "oud@example.org", "initiative", GASTVRIJ, PASSWORD)
        accounts.disable_user(s, ADMIN, "oud@example.org")
        accounts.add_user(s, ADMIN, "fonds@example.org", "funder", None, PASSWORD)
    return eight_quarters


def test_nothing_is_due_while_every_expected_report_is_in(with_accounts, inbox, capsys):
    db = ["--database", with_accounts]
    assert main(["remind", "--today", "2026-02-10", *db]) == 0
    assert "niemand te herinneren" in capsys.readouterr().out
    assert inbox.messages == []


def test_a_missing_quarter_gets_one_friendly_reminder_with_the_next_template(
    with_accounts, inbox, capsys
):
    db = ["--database", with_accounts, "--today", "2026-04-15"]
    assert main(["remind", "--dry-run", *db]) == 0
    out = capsys.readouterr().out
    assert "dak@example.org" in out and "oud@example.org" not in out and "Nederlands" in out
    assert inbox.messages == []  # a dry run sends nothing

    assert main(["remind", *db]) == 0
    assert "Verstuurd: dak@example.org" in capsys.readouterr().out
    (msg,) = inbox.messages
    assert msg["To"] == "dak@example.org" and msg["From"] == "netwerk@example.org"
    assert msg["Subject"] == "Het verslag van Gastvrij Dak over 1e kwartaal 2026"
    body = msg.get_body(("plain",)).get_content()
    assert "https://evaluatie.example.org/submit" in body and "Geen haast" in body
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == f"verslag-{GASTVRIJ}.xlsx"
    wb = load_workbook(io.BytesIO(attachment.get_content()))
    profile = wb["Profiel"]
    assert profile["A3"].value == GASTVRIJ
    assert profile["I3"].value.date().isoformat() == "2026-01-01"  # the missing quarter

    # the same day again: nothing sent twice; the audit trail holds the one reminder
    assert main(["remind", *db]) == 0
    assert "Vandaag al verstuurd: dak@example.org" in capsys.readouterr().out
    assert len(inbox.messages) == 1
    with Store.open(with_accounts) as s:
        trail = s.audit(ADMIN)
    lines = trail[trail["action"] == "reminder"]
    assert list(lines["detail"]) == ["2026-Q1 dak@example.org"]


def test_without_a_mail_server_the_command_says_how_to_set_one(with_accounts, capsys, monkeypatch):
    monkeypatch.delenv("EVALUATION_SMTP_HOST", raising=False)
    monkeypatch.chdir(with_accounts.rsplit("/", 1)[0].removeprefix("sqlite:///"))
    assert main(["remind", "--database", with_accounts, "--lang", "en"]) == 1
    assert "EVALUATION_SMTP_HOST" in capsys.readouterr().err
