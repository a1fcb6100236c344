"""Alembic environment for the evaluation store.

The app runs migrations itself (``evaluation.store.migrate``) and passes the connection it
holds inside a locked transaction, so that several processes starting at once upgrade the
schema exactly once. Run from the command line (``alembic -c evaluation/migrations/alembic.ini``)
it connects to ``EVALUATION_DATABASE_URL`` or the ini's URL instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from evaluation.store.schema import Base
from evaluation.store.settings import make_engine, resolve_url

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(resolve_url(config.get_main_option("sqlalchemy.url") or None))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    context.configure(url=resolve_url(config.get_main_option("sqlalchemy.url") or None))
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
