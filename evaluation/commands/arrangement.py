"""``evaluation arrangement set | list``: each initiative's reporting rhythm and whether a
light report will do (``evaluation.arrangements``).

evaluation arrangement set taalcafe-oost --rhythm half_year --light
evaluation arrangement list --lang en

The operator's command line acts as an administrator (like ``evaluation user``). Exit codes:
0 done, 1 refused input, 3 access denied.
"""

from __future__ import annotations

import argparse

from evaluation.access import Principal
from evaluation.i18n import t
from evaluation.periods import RHYTHMS

OPERATOR = Principal("admin", name="operator")


def _h(key: str) -> str:
    return t(f"arrangements.cli.help.{key}", "en")


def register(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("arrangement", help=_h("arrangement"), description=_h("arrangement"))
    actions = group.add_subparsers(dest="arrangement_command", required=True)

    p = actions.add_parser("set", help=_h("set"), description=_h("set"))
    p.add_argument("initiative", metavar="ID", help=_h("initiative"))
    rhythms = list(RHYTHMS)
    p.add_argument("--rhythm", choices=rhythms, required=True, help=_h("rhythm"))
    light = argparse.BooleanOptionalAction
    p.add_argument("--light", action=light, default=False, help=_h("light"))
    _common(p)
    p.set_defaults(func=run_set)

    p = actions.add_parser("list", help=_h("list"), description=_h("list"))
    _common(p)
    p.set_defaults(func=run_list)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL", default=None, help=_h("database"))
    parser.add_argument("--lang", choices=["nl", "en"], default="nl", help=_h("lang"))


def run_set(args: argparse.Namespace) -> int:
    from evaluation import arrangements
    from evaluation.store import Store

    with Store.open(args.database) as store:
        done = arrangements.set_arrangement(
            store, OPERATOR, args.initiative, args.rhythm, args.light
        )
    kind = t(f"arrangements.{'light' if done.light_allowed else 'full'}", args.lang)
    rhythm = t(f"arrangements.rhythm.{done.rhythm}", args.lang)
    done_text = t(
        "arrangements.set_done", args.lang, initiative=args.initiative, rhythm=rhythm, kind=kind
    )
    print(done_text)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from evaluation import arrangements
    from evaluation.store import Store

    with Store.open(args.database) as store:
        frame = store.initiatives(OPERATOR)
        names = dict(zip(frame["initiative_id"], frame["name"], strict=True))
        table = arrangements.arrangement_table(store, names, args.lang)
    table = table.rename(columns=lambda c: t(f"arrangements.columns.{c}", args.lang))
    print(table.to_string(index=False))
    return 0
