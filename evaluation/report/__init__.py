"""The evaluator's Excel report.

``build_report(disclosed, submissions, lang=...)`` is pure over data and returns an
``openpyxl.Workbook`` (see ``build.py`` for the sheets); ``write_report_file(store, path,
principal=...)`` fetches the current dataset and the submissions from the store, discloses
them to the report's audience and saves the file. ``report_bytes`` gives the same file as
bytes, for a download button. Who asks decides which audiences may be had: a funder's report
only for funders, evaluators and administrators; a public report for anyone.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from evaluation.access import Principal, reading_for, require_audience, require_scope
from evaluation.disclosure import disclose
from evaluation.errors import UserError
from evaluation.report.build import AUDIENCES, Progress, build_report
from evaluation.report.narrative import add_narrative_sheet

__all__ = [
    "AUDIENCES",
    "Progress",
    "build_report",
    "report_for",
    "report_bytes",
    "write_report_file",
]

# the store hands submissions and the full story list only to an administrator; the report
# then discloses everything to its audience (evaluation.disclosure)
_OPERATOR = Principal("admin", name="report")


def _fetch(
    store: Any,
    principal: Principal,
    audience: str,
    initiative_ids: Sequence[str] | None,
) -> tuple[Any, Any, dict[str, str]]:
    if audience not in AUDIENCES:
        raise UserError("report.errors.unknown_audience", audience=audience)
    require_audience(principal, audience)
    ids = list(initiative_ids) if initiative_ids else None
    reader = reading_for(principal, _OPERATOR.name)
    registered = store.initiatives(_OPERATOR)
    names = dict(zip(registered["initiative_id"], registered["name"], strict=True))
    if ids:
        for i in ids:
            if i not in names:
                raise UserError("report.errors.unknown_initiative", initiative=i)
            require_scope(principal, i)
    if reader.scope is not None:
        names = {i: n for i, n in names.items() if i in reader.scope}
    # the whole scope, disclosed once: a selection only filters what is disclosed
    dataset = store.current_dataset(reader)
    submissions = store.submissions(_OPERATOR)
    if reader.scope is not None:
        submissions = submissions[submissions["initiative_id"].isin(reader.scope)]
    return dataset, submissions, names


def report_for(
    dataset: Any,
    submissions: Any,
    *,
    audience: str = "funder",
    lang: str = "nl",
    initiative_ids: Sequence[str] | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    stories_withheld: int = 0,
    known_names: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Workbook:
    """The report of a dataset (the whole scope) for ``audience``: disclosed, then laid out.

    ``progress(done, total)``: after each sheet (``build_report``)."""
    if audience not in AUDIENCES:
        raise UserError("report.errors.unknown_audience", audience=audience)
    disclosed = disclose(dataset, AUDIENCES[audience])
    return build_report(
        disclosed,
        submissions,
        lang=lang,
        initiative_ids=initiative_ids,
        period_from=period_from,
        period_to=period_to,
        stories_withheld=stories_withheld + len(dataset.stories) - len(disclosed.dataset.stories),
        known_names=known_names,
        progress=progress,
    )


def report_workbook(
    store: Any,
    *,
    principal: Principal = _OPERATOR,
    lang: str = "nl",
    audience: str = "funder",
    initiative_ids: Sequence[str] | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    narratives: Sequence[Any] | None = None,
    progress: Progress | None = None,
) -> Workbook:
    """The report over the store's current data, for ``audience``, as ``principal`` asks.

    ``narratives``: the network's published narratives of the chosen periods
    (``evaluation.narrative.for_report``), on a sheet after the reading guide; None: no sheet.
    ``progress(done, total)``: after each sheet, and once more when the file is written
    (``report_bytes``, ``write_report_file``: the save counts as one step).
    """
    dataset, submissions, names = _fetch(store, principal, audience, initiative_ids)
    wb = report_for(
        dataset,
        submissions,
        audience=audience,
        lang=lang,
        initiative_ids=initiative_ids,
        period_from=period_from,
        period_to=period_to,
        known_names=names,
        # the narrative sheet and the save: one step each, after the sheets
        progress=None
        if progress is None
        else lambda d, n: progress(d, n + 1 + (narratives is not None)),
    )
    if narratives is not None:
        add_narrative_sheet(wb, narratives, lang)
    return wb


def _saved(progress: Progress | None, wb: Workbook) -> None:
    """The last step: the file is written."""
    if progress is not None:
        n = len(wb.worksheets) + 1
        progress(n, n)


def report_bytes(store: Any, **options: Any) -> bytes:
    """The report as ``.xlsx`` bytes (for the dashboard's download button)."""
    buf = io.BytesIO()
    wb = report_workbook(store, **options)
    wb.save(buf)
    _saved(options.get("progress"), wb)
    return buf.getvalue()


def write_report_file(store: Any, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write the report to ``path`` (atomically: a half-written file never replaces it)."""
    target = Path(path)
    wb = report_workbook(store, **options)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=target.parent)
        os.close(fd)
        try:
            wb.save(tmp)
            os.replace(tmp, target)
            _saved(options.get("progress"), wb)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise UserError(
            "report.errors.cannot_write", path=str(target), reason=exc.strerror
        ) from None
    return target
