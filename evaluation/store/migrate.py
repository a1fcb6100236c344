"""Create or upgrade the schema with Alembic, run from code, exactly once however many
processes start at the same time.

The upgrade runs inside one locked transaction (``BEGIN IMMEDIATE`` in SQLite, an advisory
lock in PostgreSQL), so the second process waits and then finds the schema current. A
database at a revision this code does not know (e.g. written by a newer version) is refused
with a message naming both versions, never touched.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from evaluation.errors import UserError
from evaluation.store.settings import BEGIN_MODE

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# an arbitrary constant: the PostgreSQL advisory lock that serialises schema upgrades
_UPGRADE_LOCK = 7_424_911_001
# the newest revision in migrations/versions; a test checks it against Alembic's own head.
# Knowing it here lets a store at the current revision open without importing Alembic.
HEAD = "0011"


class SchemaMismatch(UserError):
    """The database was written by another version of this program."""

    exit_code = 2


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config built in code, pointing into the installed package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in _scripts().walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The revision stamped in the database (None for a fresh one)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    if len(rows) > 1:  # branches this code does not have
        raise SchemaMismatch(
            "store.schema_mismatch", found="+".join(r[0] for r in rows), expected=HEAD
        )
    return rows[0][0] if rows else None


def _check(found: str | None) -> bool:
    """True when an upgrade is needed; refuse a revision this code does not know."""
    if found == HEAD:
        return False
    if found is not None and found not in known_revisions():
        raise SchemaMismatch("store.schema_mismatch", found=found, expected=HEAD)
    return True


def upgrade(engine: Engine) -> None:
    """Bring the schema to this code's head revision (or refuse; see the module docstring)."""
    with engine.connect() as conn:
        with conn.begin():
            needed = _check(current_revision(conn))
        if not needed:
            return
    with engine.connect() as conn:
        conn = conn.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _UPGRADE_LOCK})
            if _check(current_revision(conn)):
                from alembic import command

                command.upgrade(alembic_config(conn), HEAD)
