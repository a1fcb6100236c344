"""The read-only API as its users start it, and one GET over HTTP (shared by the API and
the portfolio tests)."""

from __future__ import annotations

import contextlib
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from conftest import free_port, server_process


@contextlib.contextmanager
def api_server(url: str, log_path: Path) -> Iterator[str]:
    """``evaluation api --database URL --port N``, as the README starts it; its base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "evaluation.cli", "api", "--database", url, "--port", str(port)]
    with server_process(cmd, port, "/health", log_path, wait_s=60) as base:
        yield base


def get(
    url: str, token: str | None = None, lang: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One GET over HTTP: the status, the headers and the body (also for a refusal)."""
    req = urllib.request.Request(url)
    if token is not None:
        req.add_header("Authorization", f"Bearer {token}")
    if lang:
        req.add_header("Accept-Language", lang)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
