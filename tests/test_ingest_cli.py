"""``evaluation validate``: exit codes 0/1/2, the readable report and the JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from evaluation.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
KEYS = {"code", "severity", "sheet", "cell", "column", "value", "message", "hint"}


def test_a_valid_workbook_exits_0(capsys):
    assert main(["validate", str(FIXTURES / "valid_nl.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "valid_nl.xlsx" in out and "in orde" in out  # Dutch: the workbook's language


def test_warnings_alone_still_exit_0(capsys):
    assert main(["validate", str(FIXTURES / "awkward_percentage.xlsx"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Indicatoren!C6" in out and "valid (1 warnings)" in out


def test_an_invalid_workbook_exits_1_and_shows_cell_message_and_hint(capsys):
    assert main(["validate", str(FIXTURES / "broken_text_in_number.xlsx"), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "Sheet Activiteiten" in out
    assert "Activiteiten!C3: 'twaalf' is not a number." in out
    assert "Type only a number" in out
    assert "1 errors and 0 warnings" in out


def test_an_unreadable_file_exits_2(capsys):
    assert main(["validate", str(FIXTURES / "not_a_workbook.xlsx")]) == 2
    assert "konden we niet lezen" in capsys.readouterr().out


def test_json_is_a_list_of_problem_objects(capsys):
    code = main(["validate", str(FIXTURES / "broken_missing_consent.xlsx"), "--json"])
    assert code == 1
    problems = json.loads(capsys.readouterr().out)
    assert isinstance(problems, list) and problems
    assert all(set(p) == KEYS for p in problems)
    (p,) = [p for p in problems if p["code"] == "missing_consent"]
    assert p["severity"] == "error"
    assert (p["sheet"], p["cell"], p["value"]) == ("Verhalen", "Verhalen!I3", "Nee")
    assert "toestemming" in p["message"]  # Dutch by default for a Dutch workbook


def test_the_command_in_a_process_returns_the_exit_code():
    fixture, expected = "broken_unknown_choice.xlsx", 1
    done = subprocess.run(
        [sys.executable, "-m", "evaluation.cli", "validate", str(FIXTURES / fixture), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == expected, done.stderr
    assert "Traceback" not in done.stderr
    assert isinstance(json.loads(done.stdout), list)
