"""The bulk store (issue 16): tidy rows written column-wise through each engine's fast path
(COPY on PostgreSQL for large tables), and the current state and the name registry read once
per data version. A kept result must never outlive a change, made by this store object,
by another one, or by another process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from helpers.store import admin, make_report, write_workbooks
from sqlalchemy import select

from evaluation.access import Principal
from evaluation.model import PERIOD_COLUMNS, TIDY_COLUMNS
from evaluation.store import Store
from evaluation.store.rows import COPY_ROWS
from evaluation.store.schema import TIDY_TABLES

OOST = "taalcafe-oost"
WEST = "buurtkamer-west"


@pytest.fixture
def store(db_url: str):
    with Store.open(db_url) as s:
        yield s


def _put(store: Store, data: bytes, report, **kw):
    return store.store_report(data, f"{report.initiative_id}.xlsx", admin(), report, [], **kw)


def _big(rows: int):
    """A report with ``rows`` indicator rows (more than COPY_ROWS: PostgreSQL copies them)."""
    report = make_report(OOST)
    first = report.indicators.iloc[[0]]
    many = pd.concat([first] * rows, ignore_index=True)
    many["value"] = [float(i) for i in range(rows)]
    many["note"] = [None if i % 3 else f"noot {i}" for i in range(rows)]
    report.indicators = many
    return report


def test_a_large_report_stores_every_row_as_the_tidy_dataset_has_it(store: Store):
    report = _big(COPY_ROWS * 2 + 7)
    out = _put(store, b"big", report)
    assert out.status == "accepted"
    expected = report.to_tidy(out.submission_id).frames()
    with store.engine.connect() as conn:
        for name, table in TIDY_TABLES.items():
            cols = [c for c in TIDY_COLUMNS[name] if c not in PERIOD_COLUMNS]
            q = select(*[table.c[c] for c in cols]).order_by(table.c.id)
            stored = [tuple(r) for r in conn.execute(q)]
            want = [
                tuple(None if isinstance(v, float) and v != v else v for v in row)
                for row in expected[name][cols].itertuples(index=False)
            ]
            assert stored == want, name
    ds = store.current_dataset(admin())
    assert ds.observations["value"].dropna().tolist()[-3:] == [
        float(COPY_ROWS * 2 + 4),
        float(COPY_ROWS * 2 + 5),
        float(COPY_ROWS * 2 + 6),
    ]


def test_a_second_read_without_a_change_gives_the_same_state_and_is_not_shared(store: Store):
    _put(store, b"o1", make_report(OOST, quarter=1))
    first = store.current_dataset(admin())
    first.observations.loc[:, "value"] = -1.0  # a caller changing its copy
    again = store.current_dataset(admin())
    assert (again.observations["value"] != -1.0).all()
    fresh = Store.open(store.url).current_dataset(admin())
    for name, frame in fresh.frames().items():
        pd.testing.assert_frame_equal(getattr(again, name), frame, check_exact=True)


def test_a_read_after_a_write_sees_it_through_this_store_and_another(store: Store, db_url):
    _put(store, b"o1", make_report(OOST, quarter=1))
    assert store.periods(admin()) == ["2025-Q1"]
    assert len(store.current_dataset(admin()).initiatives) == 1
    with Store.open(db_url) as other:
        _put(other, b"w1", make_report(WEST, name="Buurtkamer West", quarter=2))
    assert set(store.current_dataset(admin()).initiatives["initiative_id"]) == {OOST, WEST}
    # a correction supersedes: the state changes though no initiative was added
    _put(store, b"o1b", make_report(OOST, quarter=1, variant=3))
    obs = store.current_dataset(admin()).observations
    held = obs[(obs["initiative_id"] == OOST) & (obs["indicator"] == "activities_held")]
    assert held["value"].tolist() == [12.0 + 3]
    # an initiative registered without an upload is a change too (its name is known)
    store.add_initiative(admin(), "kookclub-noord", "Kookclub Noord")
    linked = make_report(WEST, name="Buurtkamer West", quarter=3, partner="Kookclub Noord",
                         partner_type="initiative")  # fmt: skip
    _put(store, b"w3", linked)
    net = store.current_dataset(admin()).network
    assert "kookclub-noord" in net["partner_initiative_id"].tolist()


def test_stories_are_filtered_for_each_reader_of_a_kept_state(store: Store):
    _put(store, b"o1", make_report(OOST, quarter=1))
    everything = store.current_dataset(admin())
    public = store.current_dataset(Principal("public"))
    assert len(public.stories) <= len(everything.stories)
    assert len(store.current_dataset(admin()).stories) == len(everything.stories)


def test_a_name_taken_in_another_process_is_refused_here(db_url: str, tmp_path: Path):
    """The registry's kept names are checked against the database's version on each
    upload: an initiative registered by another process holds its name here at once."""
    with Store.open(db_url) as store:
        _put(store, b"o1", make_report(OOST, quarter=1))
        [book] = write_workbooks(tmp_path, [(WEST, "Buurtkamer West", 1, 0)])
        env = os.environ | {"EVALUATION_DATABASE_URL": db_url}
        done = subprocess.run(
            [sys.executable, "-m", "evaluation.cli", "import", str(book)],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        taken = make_report("buurtkamer-zuid", name="Buurtkamer West", quarter=1)
        out = _put(store, b"z1", taken)
        assert out.status == "rejected"
        assert [p.code for p in out.problems] == ["initiative_name_taken"]
        assert WEST in set(store.current_dataset(admin()).initiatives["initiative_id"])


def _race(stores: list[Store], reports: list, tag: str) -> list:
    """Each store uploads its report at the same moment, on its own thread; the outcomes."""
    start = threading.Barrier(len(stores))
    outcomes: list = [None] * len(stores)

    def race(k: int) -> None:
        start.wait()
        outcomes[k] = _put(stores[k], f"{tag} {k}".encode(), reports[k])

    threads = [threading.Thread(target=race, args=(k,)) for k in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_uploads_racing_for_one_new_name_leave_it_to_one_initiative(db_url: str):
    """The name check and the write are one transaction: of uploads that arrive together,
    each for another initiative under the same new name, one is accepted and every other
    one refused (with the check before the write transaction, all could read the name as
    free and all be stored)."""
    racers = 4
    stores = [Store.open(db_url) for _ in range(racers)]
    try:
        for round_ in range(8):
            name = f"Nieuw Huis {round_}"
            reports = [
                make_report(f"huis-{round_}-{k}", name=name, quarter=1) for k in range(racers)
            ]
            for k, store in enumerate(stores):  # each store has read the registry before
                _put(store, f"warm {round_} {k}".encode(), make_report(f"warm-{round_}-{k}"))
            outcomes = _race(stores, reports, f"race {round_}")
            statuses = sorted(o.status for o in outcomes)
            assert statuses == ["accepted"] + ["rejected"] * (racers - 1), (name, statuses)
            refused = [o for o in outcomes if o.status == "rejected"]
            assert all([p.code for p in o.problems] == ["initiative_name_taken"] for o in refused)
    finally:
        for store in stores:
            store.close()
