"""``evaluation remind [--dry-run]``: a friendly reminder to each initiative account whose
latest expected report has not come in (``evaluation.reminders``).

evaluation remind --dry-run      # who would get one, in which language
evaluation remind                # send them (SMTP from the environment or evaluation.toml)

Never twice for one period and address in a day; each sent reminder is in the audit trail.
Exit codes: 0 done, 1 no mail server set, 2 the mail server cannot be reached.
"""

from __future__ import annotations

import argparse
import datetime as dt

from evaluation.formatting import format_period
from evaluation.i18n import t


def _h(key: str) -> str:
    return t(f"reminders.cli.help.{key}", "en")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("remind", help=_h("remind"), description=_h("remind"))
    p.add_argument("--dry-run", action="store_true", help=_h("dry_run"))
    p.add_argument("--today", type=dt.date.fromisoformat, default=None, help=_h("today"))
    # --today moves the date the reports are due by; "once a day" keeps to the clock
    p.add_argument("--database", metavar="URL", default=None, help=_h("database"))
    p.add_argument("--lang", choices=["nl", "en"], default="nl", help=_h("lang"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from evaluation import reminders
    from evaluation.store import Store

    today = args.today or dt.date.today()
    lang = args.lang
    settings = None if args.dry_run else reminders.MailSettings.load()
    with Store.open(args.database) as store:
        due = reminders.due(store, today)
        if not due:
            print(t("reminders.cli.none", lang))
            return 0
        if settings is None:
            for r in due:
                language = t(f"reminders.cli.language_{r.lang}", lang)
                period = format_period(r.expected.period, lang)
                print(t("reminders.cli.would_send", lang, email=r.email, name=r.name,
                        period=period, language=language))  # fmt: skip
            return 0
        sent, skipped = reminders.send(store, due, settings)
    for r in sent:
        period = format_period(r.expected.period, lang)
        print(t("reminders.cli.sent", lang, email=r.email, name=r.name, period=period))
    for r in skipped:
        period = format_period(r.expected.period, lang)
        print(t("reminders.cli.skipped", lang, email=r.email, period=period))
    return 0
