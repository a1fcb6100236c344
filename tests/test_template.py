"""The template builder: the workbook a volunteer fills in, as Excel, LibreOffice and the
reader's libraries see it, and the same workbook filled from a Report."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from evaluation.catalogue import LANGS, load_catalogue
from evaluation.cli import main
from evaluation.errors import UserError
from evaluation.i18n import t
from evaluation.layout import EXAMPLE_MARKERS, is_example_row
from evaluation.model import Report
from evaluation.submit import submit
from evaluation.template import (
    EXAMPLE_ROW,
    FIRST_DATA_ROW,
    HEADER_ROW,
    LAST_VALIDATED_ROW,
    TEMPLATE_FILENAMES,
    build_committed_templates,
    template_bytes,
    write_report,
    write_template,
)

ROOT = Path(__file__).resolve().parent.parent
CAT = load_catalogue()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """One blank template per language, written once for this module."""
    out = tmp_path_factory.mktemp("templates")
    return {lang: write_template(out / f"template-{lang}.xlsx", lang) for lang in LANGS}


def expected_sheets(lang: str) -> list[str]:
    return (
        [t("template.sheet.guide", lang)]
        + [s.name(lang) for s in CAT.sections]
        + [t("template.sheet.dictionary", lang), t("template.sheet.lists", lang)]
    )


def list_values(wb, formula: str) -> list[str]:
    """The values of a validation's list range such as ``'Lijsten'!$B$2:$B$4``."""
    sheet, ref = formula.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    return [c.value for row in ws[ref.replace("$", "")] for c in row]


def validations_by_column(ws) -> dict[str, list]:
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            letter = re.match(r"[A-Z]+", rng.coord).group(0)
            out.setdefault(letter, []).append((rng, dv))
    return out


# --- loading -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_loads_with_openpyxl_sheets_headers_and_blank_data_rows(built, lang):
    wb = load_workbook(built[lang])
    assert wb.sheetnames == expected_sheets(lang)
    assert wb.active.title == t("template.sheet.guide", lang)
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    assert states.pop(t("template.sheet.lists", lang)) == "hidden"
    assert set(states.values()) == {"visible"}
    for section in CAT.sections:
        ws = wb[section.name(lang)]
        headers = [c.value for c in ws[HEADER_ROW]]
        assert headers == [c.header(lang) for c in section.columns]
        assert all(
            h.endswith(" *") == c.required for h, c in zip(headers, section.columns, strict=True)
        )
        # a blank template has no data below the example row
        assert ws.max_row == EXAMPLE_ROW


@pytest.mark.parametrize("lang", LANGS)
def test_loads_with_calamine(built, lang):
    wb = CalamineWorkbook.from_path(str(built[lang]))
    assert wb.sheet_names == expected_sheets(lang)
    for section in CAT.sections:
        rows = wb.get_sheet_by_name(section.name(lang)).to_python()
        assert rows[0] == [c.header(lang) for c in section.columns]
        assert is_example_row(rows[1][0])


# --- layout --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_coded_column_has_a_dropdown_on_the_hidden_list_sheet(built, lang):
    wb = load_workbook(built[lang])
    lists_sheet = t("template.sheet.lists", lang)
    for section in CAT.sections:
        ws = wb[section.name(lang)]
        by_col = validations_by_column(ws)
        last = FIRST_DATA_ROW if section.single_row else LAST_VALIDATED_ROW
        coded = set()
        for idx, column in enumerate(section.columns, start=1):
            if column.type not in ("choice", "indicator"):
                continue
            letter = ws.cell(row=1, column=idx).column_letter
            coded.add(letter)
            assert len(by_col.get(letter, [])) == 1, (section.code, column.code)
            rng, dv = by_col[letter][0]
            assert (rng.min_row, rng.max_row) == (FIRST_DATA_ROW, last)
            assert dv.type == "list"
            assert dv.formula1.split("!")[0].strip("'") == lists_sheet
            values = list_values(wb, dv.formula1)
            if column.type == "choice":
                assert values == list(CAT.choices(column.choices).labels(lang).values())
                assert dv.errorStyle in (None, "stop")
                assert dv.showErrorMessage
            else:
                own_sheet = [i for i in CAT.indicators if i.sheet == "indicators"]
                assert values == [i.label(lang) for i in own_sheet]
                # own indicators are typed as codes: never refused
                assert dv.errorStyle == "warning" or not dv.showErrorMessage
        # and nothing else carries a list
        assert set(by_col) == coded, section.code


@pytest.mark.parametrize("lang", LANGS)
def test_headers_carry_their_definition_widths_and_a_frozen_row(built, lang):
    wb = load_workbook(built[lang])
    for section in CAT.sections:
        ws = wb[section.name(lang)]
        assert ws.freeze_panes == "A2"
        for idx, column in enumerate(section.columns, start=1):
            head = ws.cell(row=HEADER_ROW, column=idx)
            expected = (
                CAT.indicator(column.indicator).definition(lang)
                if column.indicator
                else column.help[lang]
            )
            assert expected.strip()
            assert head.comment is not None and head.comment.text == expected
            assert head.font.b
            assert ws.column_dimensions[head.column_letter].width == column.width


@pytest.mark.parametrize("lang", LANGS)
def test_example_row_is_marked_and_shows_labels(built, lang):
    wb = load_workbook(built[lang])
    for section in CAT.sections:
        ws = wb[section.name(lang)]
        first = ws.cell(row=EXAMPLE_ROW, column=1)
        assert first.value.startswith(EXAMPLE_MARKERS[lang])
        assert is_example_row(first.value)
        assert first.font.i
        for idx, column in enumerate(section.columns, start=1):
            cell = ws.cell(row=EXAMPLE_ROW, column=idx)
            if idx == 1 or column.example in (None, ""):
                continue
            assert cell.font.i
            if column.type == "choice":
                assert cell.value == CAT.choices(column.choices).label(str(column.example), lang)
            elif column.type == "date":
                assert cell.value.date() == dt.date.fromisoformat(column.example)
            elif column.type in ("integer", "number", "year"):
                assert cell.value == column.example
    ind = wb[CAT.section("indicators").name(lang)]
    assert ind.cell(row=EXAMPLE_ROW, column=1).value.endswith(
        CAT.indicator("new_contacts").label(lang)
    )


def test_example_marker_detection():
    for marker in EXAMPLE_MARKERS.values():
        assert is_example_row(f"{marker} taalcafe")
        assert is_example_row(f"  {marker.upper()}x")
    assert not is_example_row("taalcafe-oost")
    assert not is_example_row("Voorbeeldinitiatief")  # a name that merely starts like it
    assert not is_example_row(None)
    assert not is_example_row(dt.date(2025, 1, 1))


@pytest.mark.parametrize("lang", LANGS)
def test_reading_guide_and_data_dictionary(built, lang):
    wb = load_workbook(built[lang])
    guide = [
        c for row in wb[t("template.sheet.guide", lang)].iter_rows(values_only=True) for c in row
    ]
    text = "\n".join(str(c) for c in guide if c)
    for section in CAT.sections:
        assert section.name(lang) in guide
        assert section.help[lang] in guide
    assert EXAMPLE_MARKERS[lang] in text
    assert t("template.guide.purpose", lang) in guide

    rows = list(wb[t("template.sheet.dictionary", lang)].iter_rows(values_only=True))
    by_code = {r[0]: r for r in rows}
    for ind in CAT.indicators:
        r = by_code[ind.code]
        assert r[1:4] == (
            ind.label(lang),
            ind.definition(lang),
            CAT.choices("dimensions").label(ind.dimension, lang),
        )
    column_rows = {(r[0], r[2]): r for r in rows if len(r) > 2 and r[0] in expected_sheets(lang)}
    yes = CAT.choices("yes_no").label("yes", lang)
    for section in CAT.sections:
        for column in section.columns:
            r = column_rows[(section.name(lang), column.code)]
            assert r[1] == column.header(lang)
            assert (r[4] == yes) == column.required
            if column.type == "choice":
                for label in CAT.choices(column.choices).labels(lang).values():
                    assert label in r[5]


def test_rebuild_gives_identical_bytes_and_fixed_properties(tmp_path, built):
    again = write_template(tmp_path / "again.xlsx", "nl")
    assert again.read_bytes() == built["nl"].read_bytes()
    props = load_workbook(again).properties
    assert props.creator == "evaluation"
    assert props.created == props.modified == dt.datetime(2025, 1, 1)
    assert built["nl"].read_bytes() != built["en"].read_bytes()
    assert template_bytes("en") == built["en"].read_bytes()


# --- round trips ---------------------------------------------------------------------------


def signature(path: Path) -> dict:
    """The content of a workbook that matters to its users, independent of the zip bytes."""
    wb = load_workbook(path)
    sig: dict = {"properties": (wb.properties.creator, wb.properties.created, wb.properties.title)}
    for ws in wb.worksheets:
        sig[ws.title] = {
            "state": ws.sheet_state,
            "freeze": ws.freeze_panes,
            "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items())},
            "heights": {k: d.height for k, d in sorted(ws.row_dimensions.items()) if d.height},
            "cells": [
                (c.coordinate, c.value, c.number_format, c.font.i, c.font.b)
                for row in ws.iter_rows()
                for c in row
                if c.value is not None
            ],
            "comments": [
                (c.coordinate, c.comment.text) for row in ws.iter_rows() for c in row if c.comment
            ],
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.errorStyle, bool(dv.showErrorMessage))
                for dv in ws.data_validations.dataValidation
            ),
        }
    return sig


def test_dropdowns_comments_and_panes_survive_an_openpyxl_round_trip(tmp_path, built):
    # what a script or another tool does: load, save, load again
    wb = load_workbook(built["nl"])
    resaved = tmp_path / "resaved.xlsx"
    wb.save(resaved)
    before, after = signature(built["nl"]), signature(resaved)
    for sheet in expected_sheets("nl"):
        for key in ("state", "freeze", "widths", "heights", "cells", "comments", "validations"):
            assert after[sheet][key] == before[sheet][key], (sheet, key)
    assert any(before[s]["validations"] for s in before if s != "properties")


def test_committed_templates_are_up_to_date(tmp_path):
    fresh = build_committed_templates(tmp_path)
    assert {p.name for p in fresh} == set(TEMPLATE_FILENAMES.values())
    for path in fresh:
        committed = ROOT / "templates" / path.name
        assert committed.exists(), f"{committed} missing: run `evaluation template --all`"
        assert signature(committed) == signature(path), (
            f"{committed.name} is out of date with the builder: "
            "run `evaluation template --all --out-dir templates` and commit the result"
        )


# --- LibreOffice ---------------------------------------------------------------------------


def _convert(soffice: str, files: list[Path], fmt: str, outdir: Path, profile: Path) -> None:
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )


@pytest.mark.system
def test_libreoffice_opens_both_templates_and_keeps_the_dropdowns(soffice, built, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    files = [Path(shutil.copy(built[lang], src / f"{lang}.xlsx")) for lang in LANGS]
    files.append(write_report(sample_report(), src / "filled.xlsx", lang="nl"))
    profile = tmp_path / "lo-profile"
    # one conversion (xlsx -> xlsx: what a volunteer using LibreOffice saves) keeps the suite lean
    _convert(soffice, files, "xlsx", tmp_path / "xlsx", profile)

    # a filled workbook saved by LibreOffice still reads back through the reader
    from evaluation.ingest.reading import read_workbook

    result = read_workbook(tmp_path / "xlsx" / "filled.xlsx")
    assert result.ok, [(p.code, p.sheet, p.cell) for p in result.problems]
    assert result.report.initiative_id == "kookclub-west"
    assert len(result.report.stories) == 1
    for lang in LANGS:
        xlsx = tmp_path / "xlsx" / f"{lang}.xlsx"
        assert xlsx.exists()
        calamine = CalamineWorkbook.from_path(str(xlsx))
        assert calamine.sheet_names == expected_sheets(lang)
        for section in CAT.sections:
            rows = calamine.get_sheet_by_name(section.name(lang)).to_python()
            assert rows[0] == [c.header(lang) for c in section.columns]
            assert is_example_row(rows[1][0])
        back = load_workbook(xlsx)
        assert back.sheetnames == expected_sheets(lang)
        assert back[t("template.sheet.lists", lang)].sheet_state == "hidden"
        stories = back[CAT.section("stories").name(lang)]
        # (frozen panes are view settings, which headless LibreOffice has no view to keep)
        assert stories["A1"].comment is not None
        formulas = [dv.formula1 for dv in stories.data_validations.dataValidation]
        voices = list(CAT.choices("voices").labels(lang).values())
        assert any(list_values(back, f) == voices for f in formulas)


# --- command line --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_cli_writes_a_template(tmp_path, capsys, lang):
    out = tmp_path / "sub" / "mine.xlsx"
    assert main(["template", "--lang", lang, "--out", str(out)]) == 0
    assert load_workbook(out).sheetnames == expected_sheets(lang)
    assert str(out) in capsys.readouterr().out


def test_cli_all_writes_both_committed_names(tmp_path):
    assert main(["template", "--all", "--out-dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(TEMPLATE_FILENAMES.values())


@pytest.mark.parametrize("lang", LANGS)
def test_cli_unknown_initiative_is_a_clear_error(tmp_path, capsys, lang):
    out = tmp_path / "x.xlsx"
    db = f"sqlite:///{tmp_path / 'leeg.sqlite'}"
    code = main(
        ["template", "--lang", lang, "--initiative", "bestaat-niet", "--database", db,
         "--out", str(out)]
    )  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert err.strip() == t("template.cli.unknown_initiative", lang, initiative="bestaat-niet")
    assert "Traceback" not in err
    assert not out.exists()


def test_cli_without_out_asks_for_it(capsys):
    assert main(["template", "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip() == t("template.cli.need_out", "en")


def test_cli_unwritable_path_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["template", "--lang", "nl", "--out", str(blocker / "t.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "t.xlsx" in err and "Traceback" not in err


def test_cli_prefills_the_profile_of_a_known_initiative_from_the_store(tmp_path):
    from evaluation.access import Principal
    from evaluation.store import Store

    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    book = ROOT / "sample_data" / "gastvrij-dak" / "gastvrij-dak_2025-Q4.xlsx"
    with Store.open(db) as store:
        outcome = submit(store, book.read_bytes(), book.name, Principal("admin"))
        assert outcome.status == "accepted"
    out = tmp_path / "prefilled.xlsx"
    argv = ["template", "--lang", "en", "--initiative", "gastvrij-dak", "--database", db]
    assert main([*argv, "--out", str(out)]) == 0
    ws = load_workbook(out)[CAT.section("profile").name("en")]
    assert ws.cell(row=FIRST_DATA_ROW, column=1).value == "gastvrij-dak"
    assert ws.cell(row=FIRST_DATA_ROW, column=2).value == outcome_name(db, "gastvrij-dak")


def outcome_name(db: str, initiative_id: str) -> str:
    from evaluation.access import Principal
    from evaluation.store import Store

    with Store.open(db) as store:
        frame = store.initiatives(Principal("admin"))
    return frame.set_index("initiative_id").at[initiative_id, "name"]


def test_profile_prefill_writes_labels_and_dates(tmp_path):
    profile = {
        "initiative_id": "taalcafe-oost",
        "name": "Taalcafé Oost",
        "city": "Amsterdam",
        "founded_year": 2017.0,
        "organisation_form": "foundation",
        "phase_arrival": "none",
        "phase_landing": "primary",
        "phase_future": "secondary",
        "mission": "Samen praten.",
    }
    path = write_template(tmp_path / "p.xlsx", "nl", profile=profile)
    ws = load_workbook(path)[CAT.section("profile").name("nl")]
    row = {
        c.code: ws.cell(row=FIRST_DATA_ROW, column=i).value
        for i, c in enumerate(CAT.section("profile").columns, 1)
    }
    assert row["initiative_id"] == "taalcafe-oost"
    assert row["founded_year"] == 2017 and isinstance(row["founded_year"], int)
    assert row["organisation_form"] == "Stichting"
    assert row["phase_landing"] == "Hoofdaccent"
    assert row["period_start"] is None
    assert ws.max_row == FIRST_DATA_ROW


# --- write_report --------------------------------------------------------------------------


def sample_report() -> Report:
    def frame(rows: list[dict]) -> pd.DataFrame:
        return pd.DataFrame(rows)

    return Report(
        profile=frame(
            [
                {
                    "initiative_id": "kookclub-west",
                    "name": "Kookclub West",
                    "city": "Utrecht",
                    "founded_year": 2019,
                    "organisation_form": "citizen_initiative",
                    "phase_arrival": "secondary",
                    "phase_landing": "primary",
                    "phase_future": "none",
                    "period_start": dt.date(2025, 4, 1),
                    "period_end": dt.date(2025, 6, 30),
                    "mission": "Samen koken, samen eten.",
                    "intentions": None,
                    "written_with": "with_newcomers",
                    "_row": 3,
                }
            ]
        ),
        own_indicators=frame(
            [
                {
                    "indicator": "eigen_maaltijden",
                    "label": "Gedeelde maaltijden",
                    "definition": "Maaltijden samen gekookt.",
                    "dimension": "relational",
                    "unit": "count",
                    "phase": "landing",
                }
            ]
        ),
        activities=frame(
            [
                {
                    "activity_type": "Kookavond",
                    "phase": "landing",
                    "activities_held": 10,
                    "newcomers_participating": 25.0,
                    "residents_participating": float("nan"),
                    "volunteer_hours": 40.5,
                },
                {
                    "activity_type": "Inloop",
                    "phase": "arrival",
                    "activities_held": 4,
                    "newcomers_participating": 9,
                    "residents_participating": 3,
                    "volunteer_hours": None,
                },
            ]
        ),
        indicators=frame(
            [
                {
                    "indicator": "new_contacts",
                    "phase": None,
                    "value": 12,
                    "note": "Via de kookavond.",
                },
                {"indicator": "eigen_maaltijden", "phase": "landing", "value": 8, "note": None},
                {"indicator": "friendships_reported", "numerator": 6, "denominator": 10},
            ]
        ),
        stories=frame(
            [
                {
                    "date": dt.date(2025, 5, 2),
                    "title": "De eerste keer koken",
                    "text": "Hij kookte voor twintig buren.",
                    "voice": "newcomer",
                    "phase": "landing",
                    "theme": "role_shift",
                    "theme_2": "hidden_talents",
                    "why_it_matters": "Hij voelde zich gastheer.",
                    "consent_recorded": "yes",
                    "visibility": "funders",
                }
            ]
        ),
        network=frame(
            [
                {
                    "partner": "Gemeente Utrecht",
                    "partner_type": "municipality",
                    "relation": "referral_in",
                    "count": 5,
                    "phase": "arrival",
                    "description": "Nieuwe bewoners.",
                }
            ]
        ),
        reflection=frame(
            [
                {
                    "question": "roles_shifted",
                    "answer": "Deelnemers koken nu zelf.",
                    "self_view": None,
                },
                {"question": "quality_role_fluidity", "answer": None, "self_view": "3"},
            ]
        ),
    )


def sheet_rows(wb, code: str, lang: str) -> list[dict]:
    section = CAT.section(code)
    ws = wb[section.name(lang)]
    out = []
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW, max_col=len(section.columns), values_only=True):
        if any(v is not None for v in row):
            out.append(dict(zip(section.column_codes, row, strict=True)))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_write_report_puts_values_in_the_right_cells(tmp_path, lang):
    report = sample_report()
    path = write_report(report, tmp_path / "filled.xlsx", lang=lang)
    wb = load_workbook(path)
    label = lambda name, code: CAT.choices(name).label(code, lang)  # noqa: E731

    # the example row stays, marked
    for section in CAT.sections:
        assert is_example_row(wb[section.name(lang)].cell(row=EXAMPLE_ROW, column=1).value)

    (profile,) = sheet_rows(wb, "profile", lang)
    assert profile["initiative_id"] == "kookclub-west"
    assert profile["founded_year"] == 2019
    assert profile["organisation_form"] == label("organisation_forms", "citizen_initiative")
    assert profile["phase_landing"] == label("phase_roles", "primary")
    assert profile["period_start"] == dt.datetime(2025, 4, 1)
    assert profile["period_end"] == dt.datetime(2025, 6, 30)
    assert profile["intentions"] is None
    assert profile["written_with"] == label("authorship", "with_newcomers")

    own = sheet_rows(wb, "own_indicators", lang)
    assert own[0]["indicator"] == "eigen_maaltijden"
    assert own[0]["unit"] == label("units", "count")

    acts = sheet_rows(wb, "activities", lang)
    assert [a["activity_type"] for a in acts] == ["Kookavond", "Inloop"]
    assert acts[0]["newcomers_participating"] == 25
    assert isinstance(acts[0]["newcomers_participating"], int)
    assert acts[0]["volunteer_hours"] == 40.5
    assert acts[0]["residents_participating"] is None
    assert acts[1]["phase"] == label("phases", "arrival")

    inds = sheet_rows(wb, "indicators", lang)
    assert inds[0]["indicator"] == CAT.indicator("new_contacts").label(lang)
    assert inds[0]["phase"] is None and inds[0]["value"] == 12
    assert inds[1]["indicator"] == "eigen_maaltijden"
    assert (inds[2]["numerator"], inds[2]["denominator"], inds[2]["value"]) == (6, 10, None)

    (story,) = sheet_rows(wb, "stories", lang)
    assert story["date"] == dt.datetime(2025, 5, 2)
    assert story["voice"] == label("voices", "newcomer")
    assert story["theme_2"] == label("themes", "hidden_talents")
    assert story["consent_recorded"] == label("yes_no", "yes")
    assert story["visibility"] == label("visibility", "funders")

    (link,) = sheet_rows(wb, "network", lang)
    assert link["count"] == 5 and link["relation"] == label("relation_types", "referral_in")

    refl = sheet_rows(wb, "reflection", lang)
    assert refl[0]["question"] == label("reflection_questions", "roles_shifted")
    assert refl[1]["self_view"] == label("rubric_steps", "3")

    # every written label is one the sheet's drop-down offers, so the file validates as typed
    stories_ws = wb[CAT.section("stories").name(lang)]
    for rng, dv in (x for v in validations_by_column(stories_ws).values() for x in v):
        col = rng.min_col
        value = stories_ws.cell(row=FIRST_DATA_ROW, column=col).value
        if value is not None:
            assert value in list_values(wb, dv.formula1)


def test_profile_from_the_stores_tidy_form_gives_one_role_per_phase():
    from evaluation.commands.template import profile_for

    initiatives = pd.DataFrame(
        [
            {
                "initiative_id": "huis-noord",
                "name": "Huis Noord",
                "city": "Zwolle",
                "founded_year": 2015,
                "organisation_form": "association",
                "primary_phase": "arrival",
                "secondary_phases": "landing;future",
                "mission": "Een thuis.",
                "intentions": "Meer gasten.",
                "written_with": "coordinator",
            }
        ]
    )
    profile = profile_for("huis-noord", initiatives)
    assert profile["phase_arrival"] == "primary"
    assert (profile["phase_landing"], profile["phase_future"]) == ("secondary", "secondary")
    assert profile["name"] == "Huis Noord"
    # the period-bound fields are left for the volunteer
    assert "intentions" not in profile and "written_with" not in profile
    initiatives.loc[0, "secondary_phases"] = ""
    assert profile_for("huis-noord", initiatives)["phase_future"] == "none"
    with pytest.raises(UserError):
        profile_for("onbekend", initiatives)


def _canonical(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


@pytest.mark.parametrize("lang", LANGS)
def test_write_report_reads_back_through_the_reader(tmp_path, lang):
    """What write_report writes is what a volunteer's file is: the reader gets the report back."""
    from evaluation.ingest.reading import read_workbook

    report = sample_report()
    result = read_workbook(write_report(report, tmp_path / f"r-{lang}.xlsx", lang=lang))
    assert result.ok, [(p.code, p.sheet, p.cell) for p in result.problems]
    assert result.lang == lang
    for section in CAT.sections:
        written = report.section(section.code).drop(columns="_row", errors="ignore")
        read = result.report.section(section.code)
        assert len(read) == len(written), section.code
        for want, got in zip(written.to_dict("records"), read.to_dict("records"), strict=True):
            for code in section.column_codes:
                assert _canonical(got.get(code)) == _canonical(want.get(code)), (section.code, code)


@pytest.mark.parametrize("lang", LANGS)
def test_every_written_label_maps_back_to_its_code(lang):
    from evaluation.template import cell_value

    for section in CAT.sections:
        for column in section.columns:
            if column.type == "choice":
                choices = CAT.choices(column.choices)
                for code in choices.codes:
                    written = cell_value(column, code, lang)
                    assert written == choices.label(code, lang)
                    assert choices.lookup(written) == code
            elif column.type == "indicator":
                for ind in CAT.indicators:
                    assert CAT.lookup_indicator(cell_value(column, ind.code, lang)) == ind.code
                assert cell_value(column, "eigen_iets", lang) == "eigen_iets"
