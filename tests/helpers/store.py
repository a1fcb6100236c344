"""Shared pieces of the store tests: small valid reports, database URLs, child processes (the
``db_url`` fixture is in ``conftest.py``).

Reports are built in code (a few rows per sheet) so the storage tests stay fast on two cores;
the workbook tests write them to real .xlsx files with ``evaluation.template.write_report``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from evaluation.access import Principal
from evaluation.model import Report


def make_report(
    initiative_id: str = "taalcafe-oost",
    name: str = "Taalcafé Oost",
    year: int = 2025,
    quarter: int = 1,
    variant: int = 0,
    partner: str = "Gemeente Amsterdam",
    partner_type: str = "municipality",
) -> Report:
    """A small, valid report; ``variant`` changes the numbers (a correction)."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    profile = pd.DataFrame(
        [
            {
                "initiative_id": initiative_id,
                "name": name,
                "city": "Amsterdam",
                "founded_year": 2016,
                "organisation_form": "citizen_initiative",
                "phase_arrival": "secondary",
                "phase_landing": "primary",
                "phase_future": "none",
                "period_start": start,
                "period_end": end,
                "mission": "Een plek waar nieuwkomers en buren elkaar als mens ontmoeten.",
                "intentions": "Meer avonden die nieuwkomers zelf organiseren.",
                "written_with": "with_newcomers",
                "_row": 3,
            }
        ]
    )
    own = pd.DataFrame(
        [
            {
                "indicator": "own_shared_meals",
                "label": "Gedeelde maaltijden",
                "definition": "Maaltijden die samen gekookt zijn",
                "dimension": "relational",
                "unit": "count",
                "phase": "landing",
                "_row": 3,
            }
        ]
    )
    activities = pd.DataFrame(
        [
            {
                "activity_type": "Taalcafé",
                "phase": "landing",
                "activities_held": 12.0 + variant,
                "newcomers_participating": 30.0 + variant,
                "residents_participating": 14.0,
                "volunteer_hours": 96.0,
                "people_hosted_or_housed": None,
                "language_practice_hours": 36.0,
                "starts_paid_work": None,
                "starts_internship": None,
                "starts_education": None,
                "_row": 3,
            }
        ]
    )
    indicators = pd.DataFrame(
        [
            {
                "indicator": "new_contacts",
                "phase": "landing",
                "value": 18.0 + variant,
                "numerator": None,
                "denominator": None,
                "note": "vooral via de kookavonden",
                "_row": 3,
            },
            {
                "indicator": "newcomers_in_lead_roles",
                "phase": None,
                "value": 3.0,
                "numerator": None,
                "denominator": None,
                "note": None,
                "_row": 4,
            },
            {
                "indicator": "own_shared_meals",
                "phase": None,
                "value": 7.0,
                "numerator": None,
                "denominator": None,
                "note": None,
                "_row": 5,
            },
        ]
    )
    stories = pd.DataFrame(
        [
            {
                "date": start + dt.timedelta(days=20),
                "title": "Ik kookte voor de buren",
                "text": "Voor het eerst was ik de gastheer.",
                "voice": "newcomer",
                "phase": "landing",
                "theme": "role_shift",
                "theme_2": "reciprocity",
                "why_it_matters": "Ik was niet alleen de vluchteling.",
                "consent_recorded": "yes",
                "visibility": "funders",
                "_row": 3,
            },
            {
                "date": start + dt.timedelta(days=40),
                "title": "Een vriendschap",
                "text": "We zien elkaar nu ook buiten het café.",
                "voice": "volunteer",
                "phase": "landing",
                "theme": "warm_relationships",
                "theme_2": None,
                "why_it_matters": "Het gaat om relaties, niet om contacten.",
                "consent_recorded": "yes",
                "visibility": "initiative",
                "_row": 4,
            },
        ]
    )
    network = pd.DataFrame(
        [
            {
                "partner": partner,
                "partner_type": partner_type,
                "relation": "referral_out",
                "count": 4.0,
                "phase": "future",
                "description": "doorverwezen naar werk",
                "_row": 3,
            },
        ]
    )
    reflection = pd.DataFrame(
        [
            {"question": "roles_shifted", "answer": "Nieuwkomers leiden nu de avond.",
             "self_view": None, "_row": 3},
            {"question": "quality_role_fluidity", "answer": None, "self_view": "3", "_row": 4},
        ]
    )  # fmt: skip
    return Report(profile, own, activities, indicators, stories, network, reflection)


def admin(name: str = "beheer") -> Principal:
    return Principal("admin", name=name)


def initiative(initiative_id: str) -> Principal:
    return Principal("initiative", initiative_id=initiative_id, name=f"coordinator {initiative_id}")


def forget_kept_states(url: str) -> None:
    """Delete the current states kept in the database (``evaluation.store.snapshot``): the
    next new store reads the state from the tables."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM state_snapshots"))
    finally:
        engine.dispose()


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'evaluation.sqlite'}"


def postgres_database(base_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    name = f"evaluation_t_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def env_without_database() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("EVALUATION_DATABASE_URL", None)
    return env


def write_workbooks(folder: Path, specs: list[tuple[str, str, int, int]]) -> list[Path]:
    """Real .xlsx files, one per (initiative id, name, quarter, variant), via write_report."""
    from evaluation.template import write_report

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for ini, name, quarter, variant in specs:
        path = folder / f"{ini}_2025-Q{quarter}_v{variant}.xlsx"
        write_report(make_report(ini, name, quarter=quarter, variant=variant), path)
        paths.append(path)
    return paths


def import_in_child(url, path, initiative_id, barrier, queue, pause_file=None) -> None:  # type: ignore[no-untyped-def]
    """Run in a spawned process: open the store, wait for the others, import one workbook.

    With ``pause_file`` the import stops inside its transaction after inserting its first
    tidy rows (a SQLAlchemy event this child installs on its own engine; the store has no
    test hook) so that the parent can kill this process there."""
    from evaluation.store import Store
    from evaluation.submit import submit

    try:
        store = Store.open(url)
        if pause_file:
            pause_after_first_tidy_rows(store, Path(pause_file))
        if barrier is not None:
            barrier.wait(timeout=300)
        data = Path(path).read_bytes()
        out = submit(store, data, Path(path).name, initiative(initiative_id))
        queue.put((initiative_id, out.status, out.submission_id, ""))
    except BaseException as exc:  # report everything: the test asserts nothing went wrong
        queue.put((initiative_id, "error", None, f"{type(exc).__name__}: {exc}"))


def pause_after_first_tidy_rows(store, marker: Path) -> None:  # type: ignore[no-untyped-def]
    """Make this process stop for good inside the import's write transaction, right after
    the first tidy rows are inserted: write ``marker``, then sleep until the parent kills
    the process."""
    from sqlalchemy import event

    from evaluation.store.schema import TIDY_TABLES

    inserts = tuple(f"INSERT INTO {table.name} " for table in TIDY_TABLES.values())

    @event.listens_for(store.engine, "after_cursor_execute")
    def _pause(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith(inserts):
            marker.write_text("inside the transaction")
            time.sleep(600)
