"""``evaluation sample``: write the fictional sample workbooks again.

evaluation sample --out sample_data
evaluation sample --out /tmp/voorbeeld --initiative groeiplek

Thin: the reports and the workbooks come from ``evaluation.sample``; this only parses the
arguments and says how many workbooks were written.
"""

from __future__ import annotations

import argparse

from evaluation.catalogue import LANGS
from evaluation.i18n import t


def run(args: argparse.Namespace) -> int:
    from evaluation.sample import write_sample_data

    paths = write_sample_data(args.out, args.initiative)
    print(t("sample.written", args.lang, n=len(paths), folder=args.out))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sample", help=t("sample.help", "en"), description=t("sample.help", "en")
    )
    parser.add_argument(
        "--out", metavar="DIR", default="sample_data", help=t("sample.out_help", "en")
    )
    parser.add_argument(
        "--initiative",
        metavar="ID",
        action="append",
        default=None,
        help=t("sample.initiative_help", "en"),
    )
    parser.add_argument("--lang", choices=LANGS, default="nl", help=t("sample.lang_help", "en"))
    parser.set_defaults(func=run)
