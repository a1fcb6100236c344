"""``evaluation ready [--url URL] [--database URL] [--wait SECONDS]``: can the dashboard serve
its first page now?

evaluation ready                                  # the dashboard on this machine, port 8501
evaluation ready --url http://127.0.0.1:8502 --wait 120   # after a restart, until it is
evaluation ready --no-server                      # only the database (before starting it)

Ready: the server answers its health check and the database it uses has this code's schema
and has been prepared, so the first visit reads, not imports (``evaluation.readiness``).
Read-only. Exit codes: 0 ready, 1 not ready (each reason printed).
"""

from __future__ import annotations

import argparse
import time

from evaluation.i18n import t

POLL_SECONDS = 1.0
DEFAULT_URL = "http://127.0.0.1:8501"  # where `streamlit run` listens by default


def _h(key: str) -> str:
    return t(f"ready.help.{key}", "en")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ready", help=_h("ready"), description=_h("ready"))
    p.add_argument("--url", metavar="URL", default=DEFAULT_URL, help=_h("url"))
    p.add_argument("--no-server", action="store_true", help=_h("no_server"))
    p.add_argument("--database", metavar="URL", default=None, help=_h("database"))
    p.add_argument("--wait", metavar="SECONDS", type=float, default=0.0, help=_h("wait"))
    p.add_argument("--lang", choices=["nl", "en"], default="nl", help=_h("lang"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from evaluation.readiness import reasons

    base_url = None if args.no_server else args.url
    deadline = time.monotonic() + max(args.wait, 0.0)
    while True:
        found = reasons(base_url, args.database)
        if not found or time.monotonic() >= deadline:
            break
        time.sleep(POLL_SECONDS)
    if not found:
        key = "ready.database_ready" if base_url is None else "ready.ready"
        print(t(key, args.lang, url=base_url or ""))
        return 0
    for key, params in found:
        print(t(key, args.lang, **params))
    return 1
