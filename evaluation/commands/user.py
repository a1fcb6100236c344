"""Account commands: ``evaluation user add | list | disable``.

The operator's command line acts as an administrator (like ``evaluation audit``); it is how
the first admin account is made. A password is read from a prompt (twice) or, with
``--password-stdin``, from the first line of standard input, never from the command line
(where it would end up in the shell history and the process list). ``--sso`` makes an
account that signs in only through the single sign-on provider, without a password.
Exit codes: 0 done, 1 refused input, 3 access denied.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from evaluation.access import ACCOUNT_ROLES, Principal
from evaluation.errors import UserError
from evaluation.i18n import t

OPERATOR = "operator"


def _h(key: str) -> str:
    return t(f"accounts.cli.help.{key}", "en")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL", default=None, help=_h("database"))
    parser.add_argument("--lang", choices=["nl", "en"], default="nl", help=_h("lang"))


def register(sub: argparse._SubParsersAction) -> None:
    user = sub.add_parser("user", help=_h("user"), description=_h("user"))
    actions = user.add_subparsers(dest="user_command", required=True)

    p = actions.add_parser("add", help=_h("add"), description=_h("add"))
    p.add_argument("email", metavar="EMAIL", help=_h("email"))
    p.add_argument("--role", choices=list(ACCOUNT_ROLES), required=True, help=_h("role"))
    p.add_argument("--initiative", metavar="ID", default=None, help=_h("initiative"))
    p.add_argument("--initiative-name", metavar="NAME", default=None, help=_h("initiative_name"))
    p.add_argument("--name", metavar="NAME", default="", help=_h("name"))
    how = p.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help=_h("password_stdin"))
    how.add_argument("--sso", action="store_true", help=_h("sso"))
    _common(p)
    p.set_defaults(func=run_add)

    p = actions.add_parser("list", help=_h("list"), description=_h("list"))
    _common(p)
    p.set_defaults(func=run_list)

    p = actions.add_parser("disable", help=_h("disable"), description=_h("disable"))
    p.add_argument("email", metavar="EMAIL", help=_h("email"))
    _common(p)
    p.set_defaults(func=run_disable)


def _operator() -> Principal:
    return Principal("admin", name=OPERATOR)


def _read_password(args: argparse.Namespace) -> str | None:
    if args.sso:
        return None
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass(t("accounts.cli.password_prompt", args.lang))
    second = getpass.getpass(t("accounts.cli.password_again", args.lang))
    if first != second:
        raise UserError("accounts.cli.passwords_differ")
    return first


def run_add(args: argparse.Namespace) -> int:
    from evaluation import accounts
    from evaluation.store import Store

    password = _read_password(args)
    with Store.open(args.database) as store:
        info = accounts.add_user(
            store,
            _operator(),
            args.email,
            args.role,
            initiative_id=args.initiative,
            password=password,
            name=args.name,
            initiative_name=args.initiative_name,
        )
    how = "local" if info.local_password else "sso"
    print(t(f"accounts.cli.added_{how}", args.lang, email=info.email, role=info.role))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from evaluation import accounts
    from evaluation.store import Store

    with Store.open(args.database) as store:
        frame = accounts.list_users(store, _operator())
    if frame.empty:
        print(t("accounts.cli.none", args.lang))
        return 0
    for row in frame.itertuples(index=False):
        state = t(f"accounts.cli.{'disabled' if row.disabled else 'active'}", args.lang)
        how = "local" if row.local_password else "sso"
        initiative = row.initiative_id if isinstance(row.initiative_id, str) else "-"
        print(f"{row.email}\t{row.role}\t{initiative}\t{how}\t{state}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    from evaluation import accounts
    from evaluation.store import Store

    with Store.open(args.database) as store:
        accounts.disable_user(store, _operator(), args.email)
    print(t("accounts.cli.disabled_done", args.lang, email=args.email.strip().lower()))
    return 0
