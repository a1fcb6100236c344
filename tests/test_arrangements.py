"""Lighter reporting (issue 15): each initiative's rhythm and light report, set by a funder,
followed by its next template and by the checks of its uploads.

Real parts: a SQLite store filled with eight sample quarters, the CLI, templates written and
read back with openpyxl, uploads through ``evaluation.submit``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from evaluation import arrangements
from evaluation.access import Principal
from evaluation.arrangements import next_period_in, unit_end
from evaluation.errors import AccessDenied, UserError
from evaluation.store import Store
from evaluation.submit import submit

ROOT = Path(__file__).resolve().parent.parent
GASTVRIJ = "gastvrij-dak"  # the sample's eight quarters run to 2025-Q4
ADMIN = Principal("admin", name="test-admin")
FUNDER = Principal("funder", name="fonds")
COORDINATOR = Principal("initiative", initiative_id=GASTVRIJ, name="coördinator")
D = dt.date


def test_a_period_of_a_rhythm_runs_to_the_end_of_its_calendar_unit():
    assert unit_end(D(2026, 2, 10), "quarter") == D(2026, 3, 31)
    assert unit_end(D(2026, 4, 1), "half_year") == D(2026, 6, 30)
    assert unit_end(D(2026, 7, 1), "half_year") == D(2026, 12, 31)
    assert unit_end(D(2026, 4, 1), "year") == D(2026, 12, 31)
    # after a last quarter: whole units; after a mid-unit change: the rest of that unit
    assert next_period_in("half_year", D(2025, 12, 31)) == (D(2026, 1, 1), D(2026, 6, 30))
    assert next_period_in("half_year", D(2026, 3, 31)) == (D(2026, 4, 1), D(2026, 6, 30))
    assert next_period_in("year", D(2025, 12, 31)) == (D(2026, 1, 1), D(2026, 12, 31))
    assert next_period_in("quarter", D(2026, 3, 31)) == (D(2026, 4, 1), D(2026, 6, 30))


def test_a_funder_sets_an_arrangement_and_it_is_audited(eight_quarters):
    with Store.open(eight_quarters) as s:
        assert arrangements.arrangement(s, GASTVRIJ) == arrangements.Arrangement(GASTVRIJ)
        arrangements.set_arrangement(s, FUNDER, GASTVRIJ, "half_year", True)
        arrangements.set_arrangement(s, ADMIN, GASTVRIJ, "year", True)
        now = arrangements.arrangement(s, GASTVRIJ)
        trail = s.audit(ADMIN)
    assert (now.rhythm, now.light_allowed, now.set_by) == ("year", True, "test-admin")
    lines = trail[trail["action"] == "arrangement"]
    assert list(lines["actor"]) == ["fonds", "test-admin"]
    assert list(lines["detail"]) == ["half_year light", "year light"]


def test_an_initiative_may_not_set_its_own_arrangement_and_the_refusal_is_audited(
    eight_quarters,
):
    with Store.open(eight_quarters) as s:
        with pytest.raises(AccessDenied) as refused:
            arrangements.set_arrangement(s, COORDINATOR, GASTVRIJ, "year", True)
        assert arrangements.arrangement(s, GASTVRIJ).rhythm == "quarter"
        trail = s.audit(ADMIN)
        with pytest.raises(UserError, match="maand"):
            arrangements.set_arrangement(s, FUNDER, GASTVRIJ, "maand", False)
        with pytest.raises(UserError, match="bestaat-niet"):
            arrangements.set_arrangement(s, FUNDER, "bestaat-niet", "year", False)
    assert "financier" in refused.value.render("nl")
    assert list(trail[trail["action"] == "denied"]["detail"]) == ["arrangement"]


def _next_template(url: str, tmp_path, name: str = "volgend.xlsx"):
    from evaluation.cli import main

    out = tmp_path / name
    assert main(["template", "--initiative", GASTVRIJ, "--database", url, "--out", str(out)]) == 0
    return out


def _guide_text(wb) -> str:
    return " ".join(str(c.value) for row in wb["Leeswijzer"].iter_rows() for c in row if c.value)


def test_the_next_template_follows_a_half_year_rhythm_and_says_so(eight_quarters, tmp_path):
    with Store.open(eight_quarters) as s:
        arrangements.set_arrangement(s, FUNDER, GASTVRIJ, "half_year", False)
    wb = load_workbook(_next_template(eight_quarters, tmp_path))
    prof = wb["Profiel"]
    assert (prof["I3"].value.date(), prof["J3"].value.date()) == (D(2026, 1, 1), D(2026, 6, 30))
    guide = _guide_text(wb)
    assert "per half jaar" in guide and "licht verslag" not in guide
    # a full report: the indicators of the last period are prefilled, values blank
    assert [r[0].value for r in wb["Indicatoren"].iter_rows(min_row=3) if r[0].value]


def test_a_light_template_asks_for_no_numbers(eight_quarters, tmp_path):
    with Store.open(eight_quarters) as s:
        arrangements.set_arrangement(s, FUNDER, GASTVRIJ, "year", True)
    wb = load_workbook(_next_template(eight_quarters, tmp_path))
    prof = wb["Profiel"]
    assert (prof["I3"].value.date(), prof["J3"].value.date()) == (D(2026, 1, 1), D(2026, 12, 31))
    guide = _guide_text(wb)
    assert "per jaar" in guide and "licht verslag" in guide and "Indicatoren" in guide
    assert not [r[0].value for r in wb["Indicatoren"].iter_rows(min_row=3) if r[0].value]
    # the own indicators stay declared and in the drop-down, for a number they want to give
    assert [r[0].value for r in wb["Eigen indicatoren"].iter_rows(min_row=3) if r[0].value]


def _story(wb) -> None:
    """One consented story in the period, typed under the example row as a coordinator
    would (the template's own example row shows the choices)."""
    ws = wb["Verhalen"]
    example = [c.value for c in ws[2]]
    values = [
        "12-5-2026",
        "Samen naar de markt",
        "Na een half jaar ging onze gast zelf met de buren naar de markt.",
        *example[3:],
    ]
    row = next(r for r in range(3, 200) if ws.cell(row=r, column=1).value is None)
    for column, value in enumerate(values, start=1):
        ws.cell(row=row, column=column, value=value)  # fmt: skip


def _upload(url: str, path):
    with Store.open(url) as s:
        outcome = submit(s, path.read_bytes(), path.name, COORDINATOR)
        return outcome, s.current_dataset(ADMIN, [GASTVRIJ]), s.periods(ADMIN)


def test_a_light_report_without_numbers_is_stored_without_a_remark(eight_quarters, tmp_path):
    with Store.open(eight_quarters) as s:
        arrangements.set_arrangement(s, FUNDER, GASTVRIJ, "year", True)
    path = _next_template(eight_quarters, tmp_path)
    wb = load_workbook(path)
    _story(wb)
    wb.save(path)
    outcome, ds, periods = _upload(eight_quarters, path)
    assert outcome.status == "accepted", [p.to_dict("en") for p in outcome.problems]
    assert [p.code for p in outcome.problems] == []
    year = ds.stories[ds.stories["period"] == "2026-01-01/2026-12-31"]
    assert list(year["title"]) == ["Samen naar de markt"]
    assert ds.observations[ds.observations["period"] == "2026-01-01/2026-12-31"].empty


def test_without_a_light_arrangement_a_report_without_numbers_is_stored_with_a_warning(
    eight_quarters, tmp_path
):
    path = _next_template(eight_quarters, tmp_path)  # the default: each quarter, in full
    wb = load_workbook(path)
    ws = wb["Indicatoren"]
    ws.delete_rows(3, ws.max_row)  # the coordinator gives no numbers
    wb.save(path)
    outcome, ds, periods = _upload(eight_quarters, path)
    assert outcome.status == "accepted"
    codes = [p.code for p in outcome.problems]
    assert set(codes) == {"partner_without_count", "numbers_expected"}  # counts are asked too
    (warning,) = [p for p in outcome.problems if p.code == "numbers_expected"]
    assert warning.severity == "warning" and warning.sheet == "Profiel"
    assert "licht verslag" in warning.hint("nl") and "light report" in warning.hint("en")
    assert outcome.period == "2026-Q1" and periods[-1] == "2026-Q1"  # stored


def test_a_quarter_sent_under_a_yearly_rhythm_is_stored_with_a_warning(eight_quarters, tmp_path):
    path = _next_template(eight_quarters, tmp_path)  # made before the arrangement: a quarter
    wb = load_workbook(path)
    wb["Indicatoren"]["C3"] = 4
    wb.save(path)
    with Store.open(eight_quarters) as s:
        arrangements.set_arrangement(s, FUNDER, GASTVRIJ, "year", False)
    outcome, ds, periods = _upload(eight_quarters, path)
    assert outcome.status == "accepted"
    (warning,) = [p for p in outcome.problems if p.code == "period_off_rhythm"]
    assert warning.severity == "warning"
    assert "1-1-2026 tot en met 31-3-2026" in warning.message("nl")
    assert "kalenderjaar" in warning.hint("nl") and "calendar year" in warning.hint("en")
    # stored, and its stored problems render the same after a reload
    with Store.open(eight_quarters) as s:
        stored = s.submission_problems(ADMIN, outcome.submission_id)
    assert warning.message("en") in [p.message("en") for p in stored]
    assert outcome.period == "2026-Q1" and periods[-1] == "2026-Q1"  # stored


def test_the_cli_sets_and_lists_arrangements(eight_quarters, capsys):
    from evaluation.cli import main

    db = ["--database", eight_quarters]
    assert main(["arrangement", "set", GASTVRIJ, "--rhythm", "half_year", "--light", *db]) == 0
    assert "per half jaar" in capsys.readouterr().out
    assert main(["arrangement", "list", "--lang", "en", *db]) == 0
    out = capsys.readouterr().out
    assert "per half year" in out and "light report allowed" in out
    assert main(["arrangement", "set", "bestaat-niet", "--rhythm", "year", *db]) == 1
    assert "bestaat-niet" in capsys.readouterr().err


def test_the_sample_holds_two_arrangements_and_loading_again_adds_none(tmp_path):
    from evaluation.submit import load_sample_data

    with Store.open(f"sqlite:///{tmp_path / 'sample.sqlite'}") as s:
        load_sample_data(s)
        agreed = {a.initiative_id: a for a in arrangements.arrangements(s, list(
            s.initiatives(ADMIN)["initiative_id"]))}  # fmt: skip
        assert arrangements.load_sample(s, ROOT / "sample_data") == 0
    chosen = {i: (a.rhythm, a.light_allowed) for i, a in agreed.items() if a.set_by}
    assert chosen == {"tafelgesprek-live": ("half_year", True),
                      "leerkring-anders-kijken": ("year", False)}  # fmt: skip
    assert all(a.rhythm == "quarter" for i, a in agreed.items() if i not in chosen)
