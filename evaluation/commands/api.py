"""API commands: ``evaluation token issue | list | revoke`` and ``evaluation api``.

The operator's command line acts as an administrator (like ``evaluation user``). ``token
issue`` prints the token once; the store keeps only its hash. ``evaluation api`` serves the
read-only HTTP API (``evaluation.api``) with uvicorn on the store the dashboard uses (the
same ``--database`` / ``EVALUATION_DATABASE_URL`` / ``evaluation.toml`` rules).
Exit codes: 0 done, 1 refused input, 3 access denied.
"""

from __future__ import annotations

import argparse

from evaluation.access import Principal
from evaluation.i18n import t

OPERATOR = "operator"


def _h(key: str) -> str:
    return t(f"api.cli.{key}", "en")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", metavar="URL", default=None, help=t("accounts.cli.help.database", "en")
    )
    parser.add_argument(
        "--lang", choices=["nl", "en"], default="nl", help=t("accounts.cli.help.lang", "en")
    )


def register(sub: argparse._SubParsersAction) -> None:
    token = sub.add_parser("token", help=_h("token"), description=_h("token"))
    actions = token.add_subparsers(dest="token_command", required=True)

    p = actions.add_parser("issue", help=_h("issue"), description=_h("issue"))
    p.add_argument("--email", metavar="EMAIL", required=True, help=_h("email"))
    p.add_argument("--label", metavar="TEXT", default="", help=_h("label"))
    _common(p)
    p.set_defaults(func=run_issue)

    p = actions.add_parser("list", help=_h("list"), description=_h("list"))
    _common(p)
    p.set_defaults(func=run_list)

    p = actions.add_parser("revoke", help=_h("revoke"), description=_h("revoke"))
    p.add_argument("id", type=int, metavar="ID", help=_h("id"))
    _common(p)
    p.set_defaults(func=run_revoke)

    p = sub.add_parser("api", help=_h("api"), description=_h("api"))
    p.add_argument("--host", default="127.0.0.1", help=_h("host"))
    p.add_argument("--port", type=int, default=8600, help=_h("port"))
    _common(p)
    p.set_defaults(func=run_api)


def _operator() -> Principal:
    return Principal("admin", name=OPERATOR)


def run_issue(args: argparse.Namespace) -> int:
    from evaluation.accounts import tokens
    from evaluation.store import Store

    with Store.open(args.database) as store:
        issued = tokens.issue_token(store, _operator(), args.email, args.label)
    print(issued.token)
    print(t("api.tokens.issued", args.lang, id=issued.id, email=issued.email, prefix=issued.prefix))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from evaluation.accounts import tokens
    from evaluation.store import Store

    with Store.open(args.database) as store:
        frame = tokens.list_tokens(store, _operator())
    if frame.empty:
        print(t("api.tokens.none", args.lang))
        return 0
    for row in frame.itertuples(index=False):
        revoked = row.revoked_at is not None and row.revoked_at == row.revoked_at
        state = t(f"api.tokens.{'revoked' if revoked else 'active'}", args.lang)
        issued = row.issued_at.strftime("%Y-%m-%d %H:%M")
        print(f"{row.id}\t{row.prefix}…\t{row.email}\t{row.label or '-'}\t{issued}\t{state}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    from evaluation.accounts import tokens
    from evaluation.store import Store

    with Store.open(args.database) as store:
        tokens.revoke_token(store, _operator(), args.id)
    print(t("api.tokens.revoked_done", args.lang, id=args.id))
    return 0


def run_api(args: argparse.Namespace) -> int:
    import uvicorn

    from evaluation.api.app import create_app

    app = create_app(args.database)
    print(t("api.cli.listening", args.lang, host=args.host, port=args.port), flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
