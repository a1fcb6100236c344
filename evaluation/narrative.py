"""The network's own words and the funders' own reflection (issue 14, points 7 and 8).

Two kinds of text that are not part of any initiative's workbook:

- the **shared narrative** of a period, written by an administrator on behalf of the
  network: every save is a new row in ``narrative_versions`` (nothing is overwritten), a
  draft or a published version; initiatives read the drafts and leave a comment on one
  (``narrative_comments``) before it is published; everyone else reads only the latest
  published version of a period;
- a **funder's reflection** on its own demands (the report's Kader 2, "de kunst van het
  loslaten"): per period, where its demands pulled against the initiatives' way of working
  and what it loosened. A funder writes only its own (the row is keyed by the signed-in
  funder, never by a name it passes); every save is a new row, the latest per funder and
  period is the one read. Initiatives, evaluators and administrators read them all (there
  are no portfolios yet); a funder reads its own.

Every write is audited, a refusal too. Free text is checked for personal data like an
upload's (e-mail addresses, phone numbers, IBANs, BSNs) and refused with the same words.
The tables are declared with the others in ``evaluation/store/schema.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    Connection,
    func,
    select,
)
from sqlalchemy import text as sql

from evaluation.access import Principal
from evaluation.catalogue import load_yaml
from evaluation.errors import AccessDenied, UserError
from evaluation.i18n import t
from evaluation.ingest.privacy import scan_text
from evaluation.store import audit
from evaluation.store.schema import FunderReflection, NarrativeComment, NarrativeVersion, table_of

if TYPE_CHECKING:
    from evaluation.store import Store

T = TypeVar("T")
MAX_TEXT = 20_000  # characters of one narrative, comment or reflection answer
DRAFT, PUBLISHED = "draft", "published"


_V = table_of(NarrativeVersion)
_C = table_of(NarrativeComment)
_F = table_of(FunderReflection)


@dataclass(frozen=True)
class Version:
    id: int
    period: str
    version: int
    status: str
    text: str
    written_at: dt.datetime
    written_by: str


@dataclass(frozen=True)
class Comment:
    version: int
    initiative_id: str
    text: str
    written_at: dt.datetime


@dataclass(frozen=True)
class Reflection:
    funder_name: str
    period: str
    pulled: str
    loosened: str
    written_at: dt.datetime


# --- the store's unit of work and audit trail ---------------------------------------------


def _write(store: Store, work: Callable[[Connection], T]) -> T:
    return store.write(work)


def _read(store: Store, work: Callable[[Connection], T]) -> T:
    return store.read(work)


def _audit(conn: Connection, store: Store, who: Principal, action: str, **kw: Any) -> None:
    audit.record(conn, who, action, **kw)


# --- rules ----------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _refuse(store: Store, who: Principal, key: str, what: str) -> AccessDenied:
    """An audited refusal (the caller raises it)."""
    _write(store, lambda conn: _audit(conn, store, who, "denied", detail=what))
    return AccessDenied(key, who=who.label)


class TextRefused(UserError):
    """A text that cannot be saved; ``field`` is rendered as the field's label."""

    def render(self, lang: str = "nl") -> str:
        field = t(f"narrative.fields.{self.params['field']}", lang)
        return t(self.key, lang, **{**self.params, "field": field})


def _clean_text(text: str | None, field: str) -> str:
    value = (text or "").strip()
    if not value:
        raise TextRefused("narrative.empty", field=field)
    if len(value) > MAX_TEXT:
        raise TextRefused("narrative.too_long", field=field, n=MAX_TEXT)
    found = scan_text(value)
    if found:
        raise TextRefused("narrative.personal_data", field=field, found=found[0].masked)
    return value


def _period(period: str | None) -> str:
    value = (period or "").strip()
    if not value or len(value) > 32:
        raise UserError("narrative.no_period")
    return value


def has_texts(store: Store) -> bool:
    """True once any narrative version or funder reflection is stored."""

    def work(conn: Connection) -> bool:
        return any(conn.execute(select(tb.c.id).limit(1)).first() for tb in (_V, _F))

    return _read(store, work)


def may_read_drafts(who: Principal) -> bool:
    return who.role in ("admin", "initiative")


def may_read_reflections(who: Principal) -> bool:
    """Whose reflections ``who`` reads: all (initiative, evaluator, admin), its own (funder)."""
    return who.role in ("initiative", "evaluator", "admin", "funder")


# --- the shared narrative ---------------------------------------------------------------------


def _version(row: Any) -> Version:
    return Version(
        row.id, row.period, row.version, row.status, row.text, row.written_at, row.written_by
    )


def save_narrative(
    store: Store, who: Principal, period: str, text: str, publish: bool = False
) -> Version:
    """Save a new version of ``period``'s narrative (admins only), as a draft or published."""
    if not who.can_manage():
        raise _refuse(store, who, "narrative.admin_only", f"narrative {period}")
    period = _period(period)
    body = _clean_text(text, "narrative")
    status = PUBLISHED if publish else DRAFT

    def work(conn: Connection) -> Version:
        if conn.dialect.name == "postgresql":  # two saves of one period number in turn
            conn.execute(
                sql("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                {"k": f"evaluation-narrative:{period}"},
            )
        last = conn.execute(
            select(func.coalesce(func.max(_V.c.version), 0)).where(_V.c.period == period)
        ).scalar_one()
        values = dict(
            period=period,
            version=int(last) + 1,
            status=status,
            text=body,
            written_at=_now(),
            written_by=who.label[:200],
        )
        key = conn.execute(_V.insert().values(**values)).inserted_primary_key
        assert key is not None
        action = "narrative_publish" if publish else "narrative_draft"
        _audit(conn, store, who, action, detail=f"{period} v{values['version']}")
        return Version(id=int(key[0]), **values)  # type: ignore[arg-type]

    return _write(store, work)


def versions(store: Store, who: Principal, period: str) -> list[Version]:
    """Every version of ``period``'s narrative, oldest first, as ``who`` may read them:
    drafts only for administrators and initiatives."""
    q = select(_V).where(_V.c.period == period).order_by(_V.c.version)
    if not may_read_drafts(who):
        q = q.where(_V.c.status == PUBLISHED)
    return [_version(r) for r in _read(store, lambda conn: conn.execute(q).all())]


def latest_draft(store: Store, who: Principal, period: str) -> Version | None:
    """The newest version when it is a draft newer than any published one (what is open for
    comments), for those who may read drafts."""
    found = versions(store, who, period) if may_read_drafts(who) else []
    return found[-1] if found and found[-1].status == DRAFT else None


def published(store: Store, period: str | None = None) -> Version | None:
    """The latest published version of ``period`` (None: the one published last).
    Published text is for everyone, so no principal is needed."""
    q = select(_V).where(_V.c.status == PUBLISHED)
    if period:
        q = q.where(_V.c.period == period)
    q = q.order_by(_V.c.written_at.desc(), _V.c.id.desc()).limit(1)
    row = _read(store, lambda conn: conn.execute(q).first())
    return _version(row) if row is not None else None


def add_comment(store: Store, who: Principal, version_id: int, text: str) -> Comment:
    """An initiative's comment on a draft version (initiatives only; once a version of the
    period is published, the drafts before it take no more comments)."""
    if who.role != "initiative" or not who.initiative_id:
        raise _refuse(store, who, "narrative.initiative_only", f"comment on {version_id}")
    body = _clean_text(text, "comment")

    def work(conn: Connection) -> Comment:
        row = conn.execute(select(_V).where(_V.c.id == version_id)).first()
        if row is None:
            raise UserError("narrative.no_version", version=version_id)
        later = select(_V.c.id).where(
            _V.c.period == row.period, _V.c.status == PUBLISHED, _V.c.version > row.version
        )
        if row.status != DRAFT or conn.execute(later.limit(1)).first() is not None:
            raise UserError("narrative.not_a_draft", version=row.version)
        at = _now()
        conn.execute(
            _C.insert().values(
                version_id=version_id,
                initiative_id=who.initiative_id,
                text=body,
                written_at=at,
                written_by=who.label[:200],
            )
        )
        _audit(
            conn,
            store,
            who,
            "narrative_comment",
            initiative_id=who.initiative_id,
            detail=f"{row.period} v{row.version}",
        )
        return Comment(row.version, str(who.initiative_id), body, at)

    return _write(store, work)


def comments(store: Store, who: Principal, period: str) -> list[Comment]:
    """The comments on ``period``'s drafts, oldest first: all of them for an administrator,
    its own for an initiative, none for anyone else."""
    if who.role not in ("admin", "initiative"):
        return []
    q = (
        select(_V.c.version, _C.c.initiative_id, _C.c.text, _C.c.written_at)
        .join_from(_C, _V, _C.c.version_id == _V.c.id)
        .where(_V.c.period == period)
        .order_by(_C.c.id)
    )
    if who.role == "initiative":
        q = q.where(_C.c.initiative_id == who.initiative_id)
    return [Comment(*r) for r in _read(store, lambda conn: conn.execute(q).all())]


# --- the funders' own reflection ---------------------------------------------------------------


def save_reflection(
    store: Store, who: Principal, period: str, funder_name: str, pulled: str, loosened: str
) -> Reflection:
    """Save the signed-in funder's reflection for ``period`` (funders only, their own)."""
    if who.role != "funder":
        raise _refuse(store, who, "narrative.funder_only", f"funder reflection {period}")
    period = _period(period)
    name = _clean_text(funder_name, "funder_name")[:200]
    values: dict[str, Any] = dict(
        funder=who.label[:200],
        funder_name=name,
        period=period,
        pulled=_clean_text(pulled, "pulled"),
        loosened=_clean_text(loosened, "loosened"),
        written_at=_now(),
    )

    def work(conn: Connection) -> None:
        conn.execute(_F.insert().values(**values))
        _audit(conn, store, who, "funder_reflection", detail=f"{period} {name}")

    _write(store, work)
    return Reflection(name, period, values["pulled"], values["loosened"], values["written_at"])


def reflections(store: Store, who: Principal, period: str | None = None) -> list[Reflection]:
    """The latest reflection per funder (and period), newest period first and then by the
    funder's name: what ``who`` may read (see ``may_read_reflections``)."""
    if not may_read_reflections(who):
        return []
    q = select(_F).order_by(_F.c.id)
    if period:
        q = q.where(_F.c.period == period)
    if who.role == "funder":
        q = q.where(_F.c.funder == who.label)
    latest: dict[tuple[str, str], Any] = {}
    for row in _read(store, lambda conn: conn.execute(q).all()):
        latest[(row.funder, row.period)] = row  # a later row replaces an earlier one
    out = [
        Reflection(r.funder_name, r.period, r.pulled, r.loosened, r.written_at)
        for r in latest.values()
    ]
    out.sort(key=lambda r: r.funder_name.casefold())
    out.sort(key=lambda r: r.period, reverse=True)
    return out


# --- reading for the report and the story page ---------------------------------------------


def periods_between(
    available: Sequence[str], period_from: str | None = None, period_to: str | None = None
) -> list[str]:
    """The periods of ``available`` (in time order) from ``period_from`` to ``period_to``."""
    items = list(available)
    start = items.index(period_from) if period_from in items else 0
    end = items.index(period_to) + 1 if period_to in items else len(items)
    return items[start:end]


def published_in(store: Any, periods: Sequence[str]) -> list[Version]:
    """The latest published narrative of each of ``periods`` that has one, in their order."""
    found = (published(store, p) for p in periods)
    return [v for v in found if v is not None]


def for_report(
    store: Store, period_from: str | None = None, period_to: str | None = None
) -> list[Version]:
    """The published narratives of the stored periods from ``period_from`` to ``period_to``:
    what the report's narrative sheet shows (``evaluation.report.narrative``)."""
    return published_in(
        store, periods_between(store.periods(Principal("public")), period_from, period_to)
    )


# --- the sample ------------------------------------------------------------------------------

SAMPLE_FILE = "narrative.yaml"  # in the sample folder's spec/ (beside evaluation.sample's)


def load_sample(store: Any, folder: Path | None) -> int:
    """Save the sample's narrative versions (with the comments on each draft, before the
    next version) and funder reflections into a store that has none yet; the number of
    texts saved. Loading again adds nothing."""
    path = folder / "spec" / SAMPLE_FILE if folder else None
    if path is None or not path.is_file():
        return 0
    spec = load_yaml(path) or {}
    story = spec.get("narrative") or {}
    admin = Principal("admin", name="sample-data")
    if has_texts(store):
        return 0
    saved = 0
    for number, item in enumerate(story.get("versions", []), start=1):
        v = save_narrative(store, admin, story["period"], item["text"], item["status"] == PUBLISHED)
        saved += 1
        for c in story.get("comments", []):
            if c["on_version"] == number:
                who = Principal("initiative", c["initiative"], name="sample-data")
                add_comment(store, who, v.id, c["text"])
                saved += 1
    for item in spec.get("reflections", []):
        funder = Principal("funder", name=item["funder"])
        save_reflection(
            store, funder, item["period"], item["name"], item["pulled"], item["loosened"]
        )
        saved += 1
    return saved
