"""``evaluation report``: write the evaluator's Excel report from the store.

evaluation report --out rapport.xlsx
evaluation report --out report.xlsx --lang en --audience public --from 2024-Q3 --to 2025-Q2
evaluation report --out een.xlsx --initiative gastvrij-dak --initiative groeiplek
"""

from __future__ import annotations

import argparse

from evaluation.i18n import t
from evaluation.report import AUDIENCES, write_report_file
from evaluation.store import Store


def _h(key: str) -> str:
    return t(f"report.cli.{key}", "en")


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
    p.add_argument("--lang", choices=["nl", "en"], default="nl", help=_h("lang"))
    p.add_argument("--audience", choices=sorted(AUDIENCES), default="funder", help=_h("audience"))
    p.add_argument("--database", metavar="URL", default=None, help=_h("database"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from openpyxl import load_workbook

    with Store.open(args.database) as store:
        path = write_report_file(
            store,
            args.out,
            lang=args.lang,
            audience=args.audience,
            initiative_ids=args.initiatives,
            period_from=args.period_from,
            period_to=args.period_to,
        )
    sheets = load_workbook(path, read_only=True).sheetnames
    n_fixed = 7
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
