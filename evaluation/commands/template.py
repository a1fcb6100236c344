"""``evaluation template``: write a blank template, or both committed templates.

evaluation template --lang nl --out mijn-verslag.xlsx
evaluation template --lang en --initiative taalcafe-oost --out report.xlsx
evaluation template --all --out-dir templates
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from evaluation.catalogue import LANGS
from evaluation.errors import UserError
from evaluation.i18n import t
from evaluation.model import PHASE_ORDER
from evaluation.template import build_committed_templates, write_template

# profile fields that describe the initiative itself; the period, the intentions for the
# period and who wrote the report belong to one report and are left for the volunteer
STABLE_PROFILE_FIELDS = (
    "initiative_id",
    "name",
    "city",
    "founded_year",
    "organisation_form",
    "phase_arrival",
    "phase_landing",
    "phase_future",
    "mission",
)


def _reports(source: Any) -> Iterable[Any]:
    """The reports in whatever shape ``sample_reports()`` returns them."""
    if isinstance(source, Mapping):
        source = source.values()
    for item in source:
        if isinstance(item, tuple):
            item = next((x for x in item if hasattr(x, "profile")), None)
        if item is not None and hasattr(item, "profile"):
            yield item


def profile_from_initiative(row: Mapping[str, Any]) -> dict[str, Any]:
    """The stable profile fields (canonical column codes) from a tidy ``initiatives`` row.

    The store keeps profiles in that tidy form (``TIDY_COLUMNS['initiatives']``: a primary
    phase and ``;``-joined secondary phases); the template wants one role per phase.
    """
    secondary = {p for p in str(row.get("secondary_phases") or "").split(";") if p}
    out: dict[str, Any] = {k: row.get(k) for k in STABLE_PROFILE_FIELDS if k in row}
    for phase in PHASE_ORDER:
        role = "secondary" if phase in secondary else "none"
        out[f"phase_{phase}"] = "primary" if row.get("primary_phase") == phase else role
    return out


def profile_for(initiative_id: str, initiatives: Any = None) -> dict[str, Any]:
    """The stable profile fields of ``initiative_id`` from its latest known report.

    ``initiatives`` is a tidy ``initiatives`` frame (e.g. ``Dataset.initiatives`` from the
    store); without it, the known reports are the sample reports
    (``evaluation.sample.sample_reports``). An unknown id is a ``UserError``.
    """
    if initiatives is not None:
        rows = initiatives[initiatives["initiative_id"] == initiative_id]
        if len(rows) == 0:
            raise UserError("template.cli.unknown_initiative", initiative=initiative_id)
        return profile_from_initiative(rows.iloc[-1].to_dict())
    latest = None
    try:
        sample = importlib.import_module("evaluation.sample")
    except ImportError:
        sample = None
    if sample is not None and hasattr(sample, "sample_reports"):
        for report in _reports(sample.sample_reports()):
            if report.initiative_id != initiative_id:
                continue
            if latest is None or report.period_end > latest.period_end:
                latest = report
    if latest is None:
        raise UserError("template.cli.unknown_initiative", initiative=initiative_id)
    row = latest.profile.iloc[0]
    return {k: row[k] for k in STABLE_PROFILE_FIELDS if k in row.index}


def run(args: argparse.Namespace) -> int:
    if args.all:
        for path in build_committed_templates(args.out_dir):
            print(t("template.cli.written", args.lang, path=path))
        return 0
    if not args.out:
        raise UserError("template.cli.need_out")
    profile = profile_for(args.initiative) if args.initiative else None
    path = write_template(args.out, args.lang, profile=profile)
    print(t("template.cli.written", args.lang, path=path))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "template", help=t("template.cli.help", "en"), description=t("template.cli.help", "en")
    )
    parser.add_argument(
        "--lang", choices=LANGS, default="nl", help=t("template.cli.lang_help", "en")
    )
    parser.add_argument("--initiative", metavar="ID", help=t("template.cli.initiative_help", "en"))
    parser.add_argument("--out", metavar="FILE", help=t("template.cli.out_help", "en"))
    parser.add_argument("--all", action="store_true", help=t("template.cli.all_help", "en"))
    parser.add_argument(
        "--out-dir", metavar="DIR", default="templates", help=t("template.cli.out_dir_help", "en")
    )
    parser.set_defaults(func=run)
