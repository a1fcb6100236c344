"""The first start of a fresh database: the sample data are loaded while the page shows how
far it has come ("12 of 90 reports"), instead of a blank page (issue 19).

Why a thread: the load takes half a minute on a fresh clone, and a Streamlit run that did it
itself could show nothing until it ended. One load per server process runs in the
background, through the same import path as ever (``evaluation.submit.ensure_initialised``);
every visitor's run meanwhile draws its progress bar from the shared count and waits. On a
database already prepared (``evaluation init`` before the server, or any later start)
the thread finds it filled and ends at once; after that each run returns immediately.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from evaluation.i18n import t
from evaluation.store import Store
from evaluation.submit import ensure_initialised

POLL_S = 0.3


@dataclass
class _Load:
    """The one background load of this process, and how far it has come."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    thread: threading.Thread | None = None
    done: int = 0
    total: int = 0
    finished: bool = False

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def run(self, url: str) -> None:
        try:
            store = Store.open(url or None)
            try:
                ensure_initialised(store, with_sample_data=True, on_progress=self.progress)
            finally:
                store.close()
        except Exception:  # noqa: BLE001 - the page opens the store next and says what failed
            pass
        finally:
            self.finished = True


@st.cache_resource(show_spinner=False)
def _load(url: str) -> _Load:
    return _Load()


def wait_for_sample(lang: str) -> None:
    """Before the first use of the store in a run: load the sample into a fresh database in
    the background, showing how many reports of how many are in so far."""
    load = _load(os.environ.get("EVALUATION_DATABASE_URL", ""))
    if load.finished:
        return
    with load.lock:
        if load.thread is None:
            url = os.environ.get("EVALUATION_DATABASE_URL", "")
            load.thread = threading.Thread(target=load.run, args=(url,), daemon=True)
            load.thread.start()
    bar = None
    time.sleep(POLL_S)  # a database already filled is found so in a moment: no bar at all
    while not load.finished:
        text = t("ui.app.first_start", lang)
        if load.total:
            text = t("ui.app.first_start_progress", lang, n=load.done, of=load.total)
        share = load.done / load.total if load.total else 0.0
        if bar is None:
            bar = st.progress(share, text=text)
        else:
            bar.progress(share, text=text)
        time.sleep(POLL_S)
    if bar is not None:
        bar.empty()
