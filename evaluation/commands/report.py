"""``evaluation report`` and ``evaluation export``: the Excel report and the tidy data.

evaluation report --out rapport.xlsx
evaluation report --out report.xlsx --lang en --audience public --from 2024-Q3 --to 2025-Q2
evaluation report --out een.xlsx --initiative gastvrij-dak --initiative groeiplek
evaluation export --out gegevens.zip --audience funder
evaluation export --out gegevens-excel.zip --dialect excel-nl
evaluation report --out r.xlsx --as-role initiative --as-initiative groeiplek --audience public

Both disclose the data to the audience (``evaluation.disclosure``) and refuse an audience the
principal may not have (``--as-role``; at this machine the default is the administrator).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from evaluation.access import ROLES, Principal
from evaluation.i18n import t

# the audiences a report or an export is disclosed to: ``evaluation.report.AUDIENCES``, named
# here so that the parser is built without the report writer (tests/test_cli_imports.py
# checks that the two agree)
AUDIENCES = ("funder", "public")


def _h(key: str) -> str:
    return t(f"report.cli.{key}", "en")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=["nl", "en"], default="nl", help=_h("lang"))
    p.add_argument("--audience", choices=sorted(AUDIENCES), default="funder", help=_h("audience"))
    p.add_argument("--as-role", choices=ROLES, default="admin", help=_h("as_role"))
    p.add_argument("--as-initiative", metavar="ID", default=None, help=_h("as_initiative"))
    p.add_argument(
        "--as-account", metavar="EMAIL", default=None, help=t("portfolios.cli.account_option", "en")
    )
    p.add_argument(
        "--portfolio",
        metavar="CODE",
        action="append",
        dest="portfolios",
        default=None,
        help=t("portfolios.cli.portfolio_option", "en"),
    )
    p.add_argument("--database", metavar="URL", default=None, help=_h("database"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help=_h("help"), description=_h("help"))
    p.add_argument("--out", metavar="FILE", required=True, help=_h("out"))
    p.add_argument(
        "--initiative",
        metavar="ID",
        action="append",
        dest="initiatives",
        default=None,
        help=_h("initiative"),
    )
    p.add_argument("--from", metavar="PERIOD", dest="period_from", default=None, help=_h("from"))
    p.add_argument("--to", metavar="PERIOD", dest="period_to", default=None, help=_h("to"))
    _common(p)
    p.set_defaults(func=run)
    e = sub.add_parser("export", help=_h("export_help"), description=_h("export_help"))
    e.add_argument("--out", metavar="FILE", required=True, help=_h("export_out"))
    e.add_argument(
        "--dialect",
        choices=("csv", "excel-nl"),
        default="csv",
        help=t("export.cli_dialect", "en"),
    )
    _common(e)
    e.set_defaults(func=run_export)


def principal_of(args: argparse.Namespace, store: Any) -> Principal:
    """Who the output is made for: an account as it is now (``--as-account``: its role and
    portfolios), or a role (``--as-role``), then only the chosen ``--portfolio``s."""
    from evaluation import portfolios
    from evaluation.errors import UserError

    if args.as_account:
        from evaluation.accounts import active_principal

        who = active_principal(store, args.as_account)
        if who is None:
            raise UserError("portfolios.unknown_account", email=args.as_account)
    elif args.as_role == "initiative":
        if not args.as_initiative:
            raise UserError("report.errors.unknown_initiative", initiative="--as-initiative")
        who = Principal("initiative", args.as_initiative)
    else:
        who = Principal(args.as_role)
    if args.portfolios:
        who = portfolios.limited_to(store, who, args.portfolios)
    return who


def run(args: argparse.Namespace) -> int:
    from openpyxl import load_workbook

    from evaluation import narrative
    from evaluation.report import write_report_file
    from evaluation.store import Store

    def progress(done: int, total: int) -> None:  # on stderr: the report path stays on stdout
        percent = round(100 * done / max(total, 1))
        line = t("report.cli.progress", args.lang, done=done, total=total, percent=percent)
        end = "\n" if done >= total else ""
        print(f"\r{line}", end=end, file=sys.stderr, flush=True)

    with Store.open(args.database) as store:
        path = write_report_file(
            store,
            args.out,
            principal=principal_of(args, store),
            lang=args.lang,
            audience=args.audience,
            initiative_ids=args.initiatives,
            period_from=args.period_from,
            period_to=args.period_to,
            narratives=narrative.for_report(store, args.period_from, args.period_to),
            progress=progress,
        )
    sheets = load_workbook(path, read_only=True).sheetnames
    n_fixed = 8  # the reading guide, the network's story and six shared sheets
    print(
        t(
            "report.cli.done",
            args.lang,
            path=str(path),
            sheets=len(sheets),
            initiatives=len(sheets) - n_fixed,
        )
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from evaluation.export import export_for, tidy_zip, withheld_cells
    from evaluation.store import Store

    with Store.open(args.database) as store:
        disclosed = export_for(store, principal_of(args, store), args.audience)
    data = tidy_zip(disclosed, args.lang, args.dialect)
    path = Path(args.out)
    path.write_bytes(data)
    withheld, cells = withheld_cells(disclosed)
    print(t("report.cli.export_done", args.lang, path=str(path), withheld=withheld, cells=cells))
    return 0
