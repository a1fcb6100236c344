"""Where the store lives and how to talk to it safely.

The URL comes from, in order: the argument, ``EVALUATION_DATABASE_URL``, ``[database] url``
in ``evaluation.toml`` in the working directory, else an embedded SQLite file
``./data/evaluation.sqlite``. SQLite is tuned for many processes writing one file: WAL
journal (readers never block the writer), a long ``busy_timeout``, and ``BEGIN IMMEDIATE``
for write transactions so a writer waits for the lock up front instead of failing half way
with "database is locked" when it upgrades a read lock.

The sample data a fresh database is filled with comes from one folder (``sample_folder``):
``EVALUATION_SAMPLE_DATA``, else ``[sample] folder`` in ``evaluation.toml``, else the
``sample_data/`` of the repository checkout: the working directory when it is one, else the
checkout an editable install (``pip install -e .``) points to, as its install record says
(``direct_url.json``, PEP 610). A regular install has no checkout, so without the setting
there is no sample data (the sample is the repository's, not the package's).

A refused upload keeps its raw bytes only up to ``EVALUATION_KEEP_REFUSED_KB`` (default
512 KB), never above the upload limit (``keep_refused_bytes``), so refused uploads cannot
fill the disk.
"""

from __future__ import annotations

import json
import os
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

ENV_VAR = "EVALUATION_DATABASE_URL"
SAMPLE_ENV_VAR = "EVALUATION_SAMPLE_DATA"
CONFIG_FILE = "evaluation.toml"
SAMPLE_FOLDER = "sample_data"
DISTRIBUTION = "evaluation"  # the name in pyproject.toml
KEEP_REFUSED_ENV = "EVALUATION_KEEP_REFUSED_KB"
KEEP_REFUSED_DEFAULT_KB = 512
DEFAULT_SQLITE = Path("data") / "evaluation.sqlite"
# milliseconds SQLite waits for a lock before it gives up (the retry loop adds more)
BUSY_TIMEOUT_MS = 30_000
# execution option read by the "begin" hook: "IMMEDIATE" for write transactions in SQLite
BEGIN_MODE = "evaluation_begin_mode"


def _configured(table: str, key: str) -> str | None:
    """``[table] key`` in ``evaluation.toml`` in the working directory, if set."""
    config = Path.cwd() / CONFIG_FILE
    if not config.is_file():
        return None
    with config.open("rb") as fh:
        value = tomllib.load(fh).get(table, {}).get(key)
    return str(value) if value else None


def config_value(table: str, key: str) -> str | None:
    """``[table] key`` in ``evaluation.toml`` in the working directory, if set (for the
    settings of other parts: mail, the app's address)."""
    return _configured(table, key)


def resolve_url(url: str | None = None) -> str:
    """The database URL to use (see the module docstring for the order)."""
    if url:
        return _with_driver(url)
    if os.environ.get(ENV_VAR):
        return _with_driver(os.environ[ENV_VAR])
    configured = _configured("database", "url")
    if configured:
        return _with_driver(configured)
    path = (Path.cwd() / DEFAULT_SQLITE).resolve()
    return f"sqlite:///{path}"


def sample_folder() -> Path | None:
    """The folder of the sample data (see the module docstring for the order), or None."""
    configured = os.environ.get(SAMPLE_ENV_VAR) or _configured("sample", "folder")
    if configured:
        return Path(configured).resolve()
    for checkout in (Path.cwd(), _editable_checkout()):
        if checkout is None:
            continue
        folder = checkout / SAMPLE_FOLDER
        if (checkout / "pyproject.toml").is_file() and folder.is_dir():
            return folder.resolve()
    return None


def _editable_checkout() -> Path | None:
    """The source folder of an editable install of this package, from its install record
    (``direct_url.json``, PEP 610); None for a regular install or none at all."""
    try:
        record = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    try:
        info = json.loads(record or "{}")
    except ValueError:
        return None
    url = urlparse(str(info.get("url", "")))
    if not info.get("dir_info", {}).get("editable") or url.scheme != "file":
        return None
    return Path(url2pathname(url.path))


def keep_refused_bytes(upload_limit: int | None = None) -> int:
    """How many bytes of a refused upload are kept: ``EVALUATION_KEEP_REFUSED_KB`` (default
    512 KB), never more than ``upload_limit`` (the reader's, passed by ``evaluation.submit``).
    A larger refused file is recorded (hash, size, reason, who) without its bytes."""
    raw = os.environ.get(KEEP_REFUSED_ENV, "").strip()
    try:
        kb = float(raw) if raw else KEEP_REFUSED_DEFAULT_KB
    except ValueError:
        kb = KEEP_REFUSED_DEFAULT_KB
    kept = max(0, int(kb * 1024))
    return kept if upload_limit is None else min(kept, upload_limit)


def _with_driver(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the driver this package installs)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine with the settings this store relies on (see the module docstring)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # several app replicas: keep few connections each, and check them before use
        return create_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # pooled connections: closing the last connection to a WAL database checkpoints and
    # removes the WAL file, which would cost every transaction an extra disk sync
    engine = create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take transaction control away from the sqlite3 module: the "begin" hook emits BEGIN
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(BEGIN_MODE, "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine
