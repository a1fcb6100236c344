"""``evaluation template``: a blank template, one that continues an initiative's last period
from the store, or both committed templates.

evaluation template --lang nl --out mijn-verslag.xlsx
evaluation template --lang en --initiative taalcafe-oost --out report.xlsx
evaluation template --name "Taalcafé Oost" --out eerste-verslag.xlsx   # a new initiative
evaluation template --all --out-dir templates

With ``--initiative`` the template is prefilled from the store (``--database``, else the
configured one): profile, own indicators, the indicators and partners of the last period,
the reflection questions and the next period's dates (``evaluation.continuation.continue_from``)
in the initiative's agreed rhythm, and the reading guide says what was agreed.
An initiative the store does not know gets a first template when ``--name`` is given, with
the code given or one proposed from the name.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from evaluation.catalogue import LANGS
from evaluation.errors import UserError
from evaluation.i18n import t

# the workbook writer (openpyxl, pandas) is imported when a template is made, not to list it
__all__ = ["profile_for", "register", "run"]


def profile_for(initiative_id: str, initiatives: Any) -> dict[str, Any]:
    """The stable profile fields of ``initiative_id`` from a tidy ``initiatives`` frame
    (e.g. ``Dataset.initiatives`` from the store). An unknown id is a ``UserError``."""
    from evaluation.continuation import profile_from_initiative

    rows = initiatives[initiatives["initiative_id"] == initiative_id]
    if len(rows) == 0:
        raise UserError("template.cli.unknown_initiative", initiative=initiative_id)
    row: Mapping[str, Any] = rows.iloc[-1].to_dict()
    return profile_from_initiative(row)


def _from_store(args: argparse.Namespace):
    """The workbook for ``--initiative`` / ``--name``, and the proposed code (or None)."""
    from evaluation.access import Principal
    from evaluation.continuation import continued_template, propose_code
    from evaluation.schemas import ID_PATTERN
    from evaluation.store import Store

    operator = Principal("admin", name="operator")
    with Store.open(args.database) as store:
        known = set(store.initiatives(operator)["initiative_id"])
        if args.initiative and args.initiative in known:
            from evaluation.arrangements import arrangement

            ds = store.current_dataset(operator, [args.initiative])
            agreed = arrangement(store, args.initiative)
            return continued_template(ds, args.initiative, args.lang, agreed=agreed), None
    if not args.name:
        raise UserError("template.cli.unknown_initiative", initiative=args.initiative)
    if args.initiative and not ID_PATTERN.match(args.initiative):
        raise UserError("store.invalid_initiative_id", initiative=args.initiative)
    code = args.initiative or propose_code(args.name, known)
    from evaluation.model import Dataset

    wb = continued_template(Dataset.empty(), code, args.lang, name=args.name)
    return wb, (None if args.initiative else code)


def run(args: argparse.Namespace) -> int:
    from evaluation.template import build_committed_templates, save_workbook

    if args.all:
        for path in build_committed_templates(args.out_dir):
            print(t("template.cli.written", args.lang, path=path))
        return 0
    if not args.out:
        raise UserError("template.cli.need_out")
    proposed = None
    if args.initiative or args.name:
        wb, proposed = _from_store(args)
    else:
        from evaluation.template import build_workbook

        wb = build_workbook(args.lang)
    path = save_workbook(wb, args.out)
    print(t("template.cli.written", args.lang, path=path))
    if proposed:
        print(t("template.cli.proposed_code", args.lang, code=proposed, name=args.name))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "template", help=t("template.cli.help", "en"), description=t("template.cli.help", "en")
    )
    parser.add_argument(
        "--lang", choices=LANGS, default="nl", help=t("template.cli.lang_help", "en")
    )
    parser.add_argument("--initiative", metavar="ID", help=t("template.cli.initiative_help", "en"))
    parser.add_argument("--name", metavar="NAME", help=t("template.cli.name_help", "en"))
    parser.add_argument(
        "--database", metavar="URL", default=None, help=t("store.help.database", "en")
    )
    parser.add_argument("--out", metavar="FILE", help=t("template.cli.out_help", "en"))
    parser.add_argument("--all", action="store_true", help=t("template.cli.all_help", "en"))
    parser.add_argument(
        "--out-dir", metavar="DIR", default="templates", help=t("template.cli.out_dir_help", "en")
    )
    parser.set_defaults(func=run)
