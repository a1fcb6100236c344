"""The store commands through ``evaluation.cli.main``, on real workbooks and a real SQLite file:
what they print (in the chosen language) and their exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.store import make_report, sqlite_url, write_workbooks
from sqlalchemy import create_engine, text

from evaluation.cli import main
from evaluation.store.migrate import HEAD
from evaluation.template import write_report


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli-books")
    first, second = write_workbooks(
        folder, [("taalcafe-oost", "Taalcafé Oost", 1, 0), ("taalcafe-oost", "Taalcafé Oost", 1, 1)]
    )
    bad = make_report("taalcafe-oost", quarter=2)
    bad.activities.loc[0, "activities_held"] = -3.0
    broken = write_report(bad, folder / "negatief.xlsx")
    junk = folder / "notes.xlsx"
    junk.write_bytes(b"this is not a workbook")
    return {"first": first, "second": second, "broken": broken, "junk": junk}


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_init_import_submissions_raw_audit(tmp_path: Path, books, capsys):
    db = ["--database", sqlite_url(tmp_path)]
    code, out = run(capsys, "init", *db, "--lang", "en")
    assert code == 0 and f"schema version {HEAD}" in out

    imp = ["import", "--initiative", "taalcafe-oost", "--by", "Amira", *db]
    code, out = run(capsys, *imp, str(books["first"]))
    assert code == 0 and "Geaccepteerd: inzending 1" in out
    code, out = run(capsys, *imp, str(books["second"]), "--lang", "en")
    assert code == 0 and "Accepted: submission 2" in out and "replaces submission 1" in out
    code, out = run(capsys, *imp, str(books["second"]), "--lang", "en")
    assert code == 0 and "already submitted as submission 2" in out

    code, out = run(capsys, *imp, str(books["broken"]), "--lang", "en")
    assert code == 1 and "Not accepted: submission 3" in out
    assert "Activit" in out  # the problem is located on its sheet
    code, out = run(capsys, *imp, str(books["junk"]))
    assert code == 2 and "inzending 4" in out

    code, out = run(capsys, "submissions", *db, "--lang", "en")
    assert code == 0
    lines = out.strip().splitlines()
    assert "superseded by" in lines[0] and len(lines) == 5
    assert "rejected" in out and "Amira" in out

    target = tmp_path / "terug.xlsx"
    code, out = run(capsys, "raw", "1", "--out", str(target), *db)
    assert code == 0 and target.read_bytes() == books["first"].read_bytes()

    code, out = run(capsys, "audit", *db, "--lang", "en")
    actions = ["init", "import", "supersede", "duplicate", "reject", "raw_read"]
    assert code == 0 and all(a in out for a in actions)


def test_refusals_have_clear_messages_and_exit_codes(tmp_path: Path, books, capsys):
    url = sqlite_url(tmp_path)
    db = ["--database", url]
    # an initiative importing another initiative's workbook: access denied
    code, out = run(capsys, "import", str(books["first"]), "--initiative", "buurtkamer-west", *db)
    assert code == 3 and "buurtkamer-west" in out and "taalcafe-oost" in out
    # without --initiative the workbook names the initiative; a file that names none is refused
    code, out = run(capsys, "import", str(books["junk"]), *db, "--lang", "en")
    assert code == 2 and "--initiative" in out
    code, out = run(capsys, "raw", "42", "--out", str(tmp_path / "x"), *db, "--lang", "en")
    assert code == 1 and "no submission number 42" in out
    # a database written by a newer version of the program
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'abc123future'"))
    engine.dispose()
    code, out = run(capsys, "submissions", *db)
    assert code == 2 and "abc123future" in out and HEAD in out
    assert "Traceback" not in out
