"""The personal-data guard against its corpus (``tests/data/privacy_corpus.yaml``).

Every case goes through the scanner the upload uses for its field (``scanner_for``); a sample
(one case of each expected outcome per field, and an evasion where the field has one) goes
through the real upload path: a workbook written by ``tests/helpers/store.write_workbooks``,
the case typed into its cell with openpyxl, read back with ``read_workbook``. The problem must
be at that cell, with the severity expected, and an error must refuse the upload.

``python -m tests.test_privacy_corpus`` prints caught / missed / wrongly refused.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from openpyxl import load_workbook

from evaluation.catalogue import fold, load_catalogue, load_yaml
from evaluation.ingest import read_workbook
from evaluation.ingest.normalise import cell_ref
from evaluation.ingest.privacy import PROBLEM_CODES, scanner_for
from tests.helpers.store import write_workbooks

CORPUS = Path(__file__).parent / "data" / "privacy_corpus.yaml"
PERSONAL = set(PROBLEM_CODES.values())


@cache
def cases() -> list[dict]:
    return load_yaml(CORPUS)["cases"]


def outcome(case: dict) -> str:
    """What the scanner says about a case: error, warning or ok."""
    section, column = case["field"].split(".")
    found = scanner_for(section, column)(case["text"])
    if any(f.severity == "error" for f in found):
        return "error"
    return "warning" if found else "ok"


def verdict(expected: str, got: str) -> str:
    """caught, missed, wrongly refused, wrongly warned or quiet (an innocent text let be)."""
    if expected == "ok":
        return {"ok": "quiet", "warning": "wrongly warned", "error": "wrongly refused"}[got]
    if got == "error" and expected == "warning":
        return "wrongly refused"
    return "caught" if got != "ok" else "missed"


def tally() -> Counter:
    return Counter(verdict(c["expect"], outcome(c)) for c in cases())


def test_the_corpus_covers_every_kind_field_and_outcome():
    corpus = cases()
    assert len(corpus) >= 80
    assert {c["expect"] for c in corpus} == {"error", "warning", "ok"}
    assert len([c for c in corpus if c.get("evasion")]) == 10
    kinds = {c["kind"] for c in corpus}
    for kind in ("email", "phone", "iban", "bsn", "vnumber", "dob", "name_address", "name"):
        assert kind in kinds
    fields = {c["field"] for c in corpus}
    scanned = {
        f"{s.code}.{c.code}" for s in load_catalogue().sections for c in s.columns if c.free_text
    }
    assert scanned <= fields  # every text a user types has cases
    assert {"profile.name", "profile.city"} <= scanned


@pytest.mark.parametrize("case", cases(), ids=lambda c: f"{c['field']}-{c['kind']}")
def test_the_scanner_gives_the_expected_outcome(case):
    assert outcome(case) == case["expect"], case["text"]


def _sample() -> list[list[dict]]:
    """Rounds of cases, at most one per field in each, for the workbook path."""
    per_field: dict[str, list[dict]] = {}
    for case in cases():
        if case["field"] == "indicators.value":
            continue  # needs a text indicator; the scanner test covers it
        picked = per_field.setdefault(case["field"], [])
        seen = {(c["expect"], bool(c.get("evasion"))) for c in picked}
        if (case["expect"], bool(case.get("evasion"))) not in seen:
            picked.append(case)
    depth = max(len(v) for v in per_field.values())
    return [[v[i] for v in per_field.values() if i < len(v)] for i in range(depth)]


ROUNDS = _sample()


@pytest.fixture(scope="module")
def base_workbook(tmp_path_factory):
    """A valid workbook, and what reading it gives (read once for all rounds)."""
    folder = tmp_path_factory.mktemp("privacy-corpus")
    (path,) = write_workbooks(folder, [("corpus-test", "Corpus test", 1, 0)])
    return path, read_workbook(path)


def _columns(ws, section) -> dict[str, int]:
    by_fold = {fold(h): c.code for c in section.columns for h in c.headers.values()}
    return {
        by_fold[fold(cell.value)]: cell.column
        for cell in ws[1]
        if isinstance(cell.value, str) and fold(cell.value) in by_fold
    }


@pytest.mark.parametrize("round_", ROUNDS, ids=lambda r: f"{len(r)}-cases")
def test_a_sample_through_the_real_upload(round_, base_workbook, tmp_path):
    path, original = base_workbook
    assert original.ok, original.problems
    wb = load_workbook(path)
    where: list[tuple[dict, str]] = []
    for case in round_:
        section_code, column = case["field"].split(".")
        section = load_catalogue().section(section_code)
        ws = wb[section.name(original.lang)]
        row = int(original.report.section(section_code)["_row"].iloc[-1])
        col = _columns(ws, section)[column]
        ws.cell(row=row, column=col).value = case["text"]
        where.append((case, cell_ref(ws.title, ws.cell(row=row, column=col).column_letter, row)))
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)

    result = read_workbook(typed)
    for case, cell in where:
        at = [p for p in result.problems if p.cell == cell and p.code in PERSONAL]
        got = "error" if any(p.severity == "error" for p in at) else "warning" if at else "ok"
        assert got == case["expect"], (case["text"], [(p.code, p.severity) for p in at])
        for p in at:  # located, bilingual, and without the personal data itself
            assert p.message("nl").startswith(cell) and p.message("en").startswith(cell)
            assert p.hint("nl") != p.hint("en")
    assert result.ok == all(c["expect"] != "error" for c in round_)


if __name__ == "__main__":
    counts = tally()
    evasions = [c for c in cases() if c.get("evasion")]
    caught = sum(verdict(c["expect"], outcome(c)) == "caught" for c in evasions)
    print(f"{len(cases())} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"evasions caught: {caught} of {len(evasions)}")
