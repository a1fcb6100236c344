"""``evaluation portfolio``: which initiatives a fund's programme or a municipality's scheme
holds, and which funders' and evaluators' accounts read them (``evaluation.portfolios``).

evaluation portfolio create noorderlicht --name "Stadsfonds Noorderlicht"
evaluation portfolio add noorderlicht --initiative gastvrij-dak --initiative groeiplek
evaluation portfolio member noorderlicht fonds@example.org
evaluation portfolio list --lang en
evaluation portfolio drop noorderlicht --initiative groeiplek
evaluation portfolio unmember noorderlicht fonds@example.org
evaluation portfolio remove noorderlicht

The operator's command line acts as an administrator (like ``evaluation user``). Exit codes:
0 done, 1 refused input.
"""

from __future__ import annotations

import argparse

from evaluation.i18n import t


def _h(key: str) -> str:
    return t(f"portfolios.cli.{key}", "en")


def register(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("portfolio", help=_h("help"), description=_h("help"))
    actions = group.add_subparsers(dest="portfolio_command", required=True)
    p = actions.add_parser("list", help=_h("list"), description=_h("list"))
    _common(p)
    p.set_defaults(func=run_list)
    p = actions.add_parser("create", help=_h("create"), description=_h("create"))
    p.add_argument("code", help=_h("code"))
    p.add_argument("--name", required=True, help=_h("name"))
    _common(p)
    p.set_defaults(func=run_create)
    p = actions.add_parser("remove", help=_h("remove"), description=_h("remove"))
    p.add_argument("code", help=_h("code"))
    _common(p)
    p.set_defaults(func=run_remove)
    for verb, adds in (("add", True), ("drop", False)):
        p = actions.add_parser(verb, help=_h(verb), description=_h(verb))
        p.add_argument("code", help=_h("code"))
        p.add_argument(
            "--initiative",
            action="append",
            required=True,
            dest="initiatives",
            help=_h("initiative"),
        )
        _common(p)
        p.set_defaults(func=run_initiatives, adds=adds)
    for verb, adds in (("member", True), ("unmember", False)):
        p = actions.add_parser(verb, help=_h(verb), description=_h(verb))
        p.add_argument("code", help=_h("code"))
        p.add_argument("email", help=_h("email"))
        _common(p)
        p.set_defaults(func=run_member, adds=adds)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", metavar="URL", default=None, help=t("report.cli.database", "en")
    )
    parser.add_argument(
        "--lang", choices=["nl", "en"], default="nl", help=t("report.cli.lang", "en")
    )


def _operator():
    from evaluation.access import Principal

    return Principal("admin", name="operator")


def run_list(args: argparse.Namespace) -> int:
    import pandas as pd

    from evaluation import portfolios
    from evaluation.store import Store

    with Store.open(args.database) as store:
        held = portfolios.listing(store, _operator())
    if not held:
        print(t("portfolios.cli.none", args.lang))
        return 0
    rows = [
        {
            "code": p.code,
            "name": p.name,
            "initiatives": ", ".join(p.initiative_ids),
            "members": ", ".join(p.members),
        }
        for p in held
    ]
    table = pd.DataFrame(rows).rename(columns=lambda c: t(f"portfolios.columns.{c}", args.lang))
    print(table.to_string(index=False))
    return 0


def run_create(args: argparse.Namespace) -> int:
    from evaluation import portfolios
    from evaluation.store import Store

    with Store.open(args.database) as store:
        portfolios.create(store, _operator(), args.code, args.name)
    print(t("portfolios.cli.created", args.lang, code=args.code))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from evaluation import portfolios
    from evaluation.store import Store

    with Store.open(args.database) as store:
        portfolios.remove(store, _operator(), args.code)
    print(t("portfolios.cli.removed", args.lang, code=args.code))
    return 0


def run_initiatives(args: argparse.Namespace) -> int:
    from evaluation import portfolios
    from evaluation.store import Store

    step = portfolios.add_initiative if args.adds else portfolios.remove_initiative
    with Store.open(args.database) as store:
        for initiative in args.initiatives:
            _said(step(store, _operator(), args.code, initiative), args, initiative)
    return 0


def run_member(args: argparse.Namespace) -> int:
    from evaluation import portfolios
    from evaluation.store import Store

    step = portfolios.add_member if args.adds else portfolios.remove_member
    with Store.open(args.database) as store:
        changed = step(store, _operator(), args.code, args.email)
    if changed and args.adds:
        print(t("portfolios.cli.member_added", args.lang, email=args.email, code=args.code))
    else:
        _said(changed, args, args.email)
    return 0


def _said(changed: bool, args: argparse.Namespace, what: str) -> None:
    said = {(True, True): "added", (True, False): "already"}
    said |= {(False, True): "dropped", (False, False): "not_in"}
    key = said[(bool(args.adds), changed)]
    print(t(f"portfolios.cli.{key}", args.lang, what=what, initiative=what, code=args.code))
