"""Continue from the last period: the next template of an initiative, prefilled from what
the store holds of it (profile, own indicators, partners, the reflection questions and the
next period's dates), or a first template with a code proposed from its name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from openpyxl import Workbook

from evaluation.arrangements import Arrangement, next_period_in
from evaluation.catalogue import load_catalogue
from evaluation.periods import next_period
from evaluation.template import as_date, build_workbook

# --- continuing from the last period ------------------------------------------------------

# profile fields that describe the initiative itself; the period and the intentions for the
# period belong to one report and are left for the volunteer ("who wrote it" is carried:
# it is required and most often the same)
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
PHASE_COLUMNS = {"arrival": "phase_arrival", "landing": "phase_landing", "future": "phase_future"}


def profile_from_initiative(row: Mapping[str, Any]) -> dict[str, Any]:
    """The stable profile fields (canonical column codes) from a tidy ``initiatives`` row.

    The store keeps profiles in that tidy form (``TIDY_COLUMNS['initiatives']``: a primary
    phase and ``;``-joined secondary phases); the template wants one role per phase.
    """
    secondary = {p for p in str(row.get("secondary_phases") or "").split(";") if p}
    out: dict[str, Any] = {k: row.get(k) for k in STABLE_PROFILE_FIELDS if k in row}
    for phase, column in PHASE_COLUMNS.items():
        role = "secondary" if phase in secondary else "none"
        out[column] = "primary" if row.get("primary_phase") == phase else role
    return out


def propose_code(name: str, taken: Iterable[str] = ()) -> str:
    """An initiative code from a name: ``Taalcafé Oost`` -> ``taalcafe-oost`` (lower-case
    letters, digits and hyphens, 2 to 64 characters), numbered when ``taken`` holds it."""
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    code = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-")
    if len(code) < 2:
        code = f"initiatief-{code}" if code else "initiatief"
    taken = set(taken)
    candidate, n = code, 2
    while candidate in taken:
        candidate, n = f"{code}-{n}", n + 1
    return candidate


def _of(frame: pd.DataFrame | None, initiative_id: str) -> pd.DataFrame:
    if frame is None or frame.empty or "initiative_id" not in frame:
        return pd.DataFrame()
    return frame[frame["initiative_id"] == initiative_id]


def _latest_period(ds: Any, initiative_id: str) -> tuple[dt.date, dt.date] | None:
    ends: list[tuple[dt.date, dt.date]] = []
    for frame in ds.frames().values():
        rows = _of(frame, initiative_id)
        if len(rows) and "period_end" in rows:
            rows = rows.dropna(subset=["period_start", "period_end"])
            pairs = zip(rows["period_start"], rows["period_end"], strict=True)
            dated = ((as_date(a), as_date(b)) for a, b in pairs)
            ends += [(a, b) for a, b in dated if isinstance(a, dt.date) and isinstance(b, dt.date)]
    return max(ends, key=lambda p: (p[1], p[0])) if ends else None


def _last_period_rows(frame: pd.DataFrame, period: tuple[dt.date, dt.date]) -> pd.DataFrame:
    if frame.empty:
        return frame
    ends = frame["period_end"].map(as_date)
    return frame[ends == period[1]]


def continue_from(
    ds: Any, initiative_id: str, agreed: Arrangement | None = None
) -> dict[str, list[dict[str, Any]]] | None:
    """The rows of a template that continues from the initiative's last period in ``ds``
    (a tidy ``Dataset``, e.g. the store's current one), or None when ``ds`` does not know it.

    Prefilled: the profile (stable fields, who wrote it, and the next period's dates), the
    own indicators (latest declaration of each), on the Indicators sheet one row per
    indicator reported last period (values blank; not when a light report was agreed), the
    partners of the last period (counts and descriptions blank: they are this period's) and
    every reflection question (answers blank). The numbers, stories and words of the new
    period are the initiative's to fill.

    The next period follows the ``agreed`` rhythm (``arrangements.next_period_in``): from the
    day after the last report to the end of the rhythm's unit; without an arrangement it is
    as long as the last one (``periods.next_period``).
    """
    profiles = _of(ds.initiatives, initiative_id)
    if profiles.empty:
        return None
    latest = profiles.iloc[-1].to_dict()
    profile = profile_from_initiative(latest)
    profile["written_with"] = latest.get("written_with")
    period = _latest_period(ds, initiative_id)
    if period is not None:
        following = next_period_in(agreed.rhythm, period[1]) if agreed else next_period(*period)
        profile["period_start"], profile["period_end"] = following
    rows: dict[str, list[dict[str, Any]]] = {"profile": [profile]}

    own = _of(ds.own_indicators, initiative_id)
    if len(own):
        own = own.assign(_end=own["period_end"].map(as_date)).sort_values("_end", kind="stable")
        declared = own.drop_duplicates("indicator", keep="last")
        order = list(dict.fromkeys(own["indicator"]))  # first declared first
        declared = declared.set_index("indicator").loc[order].reset_index()
        cols = ["indicator", "label", "definition", "dimension", "unit", "phase"]
        rows["own_indicators"] = declared[cols].to_dict("records")

    if period is not None:
        obs = _last_period_rows(_of(ds.observations, initiative_id), period)
        if len(obs) and not (agreed and agreed.light_allowed):  # light: numbers not asked
            reported = obs[obs["activity_type"].isna()][["indicator", "phase"]]
            rows["indicators"] = reported.drop_duplicates().to_dict("records")
        links = _last_period_rows(_of(ds.network, initiative_id), period)
        if len(links):
            keep = ["partner", "partner_type", "relation", "phase"]
            rows["network"] = links[keep].drop_duplicates().to_dict("records")
    questions = load_catalogue().choices("reflection_questions").codes
    rows["reflection"] = [{"question": q} for q in questions]
    return rows


def continued_template(
    ds: Any,
    initiative_id: str | None,
    lang: str = "nl",
    name: str | None = None,
    agreed: Arrangement | None = None,
) -> Workbook:
    """The template that continues from ``initiative_id``'s last period in ``ds``; for an
    initiative ``ds`` does not know, a first template with its code (and ``name``) filled in,
    and the reflection questions. With its ``agreed`` arrangement, the period follows the
    rhythm and the reading guide says what was agreed (rhythm, light report)."""
    rows = continue_from(ds, initiative_id, agreed) if initiative_id else None
    if rows is None:
        profile = {"initiative_id": initiative_id, "name": name}
        questions = load_catalogue().choices("reflection_questions").codes
        rows = {"profile": [profile], "reflection": [{"question": q} for q in questions]}
        if not initiative_id:
            rows.pop("profile")
    if agreed is None:
        return build_workbook(lang, rows=rows)
    return build_workbook(lang, rows=rows, rhythm=agreed.rhythm, light=agreed.light_allowed)
