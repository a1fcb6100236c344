"""The tidy CSV export as a spreadsheet opens it: no formula runs, numbers stay whole, and an
initiative's profile reads the same through every way to it (issue 21, points 1 and 6)."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboards import views
from evaluation import export
from evaluation.access import Principal
from evaluation.disclosure import disclose
from evaluation.model import Dataset

PAYLOADS = [
    '=HYPERLINK("http://127.0.0.1:9/x","klik")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    '=DDE("cmd";"/C calc";"A1")',
    "\t=1+1",
]


@pytest.fixture(scope="module")
def sample() -> Dataset:
    from evaluation.sample import known_initiatives, sample_reports

    known = known_initiatives()
    return Dataset.concat([r.to_tidy(n + 1, known) for n, r in enumerate(sample_reports())])


def _with_payloads(ds: Dataset) -> Dataset:
    frames = {k: v.copy() for k, v in ds.frames().items()}
    st = frames["stories"]
    for k, p in enumerate(PAYLOADS):
        st.loc[st.index[k], "title"] = p
        st.loc[st.index[k], "visibility"] = "funders"
        st.loc[st.index[k], "consent_recorded"] = True
    frames["network"].loc[frames["network"].index[0], "description"] = PAYLOADS[0]
    frames["initiatives"].loc[frames["initiatives"].index[0], "mission"] = PAYLOADS[1]
    return Dataset(**frames)


def _csvs(ds: Dataset, who: Principal) -> dict[str, bytes]:
    data = export.tidy_zip(disclose(ds, who), "nl")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_text_that_would_run_as_a_formula_is_written_inert(sample):
    files = _csvs(_with_payloads(sample), Principal("funder"))
    stories = pd.read_csv(io.BytesIO(files["stories.csv"]), encoding="utf-8-sig")
    titles = set(stories["title"])
    for p in PAYLOADS:
        assert "'" + p in titles  # kept whole, made inert with a leading apostrophe
        assert p not in titles


def test_whole_numbers_are_written_as_whole_numbers(sample):
    files = _csvs(sample, Principal("funder"))
    text = files["observations.csv"].decode("utf-8-sig")
    obs = pd.read_csv(io.StringIO(text), dtype=str)
    counts = obs[(obs["unit"] == "count") & obs["value"].notna()]["value"]
    assert len(counts) and not counts.str.endswith(".0").any()


@pytest.mark.system
def test_libreoffice_opens_the_csv_without_a_single_formula(sample, soffice, tmp_path: Path):
    files = _csvs(_with_payloads(sample), Principal("funder"))
    for name in ("stories.csv", "initiatives.csv", "network.csv"):
        (tmp_path / name).write_bytes(files[name])
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                "--headless",
                "--infilter=CSV:44,34,76,1",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(tmp_path),
                str(tmp_path / name),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        wb = load_workbook(tmp_path / name.replace(".csv", ".xlsx"))
        formulas = [
            c.coordinate
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("="))
        ]
        assert formulas == [], f"{name}: {formulas}"


def test_another_initiatives_profile_shows_only_what_it_made_public(sample):
    """The profile dropdown and a deep link both open ``profile_view`` on the viewer's
    ``Disclosed``: one rule, whichever way the page is reached."""
    me = Principal("initiative", "groeiplek")
    d = disclose(sample, me)
    refl = sample.reflections
    for other in sample.initiatives["initiative_id"]:
        if other == "groeiplek":
            continue
        view = views.profile_view(d, other)
        assert set(view.stories["visibility"]) <= {"public"}
        public = refl[(refl["initiative_id"] == other) & (refl["visibility"] == "public")]
        said = public["answer"].notna() | public["self_view"].notna()
        assert len(view.reflections) == int(said.sum())
    own = views.profile_view(d, "groeiplek")
    assert len(own.reflections) > 0
    assert len(
        views.profile_view(disclose(sample, Principal("funder")), "brug-en-bedrijf").reflections
    )
