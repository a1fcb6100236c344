"""The current state kept in the database (issue 16: read without deriving it again per
request): a new store (a new process, another app replica) reads the kept state and the
submissions stored since, and gives exactly what a read of the tables gives, for every
selection; a kept state that this program cannot read is ignored.
"""

from __future__ import annotations

import pandas as pd
import pytest
from helpers.store import admin, forget_kept_states, make_report
from sqlalchemy import create_engine, func, select

from evaluation.access import Principal
from evaluation.sample import sample_reports
from evaluation.store import Store, queries, snapshot
from evaluation.store.schema import StateSnapshot, table_of

_T = table_of(StateSnapshot)
SELECTIONS = [
    {},
    {"initiative_ids": ["gastvrij-dak", "brug-en-bedrijf"]},
    {"period_from": "2025-Q2", "period_to": "2025-Q4"},
]


def _put(store: Store, report, tag: str = "") -> None:
    name = f"{report.initiative_id}_{report.period}{tag}.xlsx"
    out = store.store_report(name.encode(), name, admin(), report, [])
    assert out.status == "accepted", out.problems


def _kept(url: str) -> list[tuple[int, int, int]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            q = select(_T.c.n_submissions, _T.c.last_submission, _T.c.n_initiatives)
            return [tuple(r) for r in conn.execute(q.order_by(_T.c.id))]
    finally:
        engine.dispose()


def _from_tables(url: str, principal: Principal, **selection) -> dict[str, pd.DataFrame]:
    forget_kept_states(url)
    with Store.open(url) as fresh:
        return fresh.current_dataset(principal, **selection).frames()


def _assert_same(got: dict[str, pd.DataFrame], want: dict[str, pd.DataFrame]) -> None:
    for name, frame in want.items():
        pd.testing.assert_frame_equal(got[name], frame, check_exact=True, obj=name)


@pytest.fixture
def sample_store(db_url):
    reports = sample_reports()
    with Store.open(db_url) as store:
        for report in reports[:-6]:
            _put(store, report)
    return db_url, reports[-6:]


def test_a_new_store_reads_the_kept_state_instead_of_the_tables(sample_store, monkeypatch):
    url, _ = sample_store
    with Store.open(url) as first:  # the first whole read keeps the state
        want = first.current_dataset(admin()).frames()
    [version] = _kept(url)
    whole = []
    real = queries._read_current
    monkeypatch.setattr(queries, "_read_current", lambda *a: whole.append(1) or real(*a))
    for selection in SELECTIONS:
        with Store.open(url) as new:
            got = new.current_dataset(admin(), **selection).frames()
        monkeypatch.setattr(queries, "_read_current", real)
        _assert_same(got, _from_tables(url, admin(), **selection))
        with Store.open(url) as again:  # the comparison's read kept the state anew
            again.current_dataset(admin())
        monkeypatch.setattr(queries, "_read_current", lambda *a: whole.append(1) or real(*a))
    assert whole == []  # no new store read the tables
    assert _kept(url) == [version]
    with Store.open(url) as new:
        _assert_same(new.current_dataset(admin()).frames(), want)


def test_a_new_store_reads_the_kept_state_and_what_came_since(sample_store):
    url, later = sample_store
    with Store.open(url) as store:
        store.current_dataset(admin())  # kept at this version
        for report in later:
            _put(store, report)
        stories = report.stories.iloc[:1].reset_index(drop=True)  # a correction: supersedes
        report.stories = stories
        _put(store, report, "-correction")
    assert len(_kept(url)) == 1 and _kept(url)[0][0] < len(later) + _kept(url)[0][0]
    for selection in SELECTIONS:
        with Store.open(url) as new:
            got = new.current_dataset(admin(), **selection).frames()
        _assert_same(got, _from_tables(url, admin(), **selection))
        with Store.open(url) as again:
            again.current_dataset(admin())


def test_stories_and_scopes_are_filtered_for_each_reader_of_a_kept_state(sample_store):
    url, _ = sample_store
    with Store.open(url) as first:
        first.current_dataset(admin())
    scoped = Principal("funder", name="portfolio", scope=frozenset({"gastvrij-dak"}))
    public = Principal("public")
    for principal in (scoped, public):
        with Store.open(url) as new:
            got = new.current_dataset(principal).frames()
        _assert_same(got, _from_tables(url, principal))
        with Store.open(url) as again:
            again.current_dataset(admin())
    assert set(got["initiatives"]["initiative_id"]) <= {"gastvrij-dak"} | set(
        _from_tables(url, admin())["initiatives"]["initiative_id"]
    )


def test_a_kept_state_this_program_cannot_read_is_ignored(db_url):
    with Store.open(db_url) as store:
        _put(store, make_report("taalcafe-oost", quarter=1))
        want = store.current_dataset(admin()).frames()
    engine = create_engine(db_url)
    with engine.begin() as conn:  # one of another format, one with a column fewer
        conn.execute(_T.update().values(data=b"not a kept state"))
    engine.dispose()
    with Store.open(db_url) as new:
        _assert_same(new.current_dataset(admin()).frames(), want)
    columns = dict(queries._READ_COLUMNS)
    columns["observations"] = columns["observations"][:-1]
    with Store.open(db_url) as store:
        kept = store.read(lambda conn: snapshot.latest(conn, queries._READ_COLUMNS))
        assert kept is not None  # the read above kept a readable one again
        assert store.read(lambda conn: snapshot.latest(conn, columns)) is None


def test_a_state_is_kept_anew_after_enough_submissions_and_only_the_newest(db_url, monkeypatch):
    monkeypatch.setattr(snapshot, "REFRESH_AFTER", 3)
    with Store.open(db_url) as store:
        _put(store, make_report("taalcafe-oost", quarter=1))
        store.current_dataset(admin())
        first = _kept(db_url)
        for q in (2, 3):
            _put(store, make_report("taalcafe-oost", quarter=q))
            store.current_dataset(admin())
        assert _kept(db_url) == first  # two submissions since: not yet
        _put(store, make_report("taalcafe-oost", quarter=4))
        store.current_dataset(admin())
        [newest] = _kept(db_url)
        assert newest[0] == first[0][0] + 3
        n = store.read(lambda c: c.execute(select(func.count()).select_from(_T)).scalar_one())
        assert n == 1
