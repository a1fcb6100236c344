"""The disclosure layer: one decision per audience, honest marks, texts with an audience.

The attack on the numbers is ``test_disclosure_audit.py``; here: what every output prints for
a withheld number, who reads which text, and that no output protects on its own.
"""

from __future__ import annotations

import ast
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboards import story_views, views
from evaluation import export
from evaluation.access import Principal
from evaluation.disclosure import (
    GATHER_AT_LEAST,
    disclose,
    gathered_answers,
    reflection_audience,
    visible_reflections,
)
from evaluation.i18n import t
from evaluation.model import Dataset
from evaluation.report import build_report

ROOT = Path(__file__).resolve().parent.parent
BELOW = re.compile(r"<\s*\d")  # "<5", "< 5": the old mark that claimed a value was small


@pytest.fixture(scope="module")
def sample() -> Dataset:
    from evaluation.sample import known_initiatives, sample_reports

    known = known_initiatives()
    return Dataset.concat([r.to_tidy(n + 1, known) for n, r in enumerate(sample_reports())])


AUDIENCES = [Principal("funder"), Principal("public"), Principal("initiative", "groeiplek")]


def _report_texts(disclosed) -> list[str]:
    buf = io.BytesIO()
    build_report(disclosed, pd.DataFrame(columns=["submission_id"]), lang="nl").save(buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]


@pytest.mark.parametrize("who", AUDIENCES, ids=lambda p: p.label)
def test_no_output_says_below_the_threshold_and_withheld_numbers_carry_one_mark(sample, who):
    d = disclose(sample, who)
    with zipfile.ZipFile(io.BytesIO(export.tidy_zip(d, "nl"))) as zf:
        csv_text = "\n".join(zf.read(n).decode("utf-8-sig") for n in zf.namelist())
    report = _report_texts(d)
    view = views.story_view(d)
    story = views.story_page(view, "nl")
    texts = story_views.story_texts(d, view, "nl", d)
    profile = views.profile_page(views.profile_view(d, "groeiplek"), "nl")
    figures = [story.puzzle, story.totals, story.network, story.formal, texts.flow_map]
    figures += [panel.figure for panel in texts.phases]
    figures += [profile.network, *(p.figure for p in profile.dimensions)]
    sentences = [texts.reported, texts.flows_takeaway, texts.network_takeaway]
    sentences += [s for panel in texts.phases for s in (panel.story.text, panel.takeaway)]
    shown = [csv_text, *report, *sentences, *(f.to_json() for f in figures)]
    assert not [s for s in shown if BELOW.search(s)]
    # the report marks each withheld number with the one neutral word, and only those
    mark = t("analysis.suppressed", "nl")
    assert mark == "afgeschermd"
    n_marked = sum(1 for s in report if s == mark)
    assert n_marked > 0


def test_a_withheld_count_is_never_a_large_number_in_disguise(sample):
    """A withheld cell is small, or a complement; complements are as small as will do."""
    d = disclose(sample, Principal("funder"))
    w = d.withheld.set_index("table")
    totals = w.loc["totals.value"]
    # portfolio totals are kept wherever a smaller cell protects: few withheld, small ones
    assert totals["withheld"] <= totals["cells"] * 0.1
    assert totals["withheld_total"] <= totals["total"] * 0.01


def test_the_initiative_sees_its_own_counts_and_others_withheld(sample):
    d = disclose(sample, Principal("initiative", "groeiplek"))
    obs = d.dataset.observations
    mine = obs[obs["initiative_id"] == "groeiplek"]
    assert not mine["value_suppressed"].any()
    others = obs[obs["initiative_id"] != "groeiplek"]
    assert others["value_suppressed"].any()


# --- texts -------------------------------------------------------------------------------


def _reflections(rows: list[tuple[str, str, str, str | None]]) -> Dataset:
    frames = Dataset.empty().frames()
    frames["reflections"] = pd.DataFrame(
        [
            {
                "initiative_id": i,
                "period_start": None,
                "period_end": None,
                "period": "2025-Q1",
                "submission_id": n,
                "question": q,
                "answer": a,
                "self_view": None,
                "visibility": v,
            }
            for n, (i, q, a, v) in enumerate(rows)
        ]
    )
    return Dataset(**frames)


def test_the_funder_question_defaults_to_the_initiative_and_others_to_funders():
    assert reflection_audience("funder_tension", None) == "initiative"
    assert reflection_audience("roles_shifted", None) == "funders"
    assert reflection_audience("funder_tension", "public") == "public"


def test_answers_about_funders_reach_funders_only_gathered_and_unnamed():
    rows = [
        ("a", "funder_tension", "Te veel formulieren", "funders"),
        ("b", "funder_tension", "Doelen per kwartaal", "funders"),
        ("c", "funder_tension", "Alleen geheim", None),  # default: stays with c
        ("a", "roles_shifted", "Een deelnemer leidt nu", None),
    ]
    ds = _reflections(rows)
    funder = Principal("funder")
    named = visible_reflections(ds, funder)
    assert list(named["question"]) == ["roles_shifted"]  # never the funder answer with a name
    answers, n = gathered_answers(ds, funder)
    assert (answers, n) == ([], 2)  # two shared: fewer than three, nothing gathered
    ds3 = _reflections([*rows, ("d", "funder_tension", "Meer vertrouwen graag", "public")])
    answers, n = gathered_answers(ds3, funder)
    assert n == GATHER_AT_LEAST
    assert answers == sorted(
        ["Te veel formulieren", "Doelen per kwartaal", "Meer vertrouwen graag"], key=str.casefold
    )
    assert "Alleen geheim" not in answers
    # the initiative itself reads its own answer; another initiative reads only public ones
    assert "Alleen geheim" in set(visible_reflections(ds, Principal("initiative", "c"))["answer"])
    other = visible_reflections(ds3, Principal("initiative", "b"))
    assert set(other["initiative_id"]) <= {"b"}


def test_other_initiatives_read_only_public_stories(sample):
    d = disclose(sample, Principal("initiative", "groeiplek"))
    st = d.dataset.stories
    assert set(st.loc[st["initiative_id"] != "groeiplek", "visibility"]) <= {"public"}
    funder = disclose(sample, Principal("funder")).dataset.stories
    assert "funders" in set(funder["visibility"])


def test_the_visibility_labels_say_who_reads():
    from evaluation.catalogue import load_catalogue

    vis = load_catalogue().choices("visibility")
    assert "niet andere initiatieven" in vis.label("funders", "nl")
    assert "not other initiatives" in vis.label("funders", "en")
    assert "andere initiatieven" in vis.label("public", "nl")
    # older workbooks with the old wording are still read
    assert vis.lookup("Ook financiers") == "funders"


# --- no output protects on its own -----------------------------------------------------------


OUTPUTS = [
    *sorted((ROOT / "dashboards").rglob("*.py")),
    ROOT / "evaluation" / "export.py",
    *sorted((ROOT / "evaluation" / "report").glob("*.py")),
]
PROTECTING = {"suppress", "protect", "output_totals", "referral_flows", "phase_flows"}


@pytest.mark.parametrize("path", OUTPUTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_output_protects_on_its_own(path):
    """Outputs render a ``Disclosed``: none calls the protection or an analysis that protects
    counts of people, and none imports the suppression module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    from_analysis = {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("evaluation.analysis")
        for a in node.names
    }
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and "suppression" in node.module:
            bad.append(f"imports {node.module}")
        if isinstance(node, ast.ImportFrom) and node.module in (
            "evaluation.protection",
            "evaluation.report.protect",
        ):
            bad.append(f"imports {node.module}")
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        if isinstance(fn, ast.Attribute) and getattr(fn.value, "id", None) == "analysis":
            name = fn.attr
        elif isinstance(fn, ast.Name) and fn.id in from_analysis:
            name = fn.id
        else:
            continue
        if name in PROTECTING:
            bad.append(f"calls {name} (line {node.lineno})")
        if name in ("trajectories", "build_graph", "durability") and any(
            k.arg == "viewer" for k in node.keywords
        ):
            bad.append(f"calls {name} with a viewer (line {node.lineno})")
    assert bad == []
