"""Friendly reminders of a report not yet received (issue 17, point 3).

``due`` finds, for each initiative whose latest expected report (``evaluation.cycle``) has
not come in, each of its active initiative accounts; ``send`` mails each one a short,
friendly message in the language the initiative reports in (that of its latest accepted
workbook), with the link to the Submit page and its prefilled next template attached.

- Never twice for one period and address in a day: each sent reminder is a line in the
  audit trail (``reminder``, "<period> <address>"), and a reminder with such a line today
  is skipped.
- ``--dry-run`` lists what would be sent and sends and records nothing.
- SMTP settings: ``EVALUATION_SMTP_HOST``, ``_PORT``, ``_USER``, ``_PASSWORD``, ``_FROM``,
  ``_STARTTLS`` (``1``), else ``[mail] host, port, user, password, sender, starttls`` in
  ``evaluation.toml``; the link's base is ``EVALUATION_BASE_URL`` or ``[app] base_url``.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from evaluation import arrangements, cycle
from evaluation.access import Principal
from evaluation.errors import UserError
from evaluation.formatting import format_period
from evaluation.i18n import t
from evaluation.store import audit
from evaluation.store.schema import Account, AuditEntry, Submission, table_of
from evaluation.store.settings import config_value

if TYPE_CHECKING:
    from evaluation.store import Store

SYSTEM = Principal("admin", name="reminders")
ACTION = "reminder"
_AC = table_of(Account)
_A = table_of(AuditEntry)
_S = table_of(Submission)


class MailUnreachable(UserError):
    """The mail server did not answer: nothing was sent."""

    exit_code = 2


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "evaluatie@localhost"
    starttls: bool = False
    base_url: str = "http://localhost:8501"

    @classmethod
    def load(cls) -> MailSettings:
        def get(key: str, conf_key: str, table: str = "mail") -> str | None:
            value = os.environ.get(f"EVALUATION_{key}")
            return value if value is not None else config_value(table, conf_key)

        host = get("SMTP_HOST", "host")
        if not host:
            raise UserError("reminders.no_smtp")
        return cls(
            host=host,
            port=int(get("SMTP_PORT", "port") or 25),
            user=get("SMTP_USER", "user"),
            password=get("SMTP_PASSWORD", "password"),
            sender=get("SMTP_FROM", "sender") or cls.sender,
            starttls=(get("SMTP_STARTTLS", "starttls") or "").lower() in ("1", "true", "yes"),
            base_url=(get("BASE_URL", "base_url", "app") or cls.base_url).rstrip("/"),
        )


@dataclass(frozen=True)
class Reminder:
    email: str
    initiative_id: str
    name: str
    expected: cycle.Expected
    lang: str

    @property
    def key(self) -> str:  # the audit line's detail: one per period and address
        return f"{self.expected.period} {self.email}"


def _language(store: Store, initiative_id: str) -> str:
    """The language of the initiative's latest accepted workbook (its sheet names); Dutch
    where it cannot be told."""
    from evaluation.ingest.reading import match_sheets

    q = (
        select(_S.c.id)
        .where(_S.c.initiative_id == initiative_id, _S.c.status == "accepted")
        .order_by(_S.c.id.desc())
        .limit(1)
    )
    latest = store.read(lambda conn: conn.execute(q).scalar())
    if latest is None:
        return "nl"
    try:
        import fastexcel

        _, data = store.raw(SYSTEM, int(latest))
        names = fastexcel.read_excel(data).sheet_names
    except Exception:  # noqa: BLE001 - an unreadable old file: the default language
        return "nl"
    return match_sheets(list(names))[1] or "nl"


def due(store: Store, today: dt.date) -> list[Reminder]:
    """One reminder per active account of each initiative whose latest expected report has
    not come in by ``today``, by initiative name and address."""
    registry = store.initiatives(SYSTEM)
    names = dict(zip(registry["initiative_id"], registry["name"], strict=True))
    gaps = {e.initiative_id: e for e in cycle.missing(cycle.cycle(store, SYSTEM, names, today))}
    q = select(_AC.c.email, _AC.c.initiative_id).where(
        _AC.c.role == "initiative", _AC.c.disabled.is_(False), _AC.c.initiative_id.in_(gaps)
    )
    rows = sorted(store.read(lambda conn: conn.execute(q).all()), key=lambda r: (
        str(names[r[1]]).casefold(), r[0]))  # fmt: skip
    langs = {i: _language(store, i) for i in {r[1] for r in rows}}
    return [Reminder(email, ini, names[ini], gaps[ini], langs[ini]) for email, ini in rows]


def sent_today(store: Store) -> set[str]:
    """The reminders (their keys) already sent today (the clock's day, UTC)."""
    start = dt.datetime.combine(audit.now().date(), dt.time(), tzinfo=dt.UTC)
    q = select(_A.c.detail).where(
        _A.c.action == ACTION, _A.c.at >= start, _A.c.at < start + dt.timedelta(days=1)
    )
    return {r[0] for r in store.read(lambda conn: conn.execute(q).all())}


def message(store: Store, reminder: Reminder, settings: MailSettings) -> EmailMessage:
    """The e-mail: a friendly word, the period, the link and the next template attached."""
    from evaluation.continuation import continued_template
    from evaluation.template import workbook_bytes

    lang, e = reminder.lang, reminder.expected
    period = format_period(e.period, lang)
    link = f"{settings.base_url}/submit"
    msg = EmailMessage()
    msg["Subject"] = t("reminders.subject", lang, name=reminder.name, period=period)
    msg["From"] = settings.sender
    msg["To"] = reminder.email
    msg["Content-Language"] = lang
    msg.set_content(t("reminders.body", lang, name=reminder.name, period=period, link=link))
    ds = store.current_dataset(SYSTEM, [reminder.initiative_id])
    agreed = arrangements.arrangement(store, reminder.initiative_id)
    wb = continued_template(ds, reminder.initiative_id, lang, agreed=agreed)
    msg.add_attachment(
        workbook_bytes(wb),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=t("reminders.attachment", lang, initiative=reminder.initiative_id),
    )
    return msg


def send(
    store: Store, reminders: list[Reminder], settings: MailSettings
) -> tuple[list[Reminder], list[Reminder]]:
    """Send each reminder not yet sent today; (sent, skipped). Each sent one is audited."""
    already = sent_today(store)
    todo = [r for r in reminders if r.key not in already]
    skipped = [r for r in reminders if r.key in already]
    if not todo:
        return [], skipped
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
    except OSError as exc:
        raise MailUnreachable("reminders.smtp_down", host=settings.host, why=str(exc)) from None
    sent: list[Reminder] = []
    with smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        for r in todo:
            smtp.send_message(message(store, r, settings))
            _record(store, r)
            sent.append(r)
    return sent, skipped


def _record(store: Store, r: Reminder) -> None:
    """The audit line of one sent reminder (what ``sent_today`` reads)."""

    def work(conn: Connection) -> None:
        audit.record(conn, SYSTEM, ACTION, initiative_id=r.initiative_id, detail=r.key)

    store.write(work)
