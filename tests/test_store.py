"""The store keeps every upload: versions, supersession, duplicates, raw bytes, access, audit,
and the schema version guard. Each storage test runs on a real SQLite file and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from helpers.store import admin, initiative, make_report, sqlite_url
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import IntegrityError

from evaluation.access import Principal
from evaluation.errors import AccessDenied, UserError
from evaluation.model import PERIOD_COLUMNS, TIDY_COLUMNS
from evaluation.problems import Problem
from evaluation.store import SchemaMismatch, Store
from evaluation.store.migrate import HEAD
from evaluation.store.queries import _frame
from evaluation.store.schema import TIDY_TABLES, Submission

OOST = "taalcafe-oost"
WEST = "buurtkamer-west"


@pytest.fixture
def store(db_url: str):
    with Store.open(db_url) as s:
        yield s


def _put(store: Store, data: bytes, report, who: Principal | None = None, **kw):
    return store.store_report(
        data, f"{report.initiative_id}.xlsx", who or admin(), report, [], **kw
    )


def test_tidy_tables_hold_every_tidy_column_and_no_target(store: Store):
    for name, table in TIDY_TABLES.items():
        stored = set(table.c.keys()) - {"id", "submission_id"}
        expected = set(TIDY_COLUMNS[name]) - set(PERIOD_COLUMNS)
        assert stored == expected, name
    with store.engine.connect() as conn:
        from sqlalchemy import inspect

        insp = inspect(conn)
        columns = [c["name"] for t in insp.get_table_names() for c in insp.get_columns(t)]
    assert columns and not [c for c in columns if "target" in c.lower()]


def test_fresh_store_is_empty_until_something_happens(store: Store):
    assert store.is_empty()
    store.add_initiative(admin(), OOST, "Taalcafé Oost")
    assert not store.is_empty()


def test_round_trip_supersede_and_duplicate(store: Store):
    first = _put(store, b"version one", make_report(OOST, variant=0))
    second = _put(store, b"version two", make_report(OOST, variant=5))
    again = _put(store, b"version two", make_report(OOST, variant=5))

    assert first.status == "accepted" and second.status == "accepted"
    assert second.superseded == [first.submission_id]
    assert again.status == "duplicate" and again.submission_id == second.submission_id

    # raw returns the exact bytes of each version; the superseded one stays readable
    assert store.raw(admin(), first.submission_id) == (f"{OOST}.xlsx", b"version one")
    assert store.raw(admin(), second.submission_id)[1] == b"version two"

    subs = store.submissions(admin())
    assert len(subs) == 2  # the duplicate added no submission
    by_id = subs.set_index("submission_id")
    assert by_id.loc[first.submission_id, "superseded_by"] == second.submission_id
    assert by_id.loc[first.submission_id, "sha256"] != by_id.loc[second.submission_id, "sha256"]

    # the current state shows the newer version only
    ds = store.current_dataset(admin())
    held = ds.observations.query("indicator == 'activities_held'")
    assert held["value"].tolist() == [17.0]
    assert set(ds.observations["submission_id"]) == {second.submission_id}

    actions = store.audit(admin())["action"].tolist()
    assert actions == ["import", "import", "supersede", "duplicate", "raw_read", "raw_read"]


def test_identical_bytes_are_stored_once(store: Store):
    a = _put(store, b"same bytes", make_report(OOST, quarter=1))
    b = _put(store, b"same bytes", make_report(WEST, name="Buurtkamer West", quarter=1))
    assert a.status == b.status == "accepted"  # another initiative: not a duplicate
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM blobs")).scalar_one() == 1


def test_reuploading_an_older_version_makes_it_current_again(store: Store):
    one = _put(store, b"one", make_report(OOST, variant=0))
    _put(store, b"two", make_report(OOST, variant=1))
    back = _put(store, b"one", make_report(OOST, variant=0))
    assert back.status == "accepted" and back.submission_id != one.submission_id
    ds = store.current_dataset(admin())
    assert set(ds.observations["submission_id"]) == {back.submission_id}


def test_rejected_upload_keeps_bytes_and_problems_but_no_data(store: Store):
    bad = Problem("not_a_number", sheet="Indicatoren", cell="Indicatoren!C4", value="veel")
    out = store.store_report(b"broken", "b.xlsx", admin(), make_report(OOST), [bad])
    assert out.status == "rejected"
    assert store.raw(admin(), out.submission_id)[1] == b"broken"
    again = store.submission_problems(admin(), out.submission_id)
    assert again == [bad]
    assert "Indicatoren!C4" in again[0].message("nl")
    assert store.current_dataset(admin()).observations.empty
    with store.engine.connect() as conn:
        for table in TIDY_TABLES.values():
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0


def test_unreadable_upload_is_recorded_as_rejected(store: Store):
    bad = Problem("not_a_workbook", value="x.pdf")
    out = store.store_report(b"%PDF", "x.pdf", initiative(OOST), None, [bad], unreadable=True)
    assert out.status == "rejected" and out.unreadable
    subs = store.submissions(initiative(OOST))
    assert subs["status"].tolist() == ["rejected"] and subs["initiative_id"].tolist() == [OOST]


def test_passing_another_initiative_id_than_the_workbook_is_a_clear_problem(store: Store):
    out = _put(store, b"x", make_report(OOST), initiative_id=WEST)
    assert out.status == "rejected"
    (problem,) = out.problems
    assert problem.code == "initiative_mismatch"
    assert OOST in problem.message("en") and WEST in problem.message("en")
    assert OOST in problem.message("nl")


def test_an_initiative_cannot_import_for_another(store: Store):
    with pytest.raises(AccessDenied) as err:
        _put(store, b"x", make_report(WEST, name="Buurtkamer West"), initiative(OOST))
    assert err.value.exit_code == 3
    assert WEST in err.value.render("nl") and "alleen voor zichzelf" in err.value.render("nl")
    assert store.submissions(admin()).empty
    assert store.audit(admin())["action"].tolist() == ["denied"]


def test_stories_follow_consent_and_visibility(store: Store):
    _put(store, b"o", make_report(OOST), initiative(OOST))
    _put(store, b"w", make_report(WEST, name="Buurtkamer West"), initiative(WEST))

    def titles(who: Principal) -> set[tuple[str, str]]:
        s = store.current_dataset(who).stories
        return set(zip(s["initiative_id"], s["visibility"], strict=True))

    # each initiative sees all its own stories and of the other only the public ones
    # ("funders" means funders and evaluators, not other initiatives)
    assert titles(initiative(OOST)) == {
        (OOST, "funders"),
        (OOST, "initiative"),
    }
    assert titles(Principal("funder", name="fonds")) == {(OOST, "funders"), (WEST, "funders")}
    assert titles(Principal("public")) == set()
    # numbers are not filtered by the store
    assert set(store.current_dataset(Principal("public")).observations["initiative_id"]) == {
        OOST,
        WEST,
    }


def test_reads_are_scoped(store: Store):
    o = _put(store, b"o", make_report(OOST), initiative(OOST))
    w = _put(store, b"w", make_report(WEST, name="Buurtkamer West"), initiative(WEST))
    assert store.submissions(initiative(OOST))["submission_id"].tolist() == [o.submission_id]
    with pytest.raises(AccessDenied):
        store.submissions(initiative(OOST), WEST)
    with pytest.raises(AccessDenied):
        store.raw(initiative(OOST), w.submission_id)
    with pytest.raises(AccessDenied):
        store.submission_problems(initiative(OOST), w.submission_id)
    with pytest.raises(AccessDenied) as err:
        store.audit(Principal("funder", name="fonds"))
    assert "beheerder" in err.value.render("nl")
    with pytest.raises(AccessDenied):
        store.add_initiative(initiative(OOST), "nieuw-initiatief", "Nieuw")
    with pytest.raises(UserError):
        store.raw(admin(), 999)


def test_current_dataset_filters_and_profile(store: Store):
    for q in (1, 2, 3):
        _put(store, f"o{q}".encode(), make_report(OOST, quarter=q))
    _put(
        store,
        b"w",
        make_report(
            WEST, name="Buurtkamer West", quarter=2, partner=OOST, partner_type="initiative"
        ),
    )
    ds = store.current_dataset(admin(), period_from="2025-Q2", period_to="2025-Q2")
    assert set(ds.observations["period"]) == {"2025-Q2"}
    assert set(ds.observations["initiative_id"]) == {OOST, WEST}
    assert ds.observations["period_start"].iloc[0] == dt.date(2025, 4, 1)
    only = store.current_dataset(admin(), initiative_ids=[OOST])
    assert sorted(set(only.observations["period"])) == ["2025-Q1", "2025-Q2", "2025-Q3"]
    # one profile row per initiative, in the neutral order of names
    assert ds.initiatives["initiative_id"].tolist() == [WEST, OOST]
    assert ds.network.loc[ds.network["partner"] == OOST, "partner_initiative_id"].tolist() == [OOST]
    assert store.initiatives(admin())["name"].tolist() == ["Buurtkamer West", "Taalcafé Oost"]


def test_rows_read_as_tuples_make_the_frames_that_database_rows_made(store: Store):
    """``current_dataset`` reads rows through the driver into a frame (fast) instead of
    SQLAlchemy rows (which pandas probed one by one): every tidy table's frame, dates, flags
    and blanks included, must come out the same."""
    for q in (1, 2):
        _put(store, f"o{q}".encode(), make_report(OOST, quarter=q))
    _put(
        store,
        b"w",
        make_report(WEST, name="Buurtkamer West", partner=OOST, partner_type="initiative"),
    )
    with store.engine.connect() as conn:
        for name, table in TIDY_TABLES.items():
            q = select(table).order_by(table.c.id)
            columns = list(table.c.keys())
            before = pd.DataFrame.from_records(conn.execute(q).all(), columns=columns)
            after = _frame(conn, q, columns)
            assert len(after), name
            pd.testing.assert_frame_equal(after, before, check_exact=True)


def test_periods_lists_the_current_periods_in_time_order(store: Store):
    for q in (3, 1):
        _put(store, f"o{q}".encode(), make_report(OOST, quarter=q))
    _put(store, b"w4", make_report(WEST, name="Buurtkamer West", year=2024, quarter=4))
    _put(store, b"o1b", make_report(OOST, quarter=1, variant=1))  # a correction: still one
    assert store.periods(Principal("funder")) == ["2024-Q4", "2025-Q1", "2025-Q3"]
    assert store.periods(initiative(OOST), [OOST]) == ["2025-Q1", "2025-Q3"]
    # the same periods as the rows of the current state carry
    ds = store.current_dataset(admin())
    assert set(store.periods(admin())) == set(ds.observations["period"])


def test_add_initiative(store: Store):
    store.add_initiative(admin(), "nieuw-initiatief", "Nieuw Initiatief")
    assert "nieuw-initiatief" in store.initiatives(admin())["initiative_id"].tolist()
    with pytest.raises(UserError, match="already exists"):
        store.add_initiative(admin(), "nieuw-initiatief", "Nog eens")
    with pytest.raises(UserError, match="not a valid"):
        store.add_initiative(admin(), "Geen Code!", "x")


def test_only_one_current_submission_per_period_is_enforced_by_the_database(store: Store):
    _put(store, b"one", make_report(OOST))
    with store.engine.connect() as conn, pytest.raises(IntegrityError) as err, conn.begin():
        row = conn.execute(select(Submission.__table__)).mappings().one()
        values = dict(row) | {"id": 99, "file_name": "sneaky.xlsx"}
        conn.execute(Submission.__table__.insert().values(**values))
    assert "unique" in str(err.value).lower()


def test_refuses_a_database_at_an_unknown_schema_version(tmp_path: Path):
    url = sqlite_url(tmp_path)
    Store.open(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    with pytest.raises(SchemaMismatch) as err:
        Store.open(url)
    assert err.value.exit_code == 2
    for lang in ("nl", "en"):
        message = err.value.render(lang)
        assert "9999_from_the_future" in message and f"'{HEAD}'" in message


def test_default_location_is_a_sqlite_file_in_data(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EVALUATION_DATABASE_URL", raising=False)
    with Store.open() as s:
        assert s.is_empty()
    assert (tmp_path / "data" / "evaluation.sqlite").is_file()
    (tmp_path / "evaluation.toml").write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "other.sqlite"}"\n'
    )
    Store.open().close()
    assert (tmp_path / "other.sqlite").is_file()
    with sqlite3_connect(tmp_path / "other.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def sqlite3_connect(path: Path):
    import sqlite3

    return sqlite3.connect(path)


def test_the_code_knows_the_newest_migration():
    from evaluation.store import migrate

    assert migrate.head_revision() == migrate.HEAD


def test_the_migrations_build_the_schema_the_code_declares(db_url: str):
    """A store opened by the migrations holds every table, column and index of
    ``schema.py``: Alembic's comparison finds nothing to add or drop (types aside, which
    the two engines name their own way)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from evaluation.store.schema import Base

    Store.open(db_url).close()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert [d for d in diffs if d[0] != "modify_type"] == []


def test_a_workbook_without_a_valid_code_is_rejected_not_refused(store: Store):
    report = make_report(OOST)
    report.profile.loc[0, "initiative_id"] = None
    report.profile.loc[0, "period_start"] = "ergens in maart"
    missing = Problem("required_missing", sheet="Profiel", cell="Profiel!A3", column="Code")
    out = store.store_report(b"no code", "x.xlsx", initiative(OOST), report, [missing])
    assert out.status == "rejected" and out.initiative_id == OOST and out.period is None
    assert store.submissions(initiative(OOST))["submission_id"].tolist() == [out.submission_id]


def test_plain_postgresql_urls_use_psycopg():
    from evaluation.store.settings import resolve_url

    assert resolve_url("postgresql://u@h:5432/db") == "postgresql+psycopg://u@h:5432/db"
    assert resolve_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"
