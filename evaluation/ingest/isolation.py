"""Reading a workbook in a child process, so that the reader cannot take the server down.

The safety checks (``safety.py``) bound every size before a reader starts; this is the second
wall. The reader (calamine, Arrow, pandas: native code) runs in a process forked for the one
upload, with an address-space limit (``EVALUATION_READ_MEMORY_MB`` above what the process
already maps, default 2048) and a time limit (``EVALUATION_READ_SECONDS``, default 120, as
CPU seconds in the child and as wall-clock seconds in the parent, which then kills it). A
native crash or an allocation failure ends the child only; the upload gets the problem
``reader_failed`` (or ``reader_timeout``), and the dashboard keeps serving everyone else.

Why ``fork``: the child starts with the parent's imported modules and caches, so it costs a
few milliseconds (``benchmarks/hostile.py`` measures it on the sample uploads; the goal is
under 0.1 s), where a fresh interpreter would spend a second importing pandas. The result
comes back pickled through a pipe. The child never touches the parent's database
connections and leaves with ``os._exit``, so nothing of the parent is closed or flushed
twice. Where ``fork`` is missing (Windows), or with ``EVALUATION_READ_ISOLATION=0``, the reader
runs in the process itself and the up-front bounds alone protect it.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import resource
import select
import signal
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

from evaluation.problems import Problem

log = logging.getLogger(__name__)

MEMORY_ENV = "EVALUATION_READ_MEMORY_MB"
SECONDS_ENV = "EVALUATION_READ_SECONDS"
SWITCH_ENV = "EVALUATION_READ_ISOLATION"
DEFAULT_MEMORY_MB = 2048
DEFAULT_SECONDS = 120.0
_EXIT_FAILED = 70  # the child caught an exception it could not turn into a result


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


def memory_budget_bytes() -> int:
    return int(_env_number(MEMORY_ENV, DEFAULT_MEMORY_MB) * 1024 * 1024)


def time_budget_seconds() -> float:
    return _env_number(SECONDS_ENV, DEFAULT_SECONDS)


def enabled() -> bool:
    """Whether readers run in a child process: where ``fork`` exists, unless switched off."""
    if os.environ.get(SWITCH_ENV, "").strip().lower() in ("0", "false", "no", "off"):
        return False
    return hasattr(os, "fork") and sys.platform != "win32"


_WARM = False


def warm() -> None:
    """Import what the reader needs in this process, once, so each child inherits it instead
    of importing it again (a child's imports die with it)."""
    global _WARM
    if _WARM:
        return
    import fastexcel  # noqa: F401
    import pyarrow.compute  # noqa: F401

    from evaluation.catalogue import load_catalogue
    from evaluation.ingest import grid, normalise, plausible, rules, validate  # noqa: F401

    load_catalogue()
    _WARM = True


def _mapped_bytes() -> int:
    """The address space this process maps now (from /proc; 0 where that is missing)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_child(memory: int, seconds: float) -> None:
    mapped = _mapped_bytes()
    if mapped:
        cap = mapped + memory
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    cpu = int(seconds) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        cpu = min(cpu, hard)
    # CPU seconds add up over the process's life: count from what this child inherited
    used = resource.getrusage(resource.RUSAGE_SELF)
    resource.setrlimit(resource.RLIMIT_CPU, (int(used.ru_utime + used.ru_stime) + cpu, hard))


def run_isolated(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a forked child with memory and time limits: its result, or the
    ``Problem`` that says why there is none (the reader crashed, ran out of memory or time)."""
    memory, seconds = memory_budget_bytes(), time_budget_seconds()
    read_fd, write_fd = os.pipe()
    pid = -1
    # the child's garbage collector leaves the parent's objects alone: otherwise its first
    # collection writes to every page of the inherited heap, copying them all
    gc.freeze()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork in a threaded process
            pid = os.fork()
    finally:
        if pid != 0:
            gc.unfreeze()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_fd)
            _limit_child(memory, seconds)
            payload = pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        except BaseException:  # a child must end here, whatever happened
            code = _EXIT_FAILED
            with contextlib.suppress(BaseException):
                log.exception("the reader failed in its child process")
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    timed_out = False
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = pipe.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if timed_out or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU):
        log.warning("the reader ran out of time (%.0f s) and was stopped", seconds)
        return Problem("reader_timeout", params={"seconds": f"{seconds:.0f}"})
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and chunks:
        try:
            return pickle.loads(b"".join(chunks))
        except Exception:  # a torn result is a failed read
            log.exception("the reader's result could not be read back")
    how = (
        f"signal {os.WTERMSIG(status)}"
        if os.WIFSIGNALED(status)
        else f"exit {os.WEXITSTATUS(status)}"
    )
    log.warning("the reader stopped (%s) in its child process", how)
    mb = f"{memory / 1024 / 1024:.0f}"
    return Problem("reader_failed", params={"memory_mb": mb})


__all__ = ["enabled", "memory_budget_bytes", "run_isolated", "time_budget_seconds", "warm"]
