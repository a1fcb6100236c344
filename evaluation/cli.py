"""The ``evaluation`` command. Thin: each subcommand lives in ``evaluation/commands/<name>.py``,
parses its arguments, calls one library function and renders the result.

A command module provides ``register(subparsers)`` which adds its parser and sets
``func(args) -> int`` (the exit code). Library errors that a user can fix are
``evaluation.errors.UserError`` and are printed as a message, never as a traceback.

Only the module of the command asked for is imported (``COMMANDS`` says which module
registers which command). A command module imports nothing heavy to register its parser: the
store (SQLAlchemy), the analysis (networkx), the workbook writer (openpyxl) and the like are
imported by the function that runs the command, so ``evaluation --help`` lists every command
without them and ``evaluation validate`` never loads them (``tests/test_cli_imports.py``).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from evaluation.errors import UserError
from evaluation.i18n import t

# each command -> the module in evaluation/commands/ that registers it, in the order
# `evaluation --help` lists them (tests/test_house.py checks this against the modules)
COMMANDS = {
    "template": "template",
    "validate": "validate",
    "init": "store",
    "import": "store",
    "submissions": "store",
    "raw": "store",
    "audit": "store",
    "sample": "sample",
    "report": "report",
    "export": "report",
    "brief": "brief",
    "user": "user",
    "arrangement": "arrangement",
    "portfolio": "portfolio",
    "remind": "remind",
    "token": "api",
    "api": "api",
    "ready": "ready",
}
# one module per command group, in the order `evaluation --help` lists them
COMMAND_MODULES = list(dict.fromkeys(COMMANDS.values()))


def _asked(argv: list[str]) -> str | None:
    """The command named on the command line (the first word that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv`` naming a known command, only that command's module is
    imported and registered."""
    parser = argparse.ArgumentParser(prog="evaluation", description=t("cli.description", "en"))
    sub = parser.add_subparsers(dest="command", required=True)
    asked = _asked(argv) if argv is not None else None
    modules = [COMMANDS[asked]] if asked in COMMANDS else COMMAND_MODULES
    for name in modules:
        importlib.import_module(f"evaluation.commands.{name}").register(sub)
    return parser


# what a dependency imports only because it is installed, and no command uses: pandera loads
# hypothesis (a test dependency) for data synthesis, a tenth of a second of every validate
NEVER_USED = ("hypothesis",)


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the process is this command (not a caller's, which may want them)
        for name in NEVER_USED:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # "import" fails
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(exc.render(getattr(args, "lang", "en") or "en"), file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
