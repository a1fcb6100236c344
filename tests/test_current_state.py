"""The current state after an upload is read from what changed (issue 16, point 5): a store
that kept the state of an earlier version reads only the submissions added since, and must
give exactly what a store reading everything anew gives (every frame, dtype and row order),
after new initiatives, new quarters, corrections that supersede, rejected uploads, and for
every kind of selection (all, some initiatives, a span of periods, a portfolio's scope).
"""

from __future__ import annotations

import random

import pandas as pd
import pytest
from helpers.store import forget_kept_states

from evaluation.access import Principal
from evaluation.model import Report
from evaluation.problems import Problem
from evaluation.sample import sample_reports
from evaluation.store import Store, queries

ADMIN = Principal("admin", name="test")
STEPS = 24


def _corrected(report: Report, k: int) -> Report:
    """The same initiative and period with other numbers and one story fewer (a correction:
    it supersedes the stored one)."""
    activities = report.activities.copy()
    activities["activities_held"] = activities["activities_held"] + k
    stories = report.stories.iloc[: max(0, len(report.stories) - 1)].reset_index(drop=True)
    return Report(
        report.profile,
        report.own_indicators,
        activities,
        report.indicators,
        stories,
        report.network,
        report.reflection,
    )


def _same(kept: Store, url: str, **selection) -> None:
    """``kept`` (which has read earlier versions) gives what a fresh store reads whole
    (from the tables: no state kept in the database, here or there)."""
    principal = selection.pop("principal", ADMIN)
    forget_kept_states(url)
    got = kept.current_dataset(principal, **selection).frames()
    forget_kept_states(url)
    with Store.open(url) as fresh:
        want = fresh.current_dataset(principal, **selection).frames()
    for name, frame in want.items():
        pd.testing.assert_frame_equal(got[name], frame, check_exact=True, obj=name)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_state_after_an_upload_is_what_a_whole_read_gives(db_url, seed, monkeypatch):
    rng = random.Random(seed)
    reports = sample_reports()
    rng.shuffle(reports)
    some = sorted({r.initiative_id for r in reports[:30]})[:4]
    scoped = Principal("funder", name="portfolio", scope=frozenset(some[:2]))
    selections = [
        {},
        {"initiative_ids": some},
        {"period_from": "2025-Q2", "period_to": "2025-Q4"},
        {"principal": scoped},
    ]
    stored: list[Report] = []
    whole: list[int] = []  # the kept store's whole reads (a spy on the real function)
    real = queries._read_current

    def spy(*args, **kwargs):
        whole.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, "_read_current", spy)
    with Store.open(db_url) as store:
        for step in range(STEPS):
            if stored and rng.random() < 0.35:  # a correction of a report already in
                report = _corrected(rng.choice(stored), step + 1)
                name = f"correction-{step}.xlsx"
            else:
                report = reports.pop()
                name = f"{report.initiative_id}_{report.period}.xlsx"
            status = "rejected" if rng.random() < 0.1 else "accepted"
            problems = []
            if status == "rejected":  # refused: it changes the version, not the state
                cell = "Activiteiten!C3"
                problems = [Problem("not_a_number", sheet="Activiteiten", cell=cell, value="x")]
            outcome = store.store_report(name.encode(), name, ADMIN, report, problems)
            if outcome.status == "accepted":
                stored.append(report)
            for selection in selections:
                _same(store, db_url, **selection)
    # each selection read whole by the kept store once (its first read) and by each fresh
    # one: every later state of the kept store came from what changed
    assert len(whole) == len(selections) * (1 + STEPS)
