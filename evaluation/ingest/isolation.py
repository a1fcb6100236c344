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

``run_isolated_many`` runs several such children at once (one per processor by default), each
with the whole budget of one read: the sample data's first load reads a round of workbooks
that way. ``warm`` runs every section schema once in the parent, so no child repeats
pandera's first-run work (0.2 s of imports, every upload).
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

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
    import pandas as pd
    import pyarrow.compute  # noqa: F401

    from evaluation import schemas
    from evaluation.catalogue import load_catalogue
    from evaluation.ingest import grid, normalise, plausible, rules, validate  # noqa: F401

    # each section's schema built and run once on no rows: pandera registers its backends
    # (importing hypothesis, 0.2 s) at a schema's first run, and a child's run dies with it
    for section in load_catalogue().sections:
        columns = [c.code for c in section.columns]
        schemas.validate_section(section.code, pd.DataFrame({c: [] for c in columns}))
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


@dataclass
class _Child:
    """One reader process in flight: its pid, the pipe its result comes through, when its
    wall-clock time is up, and what it has sent so far."""

    pid: int
    pipe: BinaryIO
    deadline: float
    chunks: list[bytes] = field(default_factory=list)
    timed_out: bool = False


def _start(fn: Callable[..., Any], args: tuple, memory: int, seconds: float) -> _Child:
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
    pipe = os.fdopen(read_fd, "rb", buffering=0)
    return _Child(pid, pipe, time.monotonic() + seconds)


def _finish(child: _Child, memory: int, seconds: float) -> Any:
    """Wait for a child whose pipe is closed (or whose time is up): its result or why none."""
    child.pipe.close()
    if child.timed_out:
        os.kill(child.pid, signal.SIGKILL)
    _, status = os.waitpid(child.pid, 0)
    if child.timed_out or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU):
        log.warning("the reader ran out of time (%.0f s) and was stopped", seconds)
        return Problem("reader_timeout", params={"seconds": f"{seconds:.0f}"})
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and child.chunks:
        try:
            return pickle.loads(b"".join(child.chunks))
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


def run_isolated(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a forked child with memory and time limits: its result, or the
    ``Problem`` that says why there is none (the reader crashed, ran out of memory or time)."""
    return run_isolated_many([(fn, args)], workers=1)[0]


def default_workers() -> int:
    """How many readers may run at once: one per processor this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_isolated_many(
    calls: Sequence[tuple[Callable[..., Any], tuple]], workers: int | None = None
) -> list[Any]:
    """Each ``fn(*args)`` of ``calls`` as ``run_isolated`` runs it, up to ``workers`` children
    at once (``default_workers()``); the results in the order of ``calls``. Each child has
    the whole memory and time budget of one read."""
    memory, seconds = memory_budget_bytes(), time_budget_seconds()
    workers = max(1, workers or default_workers())
    results: list[Any] = [None] * len(calls)
    waiting = list(enumerate(calls))[::-1]
    running: dict[int, tuple[int, _Child]] = {}  # the pipe's descriptor: (index, child)
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                index, (fn, args) = waiting.pop()
                child = _start(fn, tuple(args), memory, seconds)
                running[child.pipe.fileno()] = (index, child)
            left = min(child.deadline for _, child in running.values()) - time.monotonic()
            ready, _, _ = select.select(list(running), [], [], max(0.0, min(left, 1.0)))
            for fd in ready:
                index, child = running[fd]
                chunk = child.pipe.read(1 << 20)
                if chunk:
                    child.chunks.append(chunk)
                    continue
                del running[fd]
                results[index] = _finish(child, memory, seconds)
            now = time.monotonic()
            for fd, (index, child) in list(running.items()):
                if child.deadline <= now:
                    child.timed_out = True
                    del running[fd]
                    results[index] = _finish(child, memory, seconds)
    finally:  # an interrupted parent leaves no reader behind
        for _, child in running.values():
            with contextlib.suppress(OSError):
                child.pipe.close()
                os.kill(child.pid, signal.SIGKILL)
                os.waitpid(child.pid, 0)
    return results


__all__ = [
    "default_workers",
    "enabled",
    "memory_budget_bytes",
    "run_isolated",
    "run_isolated_many",
    "time_budget_seconds",
    "warm",
]
