"""Provenance: every submission the report rests on, in words: the status in the report's
language, the day it came in as a date, the uploader's role (never a name) and the start of
the file's fingerprint in the last column."""

from __future__ import annotations

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.access import ROLES
from evaluation.analysis._common import neutral_sort
from evaluation.report.cells import (
    blank,
    set_widths,
)
from evaluation.report.context import (
    Ctx,
    write_table,
)

STATUSES = ("accepted", "rejected")
# the start of the file's SHA-256 fingerprint: enough to tell the stored files apart and to
# check a file at hand, without 64 hex digits as the sheet's main content
HASH_SHOWN = 12


def provenance_sheet(ws: Worksheet, ctx: Ctx) -> None:
    used: set[int] = set()
    for frame in ctx.ds.frames().values():
        if "submission_id" in frame.columns:
            used |= {int(s) for s in frame["submission_id"].dropna()}
    subs = ctx.submissions
    subs = subs[subs["submission_id"].isin(used)] if len(subs) else subs
    known = {int(s): r for s, r in zip(subs["submission_id"], subs.to_dict("records"), strict=True)}
    recs = []
    period_of: dict[int, tuple[str, str]] = {}
    for frame in (ctx.ds.observations, ctx.ds.stories, ctx.ds.network, ctx.ds.reflections):
        for s, i, p in zip(
            frame["submission_id"], frame["initiative_id"], frame["period"], strict=True
        ):
            if not blank(s):
                period_of.setdefault(int(s), (str(i), str(p)))
    for sid in sorted(used):
        r = known.get(sid, {})
        iid = str(r.get("initiative_id") or period_of.get(sid, ("", ""))[0])
        period = r.get("period") or period_of.get(sid, ("", ""))[1]
        at = r.get("uploaded_at")
        if isinstance(at, pd.Timestamp):
            at = at.to_pydatetime()
        recs.append(
            {
                "_name": ctx.names.get(iid, iid),
                "submission_id": sid,
                "period": period,
                "status": r.get("status"),
                "uploaded_at": at,
                "uploaded_role": r.get("uploaded_role"),
                "sha256": r.get("sha256"),
            }
        )
    frame = pd.DataFrame(
        recs,
        columns=[
            "_name",
            "submission_id",
            "period",
            "status",
            "uploaded_at",
            "uploaded_role",
            "sha256",
        ],
    )
    frame = neutral_sort(
        frame, text=["_name"], period=["period"], periods=ctx.periods, order=["_name", "period"]
    )
    rows = [
        [
            r["_name"],
            ctx.period(r["period"]),
            r["submission_id"],
            _status(ctx, r["status"]),
            None if blank(r["uploaded_at"]) else r["uploaded_at"].date(),
            _role(ctx, r["uploaded_role"]),
            None if blank(r["sha256"]) else str(r["sha256"])[:HASH_SHOWN],
        ]
        for r in frame.to_dict("records")
    ]
    keys = ["initiative", "period", "submission_id", "status", "uploaded_on", "uploaded_role"]
    keys.append("sha256_start")
    write_table(ws, 1, [ctx.col(k) for k in keys], rows, ctx, formats={2: "0"}, empty_note=False)
    set_widths(ws, {1: 28, 2: 18, 3: 12, 4: 14, 5: 18, 6: 16, 7: 20})
    ws.freeze_panes = "A2"


def _status(ctx: Ctx, status: object) -> str | None:
    """The submission's status in the report's language."""
    if blank(status):
        return None
    return ctx.s(f"status.{status}") if status in STATUSES else str(status)


def _role(ctx: Ctx, role: object) -> str | None:
    """The uploader's role in words (never the uploader's name)."""
    if blank(role):
        return None
    return ctx.s(f"role.{role}") if role in ROLES else str(role)
