"""The initiative's reporting loop (issue 15): what is stored for the messy cases.

Every fixture here was written by LibreOffice (``tests/fixtures/build_loop_fixtures.py``
builds them: the base report edited as a coordinator would, then opened and saved by
``soffice``). Each test imports the file into a real SQLite store and reads back what was
stored (the current dataset, the submission and its stored problems), not only a message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.access import Principal
from evaluation.store import Store
from evaluation.submit import submit

FIXTURES = Path(__file__).parent / "fixtures"
OOST = "taalcafe-oost"
ADMIN = Principal("admin", name="test-admin")


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path / 'loop.sqlite'}") as s:
        yield s


def _import(store: Store, name: str, principal: Principal | None = None, **kwargs):
    path = FIXTURES / f"{name}.xlsx"
    who = principal or Principal("initiative", initiative_id=OOST, name="coördinator")
    return submit(store, path.read_bytes(), path.name, who, **kwargs)


def _stored_problems(store: Store, outcome) -> list:
    return store.submission_problems(ADMIN, outcome.submission_id)


def _nothing_stored(store: Store) -> None:
    ds = store.current_dataset(ADMIN)
    assert ds.observations.empty and ds.initiatives.empty and ds.network.empty


# --- 1. sorting moves the example row --------------------------------------------------------


def test_a_sorted_example_row_is_not_stored_as_data(store):
    outcome = _import(store, "loop_sorted_example")
    assert outcome.status == "accepted", [p.to_dict("en") for p in outcome.problems]
    ds = store.current_dataset(ADMIN)
    activities = ds.observations[ds.observations["activity_type"].notna()]
    assert sorted(set(activities["activity_type"])) == ["Kookavond", "Taalcafé"]
    held = activities[activities["indicator"] == "activities_held"]
    assert sorted(held["value"]) == [6.0, 12.0]  # one Taalcafé, not the example's copy
    assert not any("voorbeeld" in str(v).lower() for v in ds.observations["activity_type"])
    indicators = ds.observations[ds.observations["activity_type"].isna()]
    assert sorted(indicators["indicator"]) == sorted(
        ["new_contacts", "friendships_reported", "eigen_gedeelde_maaltijden",
         "open_encounter_hours"]
    )  # fmt: skip
    notes = set(indicators["note"].dropna())
    assert notes == {"Vooral via de kookavond."}  # the example's note is not stored
    # the skipped rows are named, as warnings, where they went after the sort
    skipped = {p.cell for p in _stored_problems(store, outcome) if p.code == "example_row_skipped"}
    assert skipped == {"Activiteiten!A4", "Indicatoren!A5"}


# --- 2. formula errors -------------------------------------------------------------------------

FORMULA_ERRORS = {
    "Activiteiten!G3": "#DIV/0!",  # optional column
    "Activiteiten!C4": "#N/A",  # required column
    "Activiteiten!E4": "#VALUE!",
    "Indicatoren!C3": "#NUM!",
    "Indicatoren!F5": "#NAME?",  # a note (free text)
    "Indicatoren!C6": "#REF!",
    "Netwerk!D3": "#REF!",
}


def test_a_formula_error_is_an_error_at_its_cell_and_nothing_is_stored(store):
    outcome = _import(store, "loop_formula_errors")
    assert outcome.status == "rejected"
    stored = _stored_problems(store, outcome)
    found = {p.cell: p for p in stored if p.code == "formula_error"}
    assert set(found) == set(FORMULA_ERRORS)
    for cell, problem in found.items():
        assert problem.severity == "error"
        assert problem.value == FORMULA_ERRORS[cell]
        assert "formule" in problem.message("nl") and "formula" in problem.message("en")
        assert problem.value in problem.message("nl")
    # a formula error is not also "required but empty", nor any other problem at its cell
    others = [p for p in stored if p.cell in FORMULA_ERRORS and p.code != "formula_error"]
    assert others == []
    assert not any("verplicht maar leeg" in p.message("nl") for p in stored)
    _nothing_stored(store)


# --- 4. numbers that would be misread ----------------------------------------------------------


def test_an_ambiguous_thousands_point_is_refused_at_its_cell(store):
    outcome = _import(store, "loop_ambiguous_thousands")
    assert outcome.status == "rejected"
    (p,) = [p for p in _stored_problems(store, outcome) if p.severity == "error"]
    assert (p.code, p.cell, p.value) == ("ambiguous_thousands", "Activiteiten!F3", "1.234")
    assert "1234" in p.message("nl") and "1234" in p.hint("nl") and "1,234" in p.hint("nl")
    _nothing_stored(store)


def test_a_dutch_number_with_thousands_and_decimals_is_stored_as_meant(store, tmp_path):
    """The unambiguous Dutch form beside it ("1.234,5") is read as 1234.5 once F3 is fixed."""
    from openpyxl import load_workbook

    wb = load_workbook(FIXTURES / "loop_ambiguous_thousands.xlsx")
    wb["Activiteiten"]["F3"] = "1234"
    fixed = tmp_path / "fixed.xlsx"
    wb.save(fixed)
    outcome = submit(store, fixed.read_bytes(), fixed.name, ADMIN)
    assert outcome.status == "accepted", [p.to_dict("en") for p in outcome.problems]
    obs = store.current_dataset(ADMIN).observations
    taalcafe = obs[obs["activity_type"] == "Taalcafé"].set_index("indicator")["value"]
    assert taalcafe["volunteer_hours"] == 1234.0
    assert taalcafe["language_practice_hours"] == 1234.5


def test_a_percentage_in_a_count_is_an_error_at_its_cell(store):
    outcome = _import(store, "loop_percentage_in_count")
    assert outcome.status == "rejected"
    stored = _stored_problems(store, outcome)
    (p,) = [p for p in stored if p.severity == "error"]
    assert (p.code, p.cell, p.value) == ("percentage_in_count", "Indicatoren!C3", "45%")
    assert "percentage" in p.message("nl") and "count is not a percentage" in p.message("en")
    assert not [q for q in stored if q.code == "percentage_read" and q.cell == p.cell]
    _nothing_stored(store)


# --- 5. messages with a place and the right hint ------------------------------------------


def test_merged_share_headers_give_a_located_message(store):
    outcome = _import(store, "loop_merged_share_header")
    assert outcome.status == "rejected"
    stored = _stored_problems(store, outcome)
    assert all(p.cell for p in stored), [p.to_dict("en") for p in stored if not p.cell]
    for p in stored:
        for lang in ("nl", "en"):
            assert not p.message(lang).startswith(":"), p.message(lang)
    header = next(p for p in stored if p.code == "header_repeated")
    assert header.cell == "Indicatoren!E1" and header.severity == "error"
    assert "Noemer" in header.message("nl") and "Noemer" in header.hint("nl")
    share = next(p for p in stored if p.code == "share_needs_both")
    assert share.cell == "Indicatoren!E4"  # where the denominator belongs
    _nothing_stored(store)


def test_the_number_hint_on_activities_names_no_note_column(store):
    outcome = _import(store, "loop_text_in_activity_number")
    (p,) = _stored_problems(store, outcome)
    assert (p.code, p.cell) == ("not_a_number", "Activiteiten!D3")
    assert "Toelichting" not in p.hint("nl") and "Note" not in p.hint("en")


def test_the_number_hint_on_indicators_names_its_note_column(store, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(FIXTURES / "loop_text_in_activity_number.xlsx")
    wb["Activiteiten"]["D3"] = 30
    wb["Indicatoren"]["C3"] = "ongeveer 18"
    path = tmp_path / "indicator_text.xlsx"
    wb.save(path)
    outcome = submit(store, path.read_bytes(), path.name, ADMIN)
    (p,) = _stored_problems(store, outcome)
    assert (p.code, p.cell) == ("not_a_number", "Indicatoren!C3")
    assert "'Toelichting'" in p.hint("nl")


def test_dutch_messages_show_dates_as_the_template_does(store):
    outcome = _import(store, "loop_story_outside_period")
    (p,) = _stored_problems(store, outcome)
    assert (p.code, p.cell) == ("date_outside_period", "Verhalen!A3")
    nl, en = p.message("nl"), p.message("en")
    assert "1-6-2025" in nl and "1-1-2025" in nl and "31-3-2025" in nl
    assert "2025-" not in nl
    assert "2025-06-01" in en and "2025-01-01" in en and "2025-03-31" in en


# --- 3. a corrected period does not count twice -------------------------------------------


def test_an_overlapping_period_is_refused_and_nothing_is_stored(store):
    from evaluation.store.supersede import OverlapRefused

    first = _import(store, "loop_period_first_sent")
    assert first.status == "accepted" and first.period == "2025-01-01/2025-03-30"
    with pytest.raises(OverlapRefused) as refused:
        _import(store, "loop_period_corrected")
    assert [c.submission_id for c in refused.value.overlapping] == [first.submission_id]
    assert f"inzending {first.submission_id}" in refused.value.render("nl")
    assert "--replace-overlapping" in refused.value.render("en")
    subs = store.submissions(ADMIN)
    assert list(subs["submission_id"]) == [first.submission_id]  # nothing new stored
    assert store.periods(ADMIN) == [first.period]
    assert "refused_overlap" in set(store.audit(ADMIN)["action"])


def test_a_confirmed_overlap_replaces_the_earlier_submission(store):
    import datetime as dt

    first = _import(store, "loop_period_first_sent")
    who = Principal("initiative", initiative_id=OOST, name="coördinator")
    shown = store.overlapping(who, OOST, dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert [c.submission_id for c in shown] == [first.submission_id]
    second = _import(store, "loop_period_corrected", replace_overlapping=True)
    assert second.status == "accepted" and second.superseded == [first.submission_id]
    ds = store.current_dataset(ADMIN)
    assert store.periods(ADMIN) == ["2025-Q1"]  # one current submission
    held = ds.observations[ds.observations["indicator"] == "activities_held"]
    assert sorted(held["value"]) == [6.0, 13.0]  # the corrected numbers, counted once
    subs = store.submissions(ADMIN).set_index("submission_id")
    assert subs.at[first.submission_id, "superseded_by"] == second.submission_id
    # the replaced one stays readable
    assert (
        store.raw(ADMIN, first.submission_id)[1]
        == (FIXTURES / "loop_period_first_sent.xlsx").read_bytes()
    )


def test_the_cli_refuses_an_overlap_and_replaces_it_when_told(tmp_path, capsys):
    from evaluation.cli import main

    db = ["--database", f"sqlite:///{tmp_path / 'cli.sqlite'}", "--lang", "en"]
    first = str(FIXTURES / "loop_period_first_sent.xlsx")
    corrected = str(FIXTURES / "loop_period_corrected.xlsx")
    # no --initiative: the workbook names it
    assert main(["import", first, *db]) == 0
    assert "Accepted: submission 1 of initiative 'taalcafe-oost'" in capsys.readouterr().out
    code = main(["import", corrected, *db])
    out = capsys.readouterr()
    assert code == 1
    assert "overlaps submission 1" in out.out + out.err
    assert main(["import", corrected, "--replace-overlapping", *db]) == 0
    assert "replaces submission 1" in capsys.readouterr().out
    with Store.open(db[1]) as s:
        assert s.periods(ADMIN) == ["2025-Q1"]


def test_the_cli_import_still_checks_access_for_the_initiative_it_names(tmp_path, capsys):
    from evaluation.cli import main

    db = ["--database", f"sqlite:///{tmp_path / 'cli.sqlite'}", "--lang", "en"]
    book = str(FIXTURES / "loop_period_first_sent.xlsx")
    assert main(["import", book, "--initiative", "someone-else", *db]) == 3
    with Store.open(db[1]) as s:
        assert s.current_dataset(ADMIN).observations.empty


# --- 6. continue from the last period ------------------------------------------------------

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "gastvrij-dak"
GASTVRIJ = "gastvrij-dak"


def _libreoffice_saves(soffice: str, path: Path, outdir: Path) -> Path:
    """``path`` opened and saved by LibreOffice (as a coordinator's program would)."""
    import sys

    sys.path.insert(0, str(FIXTURES))
    from build_loop_fixtures import libreoffice_round_trip

    outdir.mkdir(exist_ok=True)
    libreoffice_round_trip([path], outdir, soffice)
    return outdir / path.name


def test_round_trip_next_template_from_the_store_two_numbers_changed(
    eight_quarters, tmp_path, capsys, soffice
):
    from openpyxl import load_workbook

    from evaluation.cli import main

    nxt = tmp_path / "volgend-kwartaal.xlsx"
    db = ["--database", eight_quarters]
    assert main(["template", "--initiative", GASTVRIJ, *db, "--out", str(nxt)]) == 0
    with Store.open(eight_quarters) as s:
        before = s.current_dataset(ADMIN, [GASTVRIJ])
    profile = before.initiatives.iloc[0]
    own_codes = sorted(set(before.own_indicators["indicator"]))

    wb = load_workbook(nxt)
    prof = wb["Profiel"]
    assert prof["A3"].value == GASTVRIJ and prof["B3"].value == profile["name"]
    assert prof["C3"].value == profile["city"]
    assert (prof["I3"].value.date().isoformat(), prof["J3"].value.date().isoformat()) == (
        "2026-01-01", "2026-03-31"
    )  # the quarter after 2025-Q4  # fmt: skip
    own_sheet = [r[0].value for r in wb["Eigen indicatoren"].iter_rows(min_row=3) if r[0].value]
    assert sorted(own_sheet) == own_codes
    lists = wb["Lijsten"]
    listed = {c.value for col in lists.iter_cols() for c in col}
    assert set(own_codes) <= listed  # own indicators are in the Indicators drop-down
    last = before.network[before.network["period"] == "2025-Q4"]
    partners = [r[0].value for r in wb["Netwerk"].iter_rows(min_row=3) if r[0].value]
    assert sorted(partners) == sorted(last["partner"])
    assert all(r[3].value is None for r in wb["Netwerk"].iter_rows(min_row=3) if r[0].value)
    questions = [r[0].value for r in wb["Reflectie"].iter_rows(min_row=3) if r[0].value]
    from evaluation.catalogue import load_catalogue

    labels = load_catalogue().choices("reflection_questions").labels("nl")
    assert questions == list(labels.values())  # every question, answers left blank

    # the coordinator changes two numbers, and LibreOffice saves the file
    wb["Indicatoren"]["C3"] = 14  # the first indicator's value
    wb["Netwerk"]["D3"] = 2  # how often with the first partner
    first_indicator = wb["Indicatoren"]["A3"].value
    wb.save(nxt)
    saved = _libreoffice_saves(soffice, nxt, tmp_path / "lo")

    # uploaded without --initiative (the workbook names it) and without retyping anything
    code = main(["import", str(saved), *db, "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Accepted" in out and "2026-Q1" in out

    with Store.open(eight_quarters) as s:
        assert s.periods(ADMIN)[-1] == "2026-Q1"
        after = s.current_dataset(ADMIN, [GASTVRIJ])
    q1 = after.observations[after.observations["period"] == "2026-Q1"]
    value = q1[q1["value"].notna()]
    assert len(value) == 1 and value.iloc[0]["value"] == 14.0
    assert first_indicator in (value.iloc[0]["indicator"], _label(value.iloc[0]["indicator"]))
    links = after.network[after.network["period"] == "2026-Q1"]
    assert list(links["count"]) == [2] and links.iloc[0]["partner"] == partners[0]
    declared = after.own_indicators[after.own_indicators["period"] == "2026-Q1"]
    assert sorted(declared["indicator"]) == own_codes
    assert after.initiatives.iloc[0]["mission"] == profile["mission"]


def _label(code: str) -> str:
    from evaluation.catalogue import load_catalogue

    cat = load_catalogue()
    return cat.indicator(code).label("nl") if code in cat.indicator_codes else code


def test_an_own_indicator_the_store_holds_need_not_be_declared_again(eight_quarters, tmp_path):
    from openpyxl import load_workbook

    from evaluation.cli import main

    nxt = tmp_path / "zonder-declaratie.xlsx"
    assert main(["template", "--initiative", GASTVRIJ, "--database", eight_quarters,
                 "--out", str(nxt)]) == 0  # fmt: skip
    wb = load_workbook(nxt)
    own = wb["Eigen indicatoren"]
    code = own["A3"].value
    own.delete_rows(3, own.max_row)  # the declaration left out
    ind = wb["Indicatoren"]
    row = next(r for r in ind.iter_rows(min_row=3) if r[0].value == code)
    row[2].value = 5
    wb.save(nxt)
    with Store.open(eight_quarters) as s:
        who = Principal("initiative", initiative_id=GASTVRIJ, name="coördinator")
        outcome = submit(s, nxt.read_bytes(), nxt.name, who)
        assert outcome.status == "accepted", [p.to_dict("en") for p in outcome.problems]
        after = s.current_dataset(ADMIN, [GASTVRIJ])
    q1 = after.observations[after.observations["period"] == "2026-Q1"]
    mine = q1[q1["indicator"] == code]
    assert list(mine["value"]) == [5.0] and bool(mine.iloc[0]["own"])
    # the store's declaration is used, and stored with the new period
    declared = after.own_indicators[after.own_indicators["period"] == "2026-Q1"]
    old = after.own_indicators[after.own_indicators["period"] == "2025-Q4"]
    assert (
        declared.set_index("indicator").loc[code, "label"]
        == (old.set_index("indicator").loc[code, "label"])
    )
    assert mine.iloc[0]["unit"] == old.set_index("indicator").loc[code, "unit"]


def test_every_initiative_in_the_store_gets_its_next_template(tmp_path):
    from openpyxl import load_workbook

    from evaluation.continuation import continued_template
    from evaluation.template import save_workbook

    url = f"sqlite:///{tmp_path / 'all.sqlite'}"
    root = SAMPLE.parent
    with Store.open(url) as s:
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and any(p.glob("*.xlsx"))):
            path = sorted(folder.glob("*.xlsx"))[-1]  # the latest quarter of each
            assert submit(s, path.read_bytes(), path.name, ADMIN).status == "accepted"
        ds = s.current_dataset(ADMIN)
    ids = list(ds.initiatives["initiative_id"])
    assert len(ids) == 10
    for initiative in ids:
        out = save_workbook(
            continued_template(ds, initiative, "en"), tmp_path / f"{initiative}.xlsx"
        )
        assert load_workbook(out)["Profile"]["A3"].value == initiative


def test_a_new_initiative_gets_a_code_proposed_from_its_name(tmp_path, capsys):
    from openpyxl import load_workbook

    from evaluation.cli import main

    out = tmp_path / "nieuw.xlsx"
    db = ["--database", f"sqlite:///{tmp_path / 'new.sqlite'}"]
    assert main(["template", "--name", "Taalcafé  Zuid-Oost!", *db, "--out", str(out)]) == 0
    assert "taalcafe-zuid-oost" in capsys.readouterr().out
    ws = load_workbook(out)["Profiel"]
    assert (ws["A3"].value, ws["B3"].value) == ("taalcafe-zuid-oost", "Taalcafé  Zuid-Oost!")
    # an unknown code without a name is refused, clearly
    assert main(["template", "--initiative", "bestaat-niet", *db, "--out", str(out)]) == 1
    assert "--name" in capsys.readouterr().err


def test_propose_code_avoids_codes_in_use():
    from evaluation.continuation import propose_code

    assert propose_code("Gastvrij Dak", {"gastvrij-dak"}) == "gastvrij-dak-2"
    assert propose_code("Ümit & Zoon") == "umit-zoon"


def test_next_period_follows_the_rhythm_of_the_last():
    import datetime as dt

    from evaluation.periods import next_period

    d = dt.date
    assert next_period(d(2025, 10, 1), d(2025, 12, 31)) == (d(2026, 1, 1), d(2026, 3, 31))
    assert next_period(d(2025, 1, 1), d(2025, 6, 30)) == (d(2025, 7, 1), d(2025, 12, 31))
    assert next_period(d(2025, 1, 1), d(2025, 12, 31)) == (d(2026, 1, 1), d(2026, 12, 31))
    # not whole months: as many days (90) again
    assert next_period(d(2025, 1, 15), d(2025, 4, 14)) == (d(2025, 4, 15), d(2025, 7, 13))


def test_the_submit_page_template_continues_from_the_store(eight_quarters):
    import io

    from openpyxl import load_workbook

    from dashboards import uploads

    who = Principal("initiative", initiative_id=GASTVRIJ, name="coördinator")
    with Store.open(eight_quarters) as s:
        ds = s.current_dataset(who, [GASTVRIJ])
    wb = load_workbook(io.BytesIO(uploads.template_bytes(ds, GASTVRIJ, "nl")))
    assert wb["Profiel"]["A3"].value == GASTVRIJ
    assert wb["Profiel"]["I3"].value.date().isoformat() == "2026-01-01"
    assert wb["Eigen indicatoren"]["A3"].value
    assert wb["Netwerk"]["A3"].value


def test_the_submit_page_shows_an_overlap_and_stores_only_when_confirmed(store):
    from dashboards import uploads

    first = _import(store, "loop_period_first_sent")
    data = (FIXTURES / "loop_period_corrected.xlsx").read_bytes()
    who = Principal("initiative", initiative_id=OOST, name="coördinator")
    check = uploads.check(data, "corrected.xlsx", "nl", store)
    assert check.ok
    shown = uploads.overlaps(store, who, check, "nl")
    assert f"inzending {first.submission_id}" in shown
    refused = uploads.store_upload(store, data, "corrected.xlsx", who)
    assert refused.status == "refused"
    assert store.periods(ADMIN) == [first.period]
    stored = uploads.store_upload(store, data, "corrected.xlsx", who, replace_overlapping=True)
    assert stored.status == "accepted" and stored.superseded == [first.submission_id]
    assert store.periods(ADMIN) == ["2025-Q1"]


def test_formula_errors_in_an_ods_saved_by_libreoffice_are_found_alike(soffice, tmp_path):
    import subprocess

    from evaluation.ingest import read_workbook

    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "ods",
         "--outdir", str(tmp_path), str(FIXTURES / "loop_formula_errors.xlsx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    result = read_workbook(tmp_path / "loop_formula_errors.ods")
    found = {p.cell for p in result.problems if p.code == "formula_error"}
    assert found == set(FORMULA_ERRORS)
    assert not [p for p in result.problems if p.cell in found and p.code != "formula_error"]
