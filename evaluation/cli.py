"""The ``evaluation`` command. Thin: each subcommand lives in ``evaluation/commands/<name>.py``,
parses its arguments, calls one library function and renders the result.

A command module provides ``register(subparsers)`` which adds its parser and sets
``func(args) -> int`` (the exit code). Library errors that a user can fix are
``evaluation.errors.UserError`` and are printed as a message, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from evaluation.errors import UserError
from evaluation.i18n import t

# one module per command group, in the order `evaluation --help` lists them
COMMAND_MODULES = [
    "template",
    "validate",
    "store",
    "sample",
    "report",
    "user",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evaluation", description=t("cli.description", "en"))
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"evaluation.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(exc.render(getattr(args, "lang", "en") or "en"), file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
