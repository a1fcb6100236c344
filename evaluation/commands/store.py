"""Store commands: ``init``, ``import``, ``submissions``, ``raw`` and ``audit``.

This is the operator's command line: ``submissions``, ``raw`` and ``audit`` act as an
administrator; ``import`` acts as the initiative named by ``--initiative`` (by default the
one the workbook's Profile sheet names) unless ``--role admin`` is given; an upload whose
period overlaps a current one is refused unless ``--replace-overlapping`` is given.
Exit codes: 0 done (accepted or duplicate), 1 rejected (or refused for an overlap),
2 unreadable file or refused (e.g. a database of another schema version), 3 access denied,
4 the disk is full (nothing was stored).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from evaluation.access import Principal
from evaluation.errors import UserError
from evaluation.i18n import t

if TYPE_CHECKING:  # the store (SQLAlchemy, pandas) is imported by the command that runs
    import pandas as pd

    from evaluation.store import ImportOutcome

OPERATOR = "operator"


class _Refused(UserError):
    exit_code = 2


def _h(key: str) -> str:
    return t(f"store.help.{key}", "en")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", metavar="URL", default=None, help=_h("database"))
    parser.add_argument("--lang", choices=["nl", "en"], default="nl", help=_h("lang"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help=_h("init"), description=_h("init"))
    p.add_argument("--with-sample-data", action="store_true", help=_h("with_sample_data"))
    _common(p)
    p.set_defaults(func=run_init)

    p = sub.add_parser("import", help=_h("import"), description=_h("import"))
    p.add_argument("file", metavar="FILE", help=_h("file"))
    p.add_argument("--initiative", metavar="ID", default=None, help=_h("import_initiative"))
    p.add_argument("--by", metavar="NAME", default="", help=_h("by"))
    p.add_argument("--role", choices=["initiative", "admin"], default="initiative", help=_h("role"))
    p.add_argument("--replace-overlapping", action="store_true", help=_h("replace_overlapping"))
    _common(p)
    p.set_defaults(func=run_import)

    p = sub.add_parser("submissions", help=_h("submissions"), description=_h("submissions"))
    p.add_argument("--initiative", metavar="ID", default=None, help=_h("initiative"))
    _common(p)
    p.set_defaults(func=run_submissions)

    p = sub.add_parser("raw", help=_h("raw"), description=_h("raw"))
    p.add_argument("submission_id", metavar="SUBMISSION_ID", type=int, help=_h("submission_id"))
    p.add_argument("--out", metavar="FILE", required=True, help=_h("out"))
    _common(p)
    p.set_defaults(func=run_raw)

    p = sub.add_parser("audit", help=_h("audit"), description=_h("audit"))
    _common(p)
    p.set_defaults(func=run_audit)


def _operator() -> Principal:
    return Principal("admin", name=OPERATOR)


def run_init(args: argparse.Namespace) -> int:
    from evaluation import submit
    from evaluation.store import Store

    with Store.open(args.database) as store:
        loaded = submit.ensure_initialised(store, with_sample_data=args.with_sample_data)
        if loaded is not None and args.with_sample_data:
            print(t("store.init.sample", args.lang, n=loaded))
        print(
            t(
                "store.init.done",
                args.lang,
                url=_safe_url(store.url),
                revision=store.schema_revision(),
            )
        )
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def render_outcome(outcome: ImportOutcome, lang: str) -> str:
    """The lines the CLI prints for one import (the same problems the upload page shows)."""
    params = {
        "submission_id": outcome.submission_id,
        "initiative": outcome.initiative_id or "?",
        "period": outcome.period or "?",
    }
    lines: list[str] = []
    if outcome.status == "accepted":
        lines.append(t("store.outcome.accepted", lang, **params))
        if outcome.superseded:
            ids = ", ".join(str(i) for i in outcome.superseded)
            lines.append(t("store.outcome.superseded", lang, ids=ids))
        if outcome.problems:
            lines.append(t("store.outcome.warnings", lang, n=len(outcome.problems)))
    elif outcome.status == "duplicate":
        lines.append(t("store.outcome.duplicate", lang, **params))
    elif outcome.unreadable:
        lines.append(t("store.outcome.unreadable", lang, **params))
    else:
        lines.append(t("store.outcome.rejected", lang, n=len(outcome.problems), **params))
    if outcome.status != "duplicate":
        for p in outcome.problems:
            lines.append(
                t("store.outcome.problem_line", lang, message=p.message(lang), hint=p.hint(lang))
            )
    return "\n".join(lines)


def run_import(args: argparse.Namespace) -> int:
    from evaluation import submit
    from evaluation.store import Store

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError:
        raise _Refused("store.file_missing", path=str(path)) from None
    with Store.open(args.database) as store:
        if args.role == "initiative":
            # without --initiative, the initiative is the one the workbook names; the store
            # still checks that this initiative may import it
            initiative = args.initiative or submit.workbook_initiative(data, path.name)
            if not initiative:
                raise _Refused("store.need_initiative")
            principal = Principal("initiative", initiative_id=initiative, name=args.by)
        else:
            principal = Principal("admin", name=args.by)
        outcome = submit.submit(
            store, data, path.name, principal, args.initiative,
            replace_overlapping=args.replace_overlapping,
        )  # fmt: skip
    print(render_outcome(outcome, args.lang))
    if outcome.status == "rejected":
        return 2 if outcome.unreadable else 1
    return 0


def _print_table(frame: pd.DataFrame, lang: str) -> None:
    if frame.empty:
        print(t("store.empty", lang))
        return
    shown = frame.rename(columns={c: t(f"store.columns.{c}", lang) for c in frame.columns})
    print(shown.to_string(index=False))


def run_submissions(args: argparse.Namespace) -> int:
    from evaluation.store import Store

    with Store.open(args.database) as store:
        frame = store.submissions(_operator(), args.initiative)
    _print_table(frame.drop(columns=["sha256"]), args.lang)
    return 0


def run_raw(args: argparse.Namespace) -> int:
    from evaluation.store import StorageFull, Store
    from evaluation.store.engine import storage_full

    with Store.open(args.database) as store:
        name, data = store.raw(_operator(), args.submission_id)
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as exc:
        if storage_full(exc):
            raise StorageFull("store.disk_full_file", path=str(out)) from None
        raise _Refused("store.cannot_write", path=str(out)) from None
    print(
        t(
            "store.raw.written",
            args.lang,
            file_name=name,
            submission_id=args.submission_id,
            path=str(out),
            size=len(data),
        )
    )
    return 0


def run_audit(args: argparse.Namespace) -> int:
    from evaluation.store import Store

    with Store.open(args.database) as store:
        frame = store.audit(_operator())
    _print_table(frame, args.lang)
    return 0
