"""The report from a real store through the command line: a SQLite file with a few sample
workbooks imported by a named person, ``evaluation report`` run as a user would run it.

Checks what only the store path can show: the provenance lists exactly the submissions used,
with the SHA-256 of the uploaded bytes and the uploader's role, never the uploader's name;
the period and initiative selections; and a clear refusal (no file) for an unknown initiative.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from evaluation.access import Principal
from evaluation.cli import main
from evaluation.errors import AccessDenied
from evaluation.i18n import t
from evaluation.store import Store
from evaluation.submit import submit

ROOT = Path(__file__).resolve().parent.parent
UPLOADS = [
    ("gastvrij-dak", "2025-Q1"),
    ("gastvrij-dak", "2025-Q2"),
    ("groeiplek", "2025-Q2"),
]
UPLOADER = "Fatima Jansen-Bakker"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """A SQLite file with three sample workbooks; returns the URL and period -> sha256."""
    path = tmp_path_factory.mktemp("store") / "evaluation.sqlite"
    url = f"sqlite:///{path}"
    shas = {}
    with Store.open(url) as store:
        for iid, period in UPLOADS:
            wb = ROOT / "sample_data" / iid / f"{iid}_{period}.xlsx"
            data = wb.read_bytes()
            who = Principal("initiative", iid, name=UPLOADER)
            outcome = submit(store, data, wb.name, who)
            assert outcome.status == "accepted", outcome.problems
            shas[f"{iid} {period}"] = hashlib.sha256(data).hexdigest()
    return url, shas


def _sheets(path: Path) -> dict[str, list[list[object]]]:
    wb = CalamineWorkbook.from_path(str(path))
    return {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}


def test_report_command_writes_provenance_with_role_and_hash_only(
    database: tuple[str, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, shas = database
    out = tmp_path / "rapport.xlsx"
    assert main(["report", "--out", str(out), "--database", url]) == 0
    said = capsys.readouterr()
    printed = said.out
    assert str(out) in printed and "2 initiatieven" in printed
    sheets = _sheets(out)
    # the progress, on stderr: every step up to the written file (its sheets and the save)
    steps = said.err.replace("\n", "\r").split("\r")
    last = t("report.cli.progress", "nl", done=len(sheets) + 1, total=len(sheets) + 1, percent=100)
    assert (
        t(
            "report.cli.progress",
            "nl",
            done=1,
            total=len(sheets) + 1,
            percent=round(100 / (len(sheets) + 1)),
        )
        in steps
    )
    assert steps[-2] == last, said.err
    # the reading guide, the network's own story, the collective sheet, then the initiatives
    assert list(sheets)[1] == t("narrative.report_sheet", "nl")
    assert list(sheets)[3:5] == ["Gastvrij Dak", "Groeiplek"]
    prov = sheets["Herkomst"]
    assert prov[0][-1] == t("report.col.sha256_start", "nl")
    assert sorted(r[-1] for r in prov[1:]) == sorted(v[:12] for v in shas.values())
    role = t("report.role.initiative", "nl")
    assert all(r[prov[0].index(t("report.col.uploaded_role", "nl"))] == role for r in prov[1:])
    every = {c for rows in sheets.values() for row in rows for c in row if isinstance(c, str)}
    assert not any(UPLOADER in c for c in every)


def test_report_command_selects_initiatives_and_periods(
    database: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, shas = database
    out = tmp_path / "report.xlsx"
    args = ["report", "--out", str(out), "--database", url, "--lang", "en"]
    args += ["--audience", "public", "--initiative", "gastvrij-dak", "--from", "2025-Q2"]
    assert main(args) == 0
    sheets = _sheets(out)
    assert "Groeiplek" not in sheets and "Gastvrij Dak" in sheets
    prov = sheets["Provenance"]
    assert [r[-1] for r in prov[1:]] == [shas["gastvrij-dak 2025-Q2"][:12]]
    data = sheets["Data"]
    period_col = data[0].index("Period")
    assert {r[period_col] for r in data[1:]} == {"2025-Q2"}


def test_unknown_initiative_is_refused_with_a_message_and_no_file(
    database: tuple[str, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = database
    out = tmp_path / "none.xlsx"
    code = main(["report", "--out", str(out), "--database", url, "--initiative", "nobody"])
    assert code == 1
    err = capsys.readouterr().err
    assert "nobody" in err and "Traceback" not in err
    assert not out.exists()


def test_report_and_export_refuse_an_audience_the_principal_may_not_have(
    database, tmp_path, capsys
):
    url, _ = database
    out = tmp_path / "r.xlsx"
    as_initiative = ["--as-role", "initiative", "--as-initiative", "groeiplek"]
    code = main(
        ["report", "--out", str(out), "--database", url, "--audience", "funder", *as_initiative]
    )
    assert code == AccessDenied.exit_code and not out.exists()
    err = capsys.readouterr().err
    assert "groeiplek" in err and "financiers" in err
    zipped = tmp_path / "d.zip"
    code = main(
        ["export", "--out", str(zipped), "--database", url, "--audience", "funder", *as_initiative]
    )
    assert code == AccessDenied.exit_code and not zipped.exists()
    # a public report and export are anyone's
    assert (
        main(
            ["report", "--out", str(out), "--database", url, "--audience", "public", *as_initiative]
        )
        == 0
    )
    assert (
        main(
            [
                "export",
                "--out",
                str(zipped),
                "--database",
                url,
                "--audience",
                "public",
                *as_initiative,
            ]
        )
        == 0
    )
    assert "afgeschermd" in capsys.readouterr().out  # the export says how much it withheld


def test_export_writes_the_disclosed_tables_with_the_withheld_count(database, tmp_path, capsys):
    import zipfile

    url, _ = database
    zipped = tmp_path / "d.zip"
    assert main(["export", "--out", str(zipped), "--database", url, "--lang", "en"]) == 0
    said = capsys.readouterr().out
    assert "numbers of people withheld" in said
    names = set(zipfile.ZipFile(zipped).namelist())
    assert {"observations.csv", "network.csv", "reflections.csv", "dictionary_columns.csv"} <= names
