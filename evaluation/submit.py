"""Submitting a workbook: read it (``evaluation.ingest``), then store it (``evaluation.store``).

The one path an upload takes, from the CLI's ``import``, the Submit page and the sample data:

1. the same bytes already current are a ``duplicate`` (nothing is read);
2. the reader checks the file and reads it in its isolated child process, with the own
   indicator declarations the store holds (a workbook may leave those out);
3. a readable report is compared with its initiative's reporting arrangement (rhythm, light
   report): differences are warnings, never refusals;
4. the store files it, accepted or rejected (``Store.store_report``), with the reader's
   upload limit (a refused file keeps its bytes only below it) and a refusal of another
   initiative's name located at its cell in the workbook.

The store itself never reads a workbook; this module is where reading meets storing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from evaluation import arrangements, narrative, portfolios
from evaluation.access import Principal
from evaluation.catalogue import load_catalogue
from evaluation.ingest import IngestResult, read_workbook, read_workbooks
from evaluation.ingest import names as ingest_names
from evaluation.ingest.safety import limits_from_env
from evaluation.model import Report
from evaluation.problems import Problem
from evaluation.store import ImportOutcome, Store
from evaluation.store.settings import sample_folder
from evaluation.store.submissions import workbook_id

SAMPLE_PRINCIPAL = Principal("admin", name="sample-data")


def submit(
    store: Store,
    data: bytes,
    file_name: str,
    principal: Principal,
    initiative_id: str | None = None,
    *,
    replace_overlapping: bool = False,
    read: IngestResult | None = None,
) -> ImportOutcome:
    """Read, validate and store one uploaded workbook (see the module docstring).

    An upload whose period overlaps a current submission of the initiative (not the same
    period) is refused (``OverlapRefused``) unless ``replace_overlapping``: then it
    supersedes them (``evaluation.store.supersede``). ``read`` may bring what
    ``read_workbooks`` made of these bytes with the store's declarations of now (the sample
    is read several workbooks at once)."""
    dup = store.duplicate(data, file_name, principal, initiative_id or principal.initiative_id)
    if dup is not None:
        return dup
    # a mapping, not a method: the reader runs in a child process (no connection there)
    result = read or read_workbook(data, file_name, declared=store.all_own_declarations())
    report = result.report if not result.unreadable else None
    problems = list(result.problems)
    if report is not None and result.ok:
        problems = _as_arranged(store, problems, report, result.lang or "nl")

    def name_refusal(owner: str, owner_name: str) -> Problem:
        assert report is not None  # only an accepted report's name is checked
        return ingest_names.name_taken_problem(data, file_name, report, owner, owner_name)

    return store.store_report(
        data, file_name, principal, report, problems, initiative_id,
        bool(result.unreadable), replace_overlapping=replace_overlapping,
        upload_limit=limits_from_env().max_bytes, name_refusal=name_refusal,
    )  # fmt: skip


def _as_arranged(store: Store, problems: list[Problem], report: Report, lang: str) -> list[Problem]:
    """The problems of a readable report as its initiative's reporting arrangement reads
    them (``arrangements.with_arrangement``)."""
    ini = workbook_id(report)
    if ini is None:
        return problems
    sheet = load_catalogue().section("profile").name(lang)
    agreed = arrangements.arrangement(store, ini)
    return arrangements.with_arrangement(problems, report, agreed, sheet)


def workbook_initiative(data: bytes, file_name: str) -> str | None:
    """The valid initiative code a workbook's Profile sheet names, or None."""
    result = read_workbook(data, file_name)
    report: Report | None = result.report if not result.unreadable else None
    return workbook_id(report)


# how far a load has come: (reports read so far, reports in all)
Progress = Callable[[int, int], None]


def load_sample_data(
    store: Store, folder: Path | None = None, on_progress: Progress | None = None
) -> int:
    """Import ``sample_data/**/*.xlsx`` (oldest period first); the number newly accepted.
    Running it again adds nothing: the files are recognised as duplicates. The folder is
    ``settings.sample_folder()`` unless given; without one there is nothing to load.
    ``on_progress`` hears after each report how many of how many are done (the dashboard's
    first start shows it, issue 19)."""
    folder = folder or sample_folder()
    if folder is None:
        return 0
    count = done = 0
    rounds = sample_rounds(sorted(folder.glob("**/*.xlsx")))
    total = sum(len(r) for r in rounds)
    for paths in rounds:
        files = [(path.read_bytes(), path.name) for path in paths]
        # a file already stored is a duplicate as it is: not read, not submitted again
        stored = {f: store.duplicate(*f, SAMPLE_PRINCIPAL, None) for f in files}
        new = [f for f in files if stored[f] is None]
        declared = store.all_own_declarations()
        read = dict(zip(new, read_workbooks(new, declared=declared), strict=True))
        for data, name in files:
            dup = stored[(data, name)]
            outcome = dup if dup is not None else submit(
                store, data, name, SAMPLE_PRINCIPAL, read=read[(data, name)]
            )  # fmt: skip
            count += outcome.status == "accepted"
            done += 1
            if on_progress is not None:
                on_progress(done, total)
    narrative.load_sample(store, folder)  # the network's own words and funders' reflections
    arrangements.load_sample(store, folder)  # two initiatives that report less often
    portfolios.load_sample(store, folder)  # two funders' overlapping portfolios
    return count


def sample_rounds(paths: list[Path]) -> list[list[Path]]:
    """The sample's workbooks in rounds that can be read at once: round k holds the k-th
    workbook (in name order, so oldest period first) of each folder, one folder per
    initiative. A workbook may lean on its initiative's earlier declarations, so those are
    stored a round before it is read."""
    folders: dict[Path, list[Path]] = {}
    for path in paths:
        folders.setdefault(path.parent, []).append(path)
    depth = max((len(f) for f in folders.values()), default=0)
    return [[f[k] for f in folders.values() if k < len(f)] for k in range(depth)]


def ensure_initialised(
    store: Store, with_sample_data: bool = True, on_progress: Progress | None = None
) -> int | None:
    """What the dashboard calls on start: the schema exists (``Store.open``) and a fresh
    database is filled with the sample data (or marked initialised without it, so that it is
    never filled later). The number of sample submissions loaded, or None if not fresh."""
    if not store.is_empty():
        return None
    loaded = load_sample_data(store, on_progress=on_progress) if with_sample_data else 0
    store.mark_initialised(SAMPLE_PRINCIPAL if loaded else Principal("admin", name="init"), loaded)
    return loaded
