"""The initiative registry: who is in the programme, under which name (issue 21: one name,
one initiative).

An initiative is registered by an admin (``add_initiative``) or by its first accepted upload.
A code always means its own initiative; a name belongs to the first initiative that held it,
so an upload may not carry another initiative's name (``name_taken``), and referrals to a
name are credited to its owner.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select

from evaluation import access
from evaluation.access import Principal
from evaluation.catalogue import fold, load_catalogue
from evaluation.errors import UserError
from evaluation.model import Report
from evaluation.problems import Problem
from evaluation.schemas import ID_PATTERN
from evaluation.store import audit
from evaluation.store.engine import Database
from evaluation.store.schema import Initiative, Profile, Submission, table_of

NAME_TAKEN = "initiative_name_taken"
# builds the refusal of a taken name, given the owner's id and name: the submit service
# passes one that finds the name's cell in the workbook (the store reads no workbooks)
NameRefusal = Callable[[str, str], Problem]

_S = table_of(Submission)
_I = table_of(Initiative)
_P = table_of(Profile)


def distinct_names(rows: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """(id, name) pairs where no two initiatives show one name: a name that two or more hold
    (a store from before names were checked, issue 21) is shown with each one's code."""
    counts: dict[str, int] = {}
    for _, name in rows:
        if name:
            counts[fold(name)] = counts.get(fold(name), 0) + 1
    return [
        (rid, f"{name} ({rid})" if name and counts[fold(name)] > 1 else name) for rid, name in rows
    ]


def registered_names(conn: Connection) -> dict[str, str]:
    """Folded id and registered name -> initiative id (cheap: one row per initiative).

    A code always means its own initiative, whatever name another one wrote; a name held
    by two (a store from before names were checked) stays with the first registered.
    """
    known: dict[str, str] = {}
    rows = conn.execute(
        select(_I.c.initiative_id, _I.c.name).order_by(_I.c.added_at, _I.c.initiative_id)
    ).all()
    for rid, rname in rows:
        known.setdefault(fold(rname), rid)
    for rid, _ in rows:
        known[fold(rid)] = rid
    return known


def known_names(conn: Connection) -> dict[str, str]:
    """Folded id and name (registered and every profile name) -> initiative id.

    Codes first, then registered names, then profile names, each name to the first
    initiative that held it (issue 21): a later profile that wrote another initiative's
    name does not take over the referrals to it.
    """
    known = registered_names(conn)
    fold_once = functools.cache(fold)  # every quarter repeats the name: fold it once
    q = select(_S.c.initiative_id, _P.c.name).join_from(_P, _S, _P.c.submission_id == _S.c.id)
    for rid, rname in conn.execute(q.where(_S.c.status == "accepted").order_by(_S.c.id)):
        if rname:
            known.setdefault(fold_once(rname), rid)
    return known


@dataclass(frozen=True)
class NameSnapshot:
    """What ``names`` last read, with the version it was read at."""

    initiatives: int  # rows in ``initiatives`` (only ever inserted)
    accepted: int  # accepted submissions (only ever added; none changes its status)
    last: int  # the highest accepted submission id
    registered: dict[str, str]  # ``registered_names``
    profiles: dict[str, str]  # folded profile name -> first initiative (in submission order)
    known: dict[str, str]  # ``known_names``


def _newer_profiles(conn: Connection, after: int, into: dict[str, str]) -> int:
    """Add the profile names of accepted submissions after id ``after`` (first holder
    wins, in submission order); the number of those submissions."""
    q = select(_S.c.id, _S.c.initiative_id, _P.c.name).outerjoin(_P, _P.c.submission_id == _S.c.id)
    q = q.where(_S.c.status == "accepted", _S.c.id > after).order_by(_S.c.id)
    fold_once = functools.cache(fold)  # every quarter repeats the name: fold it once
    ids = set()
    for sid, rid, rname in conn.execute(q):
        ids.add(sid)
        if rname:
            into.setdefault(fold_once(rname), rid)
    return len(ids)


_VERSION = select(
    select(func.count()).select_from(_I).scalar_subquery(),
    select(func.count()).where(_S.c.status == "accepted").scalar_subquery(),
    select(func.coalesce(func.max(_S.c.id), 0)).where(_S.c.status == "accepted").scalar_subquery(),
)


def names(db: Database) -> tuple[dict[str, str], dict[str, str]]:
    """``registered_names`` and ``known_names`` as they are now, without re-reading every
    profile on every upload: what was read before is kept with the version it was read at
    (rows in ``initiatives``, count and highest id of accepted submissions, read from the
    database on each call; rows of both are only ever added), and only what is newer is
    read. A version that does not add up (an earlier id committed late) reads everything
    again. The dicts are shared: read them, never change them."""
    found = db.read(lambda conn: names_in(conn, db))
    return found.registered, found.known


def names_seen(db: Database) -> NameSnapshot | None:
    """What ``names`` or ``names_in`` last read on ``db`` (no query): a snapshot that may
    be behind the database, for work that ``names_in`` checks again in its transaction."""
    return getattr(db, "_names", None)


def names_in(conn: Connection, db: Database) -> NameSnapshot:
    """``names`` in the caller's transaction (an upload reads them where it writes)."""
    n_init, n_acc, last = (int(v) for v in conn.execute(_VERSION).one())
    seen = names_seen(db)
    if seen is not None and (seen.initiatives, seen.accepted, seen.last) == (n_init, n_acc, last):
        return seen
    if seen is not None and seen.initiatives == n_init:
        registered = seen.registered
    else:
        registered = registered_names(conn)
    profiles = dict(seen.profiles) if seen is not None else {}
    newer = _newer_profiles(conn, seen.last, profiles) if seen is not None else -1
    if seen is None or seen.accepted + newer != n_acc:
        profiles = {}
        _newer_profiles(conn, 0, profiles)
    # codes and registered names first, then profile names (``known_names``)
    found = NameSnapshot(n_init, n_acc, last, registered, profiles, profiles | registered)
    db._names = found  # type: ignore[attr-defined]
    return found


def name_owner(name: object, initiative_id: str, owners: dict[str, str]) -> str | None:
    """The other initiative that ``name`` (a name or a code, folded) belongs to, if any; a
    name of the uploader itself, or one nobody holds, gives None."""
    if name is None:
        return None
    owner = owners.get(fold(name))
    return owner if owner is not None and owner != initiative_id else None


def _unlocated(report: Report, owner: str, owner_name: str) -> Problem:
    """The refusal at the Profile sheet, without a cell."""
    sheet = load_catalogue().section("profile").name("nl")
    params = {"initiative": owner_name, "initiative_id": owner}
    return Problem(
        NAME_TAKEN, "error", sheet, None, None, str(report.profile.iloc[0]["name"]), params
    )


def name_taken(
    db: Database,
    report: Report,
    refusal: NameRefusal | None = None,
    known: dict[str, str] | None = None,
    conn: Connection | None = None,
) -> Problem | None:
    """The refusal of a profile name (or code) that is another initiative's (issue 21);
    ``known`` is ``known_names`` when the caller has just read it (``names``), ``conn``
    the caller's transaction, if any."""
    profile = report.profile.iloc[0]
    known = names(db)[1] if known is None else known
    owner = name_owner(profile.get("name"), str(profile["initiative_id"]), known)
    if owner is None:
        return None

    def owner_of(c: Connection) -> str | None:
        return c.execute(select(_I.c.name).where(_I.c.initiative_id == owner)).scalar_one_or_none()

    owner_name = owner_of(conn) if conn is not None else db.read(owner_of)
    if refusal is not None:
        return refusal(owner, owner_name or owner)
    return _unlocated(report, owner, owner_name or owner)


def initiatives(db: Database) -> pd.DataFrame:
    """Initiative ids and names (the latest profile's name where there is one), in the
    neutral order of their names."""

    def work(conn: Connection) -> list[tuple[str, str]]:
        names = {rid: rname for rid, rname in conn.execute(select(_I.c.initiative_id, _I.c.name))}
        latest = (
            select(_S.c.initiative_id, _P.c.name)
            .join_from(_P, _S, _P.c.submission_id == _S.c.id)
            .where(_S.c.status == "accepted", _S.c.superseded_by.is_(None))
            .order_by(_S.c.period_end, _S.c.id)
        )
        for rid, rname in conn.execute(latest):
            if rname:
                names[rid] = rname
        return list(names.items())

    rows = distinct_names(db.read(work))
    rows.sort(key=lambda r: (fold(r[1]), r[0]))
    return pd.DataFrame(rows, columns=["initiative_id", "name"])


def add_initiative(db: Database, principal: Principal, initiative_id: str, name: str) -> None:
    """Register an initiative (admins only)."""
    access.require_manage(principal)
    if not ID_PATTERN.match(initiative_id or ""):
        raise UserError("store.invalid_initiative_id", initiative=initiative_id)
    if not (name or "").strip():
        raise UserError("store.initiative_name_missing", initiative=initiative_id)

    def work(conn: Connection) -> None:
        exists = conn.execute(
            select(_I.c.initiative_id).where(_I.c.initiative_id == initiative_id)
        ).first()
        if exists:
            raise UserError("store.initiative_exists", initiative=initiative_id)
        owner = known_names(conn).get(fold(name))
        if owner is not None:  # issue 21: one name, one initiative
            raise UserError("store.initiative_name_exists", name=name.strip(), initiative=owner)
        conn.execute(
            _I.insert().values(
                initiative_id=initiative_id,
                name=name.strip()[:200],
                added_at=audit.now(),
                added_by=principal.label,
            )
        )
        audit.record(conn, principal, "add_initiative", None, initiative_id, name.strip())

    db.write(work)
