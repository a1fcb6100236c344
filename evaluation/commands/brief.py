"""``evaluation brief``: the printable brief as PDF.

evaluation brief -o collectief.pdf
evaluation brief --initiative gastvrij-dak --lang en -o brief.pdf
evaluation brief --from 2025-Q1 --to 2025-Q4 --audience public -o openbaar.pdf

Like ``evaluation report``: the store's data disclosed to the audience
(``evaluation.disclosure``), refused for an audience the principal may not have.
"""

from __future__ import annotations

import argparse

from evaluation.i18n import t


def register(sub: argparse._SubParsersAction) -> None:
    from evaluation.commands.report import _common

    p = sub.add_parser(
        "brief", help=t("brief.cli.help", "en"), description=t("brief.cli.help", "en")
    )
    p.add_argument("-o", "--out", metavar="FILE", required=True, help=t("brief.cli.out", "en"))
    p.add_argument(
        "--initiative", metavar="CODE", default=None, help=t("brief.cli.initiative", "en")
    )
    for flag, dest in (("--from", "period_from"), ("--to", "period_to")):
        help_text = t(f"report.cli.{flag[2:]}", "en")  # the same periods as the report's
        p.add_argument(flag, metavar="PERIOD", dest=dest, default=None, help=help_text)
    _common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from evaluation import narrative
    from evaluation.brief import INITIATIVE_PAGES, PORTFOLIO_PAGES, brief_bytes
    from evaluation.commands.report import principal_of
    from evaluation.errors import UserError
    from evaluation.store import Store

    with Store.open(args.database) as store:
        data = brief_bytes(
            store,
            principal=principal_of(args, store),
            audience=args.audience,
            lang=args.lang,
            initiative_id=args.initiative,
            period_from=args.period_from,
            period_to=args.period_to,
            narratives=narrative.for_report(store, args.period_from, args.period_to),
        )
    path = Path(args.out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise UserError("report.errors.cannot_write", path=str(path), reason=exc.strerror) from None
    pages = INITIATIVE_PAGES if args.initiative else PORTFOLIO_PAGES
    print(t("brief.cli.done", args.lang, path=str(path), pages=pages))
    return 0
