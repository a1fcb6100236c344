"""The store as one object: every upload kept as an immutable submission, the current state
derived. ``Store`` is a facade over modules that each do one job:

- ``engine``: opening the database, and the unit of work (``Store.read``, ``Store.write``);
- ``schema``: every table;
- ``submissions``: storing a read and validated report (accepted, rejected, superseding);
- ``queries``: the current state as a ``Dataset``, its periods, the submissions listing;
- ``registry``: the initiatives and their names;
- ``audit``: the audit trail.

The store never reads a workbook: ``evaluation.submit`` reads one and then stores it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select

from evaluation.access import Principal
from evaluation.model import Dataset, Report
from evaluation.problems import Problem
from evaluation.store import audit, carry, queries, registry, submissions, supersede
from evaluation.store.engine import Database
from evaluation.store.schema import (
    AuditEntry,
    FunderReflection,
    Initiative,
    NarrativeComment,
    NarrativeVersion,
    Portfolio,
    PortfolioInitiative,
    PortfolioMember,
    ReportingArrangement,
    Submission,
    table_of,
)
from evaluation.store.submissions import ImportOutcome

__all__ = ["ImportOutcome", "Store"]


class Store(Database):
    """The versioned store. Open with ``Store.open(url)``; see the module docstring."""

    # --- state -------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """True for a fresh database: no submission, no initiative and no audit line (so a
        database initialised on purpose without sample data is never filled with it)."""
        tables = (table_of(Submission), table_of(Initiative), table_of(AuditEntry))

        def work(conn: Connection) -> bool:
            return all(conn.execute(select(t.c[0]).limit(1)).first() is None for t in tables)

        return self.read(work)

    def mark_initialised(self, principal: Principal, loaded: int) -> None:
        """The audit line that makes a fresh database no longer fresh."""
        detail = f"sample submissions: {loaded}"
        self.write(lambda conn: audit.record(conn, principal, "init", detail=detail))

    # --- submissions -------------------------------------------------------------------

    def duplicate(
        self, data: bytes, file_name: str, principal: Principal, initiative_id: str | None
    ) -> ImportOutcome | None:
        """The ``duplicate`` outcome when these bytes are already current (``submissions``)."""
        return submissions.duplicate(self, data, file_name, principal, initiative_id)

    def store_report(
        self,
        data: bytes,
        file_name: str,
        principal: Principal,
        report: Report | None,
        problems: list[Problem],
        initiative_id: str | None = None,
        unreadable: bool = False,
        *,
        replace_overlapping: bool = False,
        upload_limit: int | None = None,
        name_refusal: registry.NameRefusal | None = None,
    ) -> ImportOutcome:
        """Store an upload whose workbook has been read (``submissions.store_report``). (The
        benchmark calls this directly to time storage alone.)"""
        return submissions.store_report(
            self, data, file_name, principal, report, problems, initiative_id, unreadable,
            replace_overlapping=replace_overlapping, upload_limit=upload_limit,
            name_refusal=name_refusal,
        )  # fmt: skip

    def overlapping(
        self, principal: Principal, initiative_id: str, start: dt.date, end: dt.date
    ) -> list[supersede.Current]:
        """What an upload for start..end would replace besides its own period."""
        return submissions.overlapping(self, principal, initiative_id, start, end)

    def own_declarations(self, initiative_id: str) -> list[dict[str, Any]]:
        """The initiative's stored own indicator declarations, latest of each (``carry``).
        Used while reading its upload: they are the initiative's own, not shown to others."""
        return self.read(lambda conn: carry.own_declarations(conn, initiative_id))

    def all_own_declarations(self) -> dict[str, list[dict[str, Any]]]:
        """Every initiative's ``own_declarations``, keyed by initiative id (``carry``)."""
        return self.read(carry.all_own_declarations)

    # --- reads -------------------------------------------------------------------------

    def periods(self, principal: Principal, initiative_ids: list[str] | None = None) -> list[str]:
        """The period labels of the current state, in time order (``queries.periods``).

        Lets a page offer its period choice before it loads any data. Period labels carry no
        unpublished material, so every role may ask (of the initiatives in its scope)."""
        if principal.scope is not None:
            allowed = sorted(principal.scope)
            initiative_ids = (
                [i for i in initiative_ids if i in principal.scope] if initiative_ids else allowed
            )
        return queries.periods(self, initiative_ids)

    def current_dataset(
        self,
        principal: Principal,
        initiative_ids: list[str] | None = None,
        period_from: str | None = None,
        period_to: str | None = None,
    ) -> Dataset:
        """The current state as a tidy ``Dataset`` (``queries.current_dataset``)."""
        return queries.current_dataset(self, principal, initiative_ids, period_from, period_to)

    def submissions(self, principal: Principal, initiative_id: str | None = None) -> pd.DataFrame:
        """Every submission, newest first (``queries.submissions``)."""
        return queries.submissions(self, principal, initiative_id)

    def submission_problems(self, principal: Principal, submission_id: int) -> list[Problem]:
        """The problems found in one submission (its initiative or an admin)."""
        return queries.submission_problems(self, principal, submission_id)

    def raw(self, principal: Principal, submission_id: int) -> tuple[str, bytes]:
        """The file name and the exact bytes that were uploaded (the read is audited)."""
        return queries.raw(self, principal, submission_id)

    def audit(self, principal: Principal) -> pd.DataFrame:
        """The audit trail, oldest first (admins only)."""
        return audit.trail(self, principal)

    def data_version(self) -> tuple[int, ...]:
        """What changes whenever the data an output shows may have: the newest row of each
        table a change of data inserts into (submissions, arrangements, narrative versions,
        comments, funders' reflections) and the number of registered initiatives. One read
        of primary-key maxima, cheap on every page run. Sign-ins and other audit lines do
        not move it, so a burst of sign-in attempts cannot empty every cache. Portfolios
        and their memberships move it too: they change who reads which initiatives. Their
        rows are also deleted, so each of those tables gives its newest id and its row count:
        ids are never used twice, so the rows at or under an id only ever shrink, and the
        two figures are the same only where the rows are."""
        tables = (Submission, ReportingArrangement, NarrativeVersion, NarrativeComment)
        maxima = [select(func.max(table_of(m).c.id)).scalar_subquery() for m in tables]
        maxima.append(select(func.max(table_of(FunderReflection).c.id)).scalar_subquery())
        count = select(func.count()).select_from(table_of(Initiative)).scalar_subquery()
        for model in (Portfolio, PortfolioInitiative, PortfolioMember):
            maxima.append(select(func.max(table_of(model).c.id)).scalar_subquery())
            maxima.append(select(func.count()).select_from(table_of(model)).scalar_subquery())
        row = self.read(lambda conn: conn.execute(select(*maxima, count)).one())
        return tuple(int(v or 0) for v in row)

    # --- the registry ------------------------------------------------------------------

    def initiatives(self, principal: Principal) -> pd.DataFrame:
        """Initiative ids and names, in the neutral order of their names (``registry``):
        those of the principal's scope (its portfolios)."""
        frame = registry.initiatives(self)
        if principal.scope is None:
            return frame
        return frame[frame["initiative_id"].isin(principal.scope)].reset_index(drop=True)

    def add_initiative(self, principal: Principal, initiative_id: str, name: str) -> None:
        """Register an initiative (admins only)."""
        registry.add_initiative(self, principal, initiative_id, name)
