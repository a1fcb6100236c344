"""The fictional sample data: deterministic, valid, shaped like the report's portfolio, and the
committed workbooks in ``sample_data/`` equal to what the generator makes today.

The reports are generated once and the 80 committed workbooks read once per module (module
fixtures), so the whole file stays quick.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from evaluation.catalogue import fold, load_catalogue
from evaluation.cli import main
from evaluation.ingest.privacy import scan_text
from evaluation.ingest.reading import read_workbook
from evaluation.model import PHASE_ORDER, SECTION_CODES, Dataset
from evaluation.sample import (
    known_initiatives,
    sample_reports,
    workbook_language,
    workbook_path,
)
from evaluation.sample_spec import load_sample
from evaluation.schemas import validate_dataset, validate_section

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"
PERIODS = [f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
OWN_PREFIXES = ("eigen_", "own_")

# real organisations named in the report (and one the brief names): none may appear
REAL_NAMES = (
    "Takecarebnb",
    "Hoost",
    "Ymere",
    "WelcomeApp",
    "Refugee Company",
    "Boost Amsterdam",
    "In My Backyard",
    "IMBY",
    "New Bees",
    "Refugee Talent Hub",
    "The Present",
    "OpenEmbassy",
    "Kansfonds",
    "Sterk Huis",
    "Breakfast Club",
    "Refugee Academy",
)


@pytest.fixture(scope="module")
def reports():
    return sample_reports()


@pytest.fixture(scope="module")
def by_initiative(reports):
    out = defaultdict(list)
    for r in reports:
        out[r.initiative_id].append(r)
    return dict(out)


@pytest.fixture(scope="module")
def read_back(reports):
    """Every committed workbook, read with the product's own reader."""
    return {
        (r.initiative_id, r.period): read_workbook(workbook_path(SAMPLE_DIR, r)) for r in reports
    }


def _blank(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def _norm(v):
    """Values as a reader gives them back: numbers as floats, blanks as None."""
    if _blank(v):
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return v


def _records(frame: pd.DataFrame, section: str) -> list[dict]:
    cols = load_catalogue().section(section).column_codes
    return [{c: _norm(row.get(c)) for c in cols} for row in frame.to_dict("records")]


def _text_cells(report):
    for section in SECTION_CODES:
        frame = report.section(section)
        for col in frame.columns:
            for v in frame[col]:
                if isinstance(v, str):
                    yield section, col, v


# --- the generator ---------------------------------------------------------------------------


def test_two_runs_give_equal_reports(reports):
    again = sample_reports()
    assert len(again) == len(reports) == 80
    for a, b in zip(reports, again, strict=True):
        for section in SECTION_CODES:
            pd.testing.assert_frame_equal(a.section(section), b.section(section))


def test_every_report_passes_the_section_schemas(reports):
    # one validation per section over all reports stacked (the checks are per row and per
    # cell, so stacking changes nothing but the time it takes)
    failures = {}
    for section in SECTION_CODES:
        stacked = pd.concat([r.section(section) for r in reports], ignore_index=True)
        assert len(stacked) >= len(reports)
        errors = validate_section(section, stacked)
        if errors is not None:
            failures[section] = errors.failure_cases
    assert failures == {}


def test_every_report_passes_the_tidy_schemas(reports):
    known = known_initiatives()
    datasets = [r.to_tidy(known_initiatives=known) for r in reports]
    for dataset in datasets:
        # every partner of type initiative is linked to a sample initiative
        initiative_rows = dataset.network[dataset.network["partner_type"] == "initiative"]
        assert initiative_rows["partner_initiative_id"].notna().all()
    stacked = Dataset.concat(datasets)
    assert len(stacked.initiatives) == 10
    validate_dataset(stacked)  # raises SchemaErrors on a bad frame


def test_ten_initiatives_with_eight_quarters_each(by_initiative):
    assert len(by_initiative) == 10
    for iid, reps in by_initiative.items():
        assert SLUG.match(iid), iid
        assert [r.period for r in reps] == PERIODS
        names = {r.profile.iloc[0]["name"] for r in reps}
        assert len(names) == 1
    all_names = [reps[0].profile.iloc[0]["name"] for reps in by_initiative.values()]
    assert len(set(all_names)) == 10
    forms = {reps[0].profile.iloc[0]["organisation_form"] for reps in by_initiative.values()}
    assert len(forms) >= 4


def test_no_real_organisation_is_named(reports):
    hits = [
        (r.initiative_id, r.period, section, col, name)
        for r in reports
        for section, col, text in _text_cells(r)
        for name in REAL_NAMES
        if fold(name) in fold(text)
    ]
    assert hits == []


def test_no_personal_data_in_any_text(reports):
    hits = [
        (r.initiative_id, r.period, col, f.kind)
        for r in reports
        for _, col, text in _text_cells(r)
        for f in scan_text(text)
    ]
    assert hits == []


def test_two_initiatives_write_english_workbooks(by_initiative):
    langs = [workbook_language(iid) for iid in by_initiative]
    assert langs.count("en") == 2
    assert langs.count("nl") == 8


def test_phases_exactly_one_primary_and_a_thin_spot(by_initiative):
    primaries = dict.fromkeys(PHASE_ORDER, 0)
    active = dict.fromkeys(PHASE_ORDER, 0)
    for reps in by_initiative.values():
        roles = {tuple(r.phase_roles().items()) for r in reps}
        assert len(roles) == 1  # the same phases every quarter
        role = reps[0].phase_roles()
        assert list(role.values()).count("primary") == 1
        for phase, value in role.items():
            primaries[phase] += value == "primary"
            active[phase] += value != "none"
    assert all(primaries.values())  # every phase has a piece of the puzzle ...
    assert min(active.values()) < max(active.values())  # ... but not evenly
    assert min(primaries.values()) <= 2


def test_every_initiative_has_a_constant_own_indicator_with_values(by_initiative):
    for iid, reps in by_initiative.items():
        first = reps[0].own_indicators
        assert len(first) >= 1, iid
        assert all(str(c).startswith(OWN_PREFIXES) for c in first["indicator"])
        for r in reps:
            pd.testing.assert_frame_equal(r.own_indicators, first)
            reported = set(r.indicators["indicator"])
            assert set(first["indicator"]) <= reported, (iid, r.period)


def test_activities_fit_the_kind_and_move_over_time(by_initiative):
    small = 0
    for iid, reps in by_initiative.items():
        role = reps[0].phase_roles()
        acts = pd.concat([r.activities.assign(period=r.period) for r in reps])
        assert 1 <= len(reps[0].activities) <= 3
        hosted = acts["people_hosted_or_housed"].map(_blank)
        if not hosted.all():
            assert role["arrival"] == "primary", iid  # only hosting and housing house people
        starts = acts[["starts_paid_work", "starts_internship", "starts_education"]]
        if not starts.map(_blank).all().all():
            assert role["future"] == "primary", iid
        newcomers = acts.groupby("period")["newcomers_participating"].sum().reindex(PERIODS)
        assert newcomers.nunique() >= 4, iid
        assert (newcomers.diff().dropna() < 0).any(), iid  # a dip or a quiet summer
        numbers = acts.drop(columns=["activity_type", "phase", "period"]).map(_norm)
        small += int(((numbers < 5) & numbers.notna()).sum().sum())
    assert small > 0  # small numbers exist, so their protection shows


def test_lasting_relationships_are_a_share_of_contacts_two_quarters_earlier(by_initiative):
    seen = 0
    for iid, reps in by_initiative.items():
        values = defaultdict(dict)
        for t, r in enumerate(reps):
            for row in r.indicators.to_dict("records"):
                values[row["indicator"]][t] = row["value"]
        if "new_contacts" not in values:
            continue
        for t in range(2, len(reps)):
            lasting = values["relationships_lasting_6m"][t]
            assert 0 < lasting <= values["new_contacts"][t - 2], (iid, t)
            seen += 1
    assert seen >= 40


def test_some_numbers_carry_a_note(by_initiative):
    for iid, reps in by_initiative.items():
        notes = pd.concat([r.indicators["note"] for r in reps]).map(_blank)
        assert 0 < (~notes).sum() < len(notes), iid  # some rows, not all


def test_friendships_are_a_share_with_numerator_and_denominator(reports):
    rows = [
        row
        for r in reports
        for row in r.indicators.to_dict("records")
        if row["indicator"] == "friendships_reported"
    ]
    assert rows
    for row in rows:
        assert _blank(row["value"])
        assert 0 <= row["numerator"] <= row["denominator"]


def test_stories_many_voices_consent_and_dates_in_the_quarter(by_initiative):
    voices_cat = set(load_catalogue().choices("voices").codes)
    visibility = set()
    english = 0
    for iid, reps in by_initiative.items():
        voices = set()
        for r in reps:
            assert 1 <= len(r.stories) <= 3
            for s in r.stories.to_dict("records"):
                assert r.period_start <= s["date"] <= r.period_end
                assert isinstance(s["date"], dt.date)
                assert s["consent_recorded"] == "yes"
                assert s["theme_2"] != s["theme"]
                voices.add(s["voice"])
                visibility.add(s["visibility"])
                english += " the " in s["text"]
        assert "newcomer" in voices and len(voices) >= 3, iid
        assert voices <= voices_cat
    assert visibility == {"initiative", "funders", "public"}
    assert english > 0


def test_every_story_reflection_and_note_is_told_once(reports):
    """The sample reads as ten initiatives' own words, not a handful of texts repeated: each
    story, answer and note appears in one quarter of one initiative only."""
    texts = defaultdict(list)
    for r in reports:
        texts["story"] += [s["title"] for s in r.stories.to_dict("records")]
        texts["story"] += [s["text"] for s in r.stories.to_dict("records")]
        texts["answer"] += [a for a in r.reflection["answer"] if not _blank(a)]
        texts["note"] += [n for n in r.indicators["note"] if not _blank(n)]
    for kind, told in texts.items():
        repeated = sorted({x for x in told if told.count(x) > 1})
        assert len(told) > 100 and not repeated, (kind, repeated[:3])


def test_reflection_open_answers_and_some_self_views(reports):
    questions = load_catalogue().choices("reflection_questions").choices
    kind = {q.code: q.extra["kind"] for q in questions}
    self_views = set()
    for r in reports:
        rows = r.reflection.to_dict("records")
        open_rows = [row for row in rows if kind[row["question"]] == "open"]
        assert open_rows and all(row["answer"] for row in open_rows)
        assert all(_blank(row.get("self_view")) for row in open_rows)
        self_views |= {row["self_view"] for row in rows if kind[row["question"]] == "rubric"}
    assert self_views and self_views <= {"1", "2", "3", "4"}


# --- the network -----------------------------------------------------------------------------


def _primary(report) -> int:
    roles = report.phase_roles()
    return next(i for i, p in enumerate(PHASE_ORDER) if roles[p] == "primary")


def test_referrals_cross_phases_and_match_on_both_sides(reports):
    known = known_initiatives()
    primary = {r.initiative_id: _primary(r) for r in reports}
    out, into = {}, {}
    for r in reports:
        for row in r.network.to_dict("records"):
            if row["partner_type"] != "initiative":
                continue
            other = known[fold(row["partner"])]
            if row["relation"] == "referral_out":
                out[(r.initiative_id, other, r.period)] = row["count"]
            elif row["relation"] == "referral_in":
                into[(other, r.initiative_id, r.period)] = row["count"]
    assert out.keys() == into.keys()
    assert all(abs(out[k] - into[k]) <= 1 for k in out)
    steps = {(primary[a], primary[b]) for a, b, _ in out}
    assert (0, 1) in steps and (1, 2) in steps  # arrival -> landing, landing -> future
    assert all(b >= a for a, b in steps)  # never handed back to an earlier phase


def test_ties_to_the_formal_field(reports):
    types = {t for r in reports for t in r.network["partner_type"]}
    assert {"municipality", "coa", "employer", "school", "housing_corporation", "fund"} <= types


def _graph(reps) -> nx.Graph:
    known = known_initiatives()
    g = nx.Graph()
    for r in reps:
        for row in r.network.to_dict("records"):
            other = known.get(fold(row["partner"]), row["partner"])
            g.add_edge(r.initiative_id, other)
    return g


def _sole_bridges(g: nx.Graph, initiatives: set[str]) -> set[str]:
    """Initiatives whose removal splits the others into two groups of two or more."""
    out = set()
    for node in initiatives & set(g):
        h = g.copy()
        h.remove_node(node)
        groups = [c & initiatives for c in nx.connected_components(h)]
        if sum(len(c) >= 2 for c in groups) >= 2:
            out.add(node)
    return out


def test_one_initiative_is_the_only_bridge_for_a_while_and_the_network_changes(reports):
    initiatives = {r.initiative_id for r in reports}
    per_period = defaultdict(list)
    for r in reports:
        per_period[r.period].append(r)
    graphs = {p: _graph(per_period[p]) for p in PERIODS}
    bridges = {p: _sole_bridges(graphs[p], initiatives) for p in PERIODS}
    assert any(len(b) == 1 for b in bridges.values())
    assert any(not b for b in bridges.values())  # later another tie closes the gap
    edge_sets = {frozenset(map(frozenset, graphs[p].edges)) for p in PERIODS}
    assert len(edge_sets) >= 4


# --- the committed workbooks -----------------------------------------------------------------


def test_committed_folder_holds_exactly_the_sample_workbooks(reports):
    expected = {workbook_path(SAMPLE_DIR, r) for r in reports}
    assert set(SAMPLE_DIR.glob("*/*.xlsx")) == expected
    assert (SAMPLE_DIR / "README.md").is_file()


def test_committed_workbooks_read_back_without_problems(read_back):
    problems = {
        key: [(p.code, p.cell) for p in res.errors] for key, res in read_back.items() if not res.ok
    }
    assert problems == {}
    langs = {key[0]: res.lang for key, res in read_back.items()}
    assert langs == {s.initiative_id: s.lang for s in load_sample().specs}


def test_committed_workbooks_equal_the_generator(reports, read_back):
    stale = []
    for r in reports:
        got = read_back[(r.initiative_id, r.period)].report
        for section in SECTION_CODES:
            if _records(got.section(section), section) != _records(r.section(section), section):
                stale.append((r.initiative_id, r.period, section))
    assert stale == [], "run: evaluation sample --out sample_data"


def test_sample_command_rewrites_an_initiatives_workbooks(tmp_path, by_initiative, capsys):
    # one initiative keeps the test quick; the full run is what wrote the committed folder,
    # which the two tests above compare with the generator
    reps = by_initiative["groeiplek"]
    args = ["sample", "--out", str(tmp_path), "--initiative", "groeiplek", "--lang", "en"]
    assert main(args) == 0
    assert "8 sample workbooks" in capsys.readouterr().out
    written = sorted(tmp_path.glob("*/*.xlsx"))
    assert written == sorted(workbook_path(tmp_path, r) for r in reps)
    res = read_workbook(written[-1])
    assert res.ok
    for section in SECTION_CODES:
        assert _records(res.report.section(section), section) == _records(
            reps[-1].section(section), section
        )


def test_sample_command_refuses_an_unknown_initiative(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path), "--initiative", "bestaat-niet"]) == 1
    err = capsys.readouterr().err
    assert "bestaat-niet" in err and "groeiplek" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())
