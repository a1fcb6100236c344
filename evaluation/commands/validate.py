"""``evaluation validate FILE [--lang nl|en] [--json]``: check a filled-in workbook.

Prints every problem at its cell, grouped by sheet, with a fix hint, then a summary line;
or, with ``--json``, a list of objects (code, severity, sheet, cell, column, value, message,
hint). Exit code 0 when the workbook is valid (warnings allowed), 1 when it has errors, 2 when
the file could not be read as a workbook. Messages are in ``--lang``, else in the language of
the workbook's sheet names, else in Dutch.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from evaluation.catalogue import LANGS
from evaluation.i18n import t

if TYPE_CHECKING:  # the reader (pandas, pandera) is imported when a workbook is read
    from evaluation.ingest import IngestResult

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def exit_code(result: IngestResult) -> int:
    if result.unreadable:
        return EXIT_UNREADABLE
    return EXIT_VALID if result.ok else EXIT_INVALID


def render_text(result: IngestResult, file_label: str, lang: str) -> str:
    """The readable report: problems grouped by sheet (file-level first), then a summary."""
    lines: list[str] = []
    groups: dict[str | None, list] = {}
    for p in result.problems:
        groups.setdefault(p.sheet, []).append(p)
    for sheet, problems in groups.items():
        heading = (
            t("validate.file_level", lang)
            if sheet is None
            else t("validate.sheet", lang, sheet=sheet)
        )
        lines.append(heading)
        for p in problems:
            severity = t(f"validate.{p.severity}", lang)
            lines.append(f"  [{severity}] {p.message(lang)}")
            lines.append(f"      -> {p.hint(lang)}")
        lines.append("")
    errors, warnings = len(result.errors), len(result.warnings)
    if result.unreadable:
        lines.append(t("validate.summary_unreadable", lang, file=file_label))
    elif errors:
        lines.append(
            t("validate.summary_invalid", lang, file=file_label, errors=errors, warnings=warnings)
        )
    else:
        lines.append(t("validate.summary_ok", lang, file=file_label, warnings=warnings))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from evaluation.ingest import read_workbook

    result = read_workbook(args.file, Path(args.file).name)
    lang = args.lang or result.lang or "nl"
    args.lang = lang
    if args.json:
        print(json.dumps([p.to_dict(lang) for p in result.problems], ensure_ascii=False, indent=2))
    else:
        print(render_text(result, Path(args.file).name, lang))
    return exit_code(result)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate", help=t("validate.help", "en"), description=t("validate.help", "en")
    )
    parser.add_argument("file", metavar="FILE", help=t("validate.file_help", "en"))
    parser.add_argument("--lang", choices=LANGS, default=None, help=t("validate.lang_help", "en"))
    parser.add_argument("--json", action="store_true", help=t("validate.json_help", "en"))
    parser.set_defaults(func=run)
