"""Whether the dashboard can serve its first page (issue 20): what ``evaluation ready`` says.

Streamlit's ``/_stcore/health`` answers ``ok`` as soon as the server listens. On a database
that nobody prepared, the first visit then creates the schema and imports the sample data
(half a minute) before any page shows. Ready therefore means two things: the server answers
its health check, and the database it uses has this code's schema and has been prepared
(``evaluation init``, with or without the sample data), so that the first page only reads.

Checking is read-only: it never creates a database file, upgrades a schema or fills anything
(``Store.open`` would). Each check returns the reasons it is not ready, as string keys with
their parameters (``evaluation/data/strings/ready.yaml``); none means ready.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

HEALTH_PATH = "/_stcore/health"  # Streamlit's own health check

Reason = tuple[str, dict[str, object]]


def server_reasons(base_url: str, timeout: float = 5.0) -> list[Reason]:
    """Why the dashboard at ``base_url`` does not answer its health check (none: it does)."""
    url = base_url.rstrip("/") + HEALTH_PATH
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return [("ready.server_down", {"url": base_url, "reason": str(reason)})]
    if status == 200:
        return []
    return [("ready.server_status", {"url": base_url, "status": status})]


def store_reasons(url: str | None = None) -> list[Reason]:
    """Why the database (``url``, else the configured one, as the dashboard finds it) would
    make the first page wait: missing, an older schema, or never prepared."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from evaluation.store import Store, migrate
    from evaluation.store.settings import make_engine, resolve_url

    resolved = resolve_url(url)
    parsed = make_url(resolved)
    shown = parsed.render_as_string(hide_password=True)
    file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if file and file != ":memory:" and not Path(file).is_file():  # connecting would make it
        return [("ready.no_database", {"url": shown})]
    engine = make_engine(resolved)
    try:
        with engine.connect() as conn:
            revision = migrate.current_revision(conn)
        if revision != migrate.HEAD:
            return [("ready.schema", {"url": shown, "found": revision or "-"})]
        if Store(engine, resolved).is_empty():
            return [("ready.not_prepared", {"url": shown})]
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return [("ready.database_unreachable", {"url": shown, "reason": reason})]
    finally:
        engine.dispose()
    return []


def reasons(base_url: str | None, database: str | None = None) -> list[Reason]:
    """Everything that keeps the first page from being served now (none: ready). Without
    ``base_url`` only the database is checked (before the server is started)."""
    found = store_reasons(database)
    if base_url:
        found = server_reasons(base_url) + found
    return found
