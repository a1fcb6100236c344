"""The tidy export as a data package (issue 18, point 3): ``frictionless`` validates it, the
Dutch-Excel CSVs read back as the plain ones, the withheld mark is a declared missing value,
and the Kumu files hold a network whose every connection ends at an element."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from evaluation import export
from evaluation.access import Principal
from evaluation.disclosure import disclose
from evaluation.i18n import t
from evaluation.model import Dataset

AUDIENCES = {"funder": Principal("funder"), "public": Principal("public")}


@pytest.fixture(scope="module")
def sample() -> Dataset:
    from evaluation.sample import known_initiatives, sample_reports

    known = known_initiatives()
    return Dataset.concat([r.to_tidy(n + 1, known) for n, r in enumerate(sample_reports())])


def _unzip(data: bytes, into: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(into)
    return into / "datapackage.json"


@pytest.mark.parametrize("audience", sorted(AUDIENCES))
@pytest.mark.parametrize("dialect", ["csv", "excel-nl"])
def test_frictionless_validates_the_package(sample, audience, dialect, tmp_path: Path):
    data = export.tidy_zip(disclose(sample, AUDIENCES[audience]), "nl", dialect)
    path = _unzip(data, tmp_path)
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    package = json.loads(path.read_text(encoding="utf-8"))
    names = {r["path"] for r in package["resources"]}
    on_disk = {p.name for p in tmp_path.glob("*.csv")}
    assert names == on_disk  # one resource per CSV, none left undescribed


def test_schema_has_types_labels_in_both_languages_and_allowed_codes(sample, tmp_path: Path):
    data = export.tidy_zip(disclose(sample, Principal("funder")), "en")
    package = json.loads(_unzip(data, tmp_path).read_text(encoding="utf-8"))
    res = {r["name"]: r for r in package["resources"]}
    fields = {f["name"]: f for f in res["observations"]["schema"]["fields"]}
    assert fields["value"]["type"] == "number"
    assert fields["value_suppressed"]["type"] == "boolean"
    assert set(fields["value"]["labels"]) == {"nl", "en"}
    assert fields["value"]["title"] == fields["value"]["labels"]["en"]
    assert "count" in fields["unit"]["constraints"]["enum"]
    net = {f["name"]: f for f in res["network"]["schema"]["fields"]}
    assert net["relation"]["constraints"]["enum"]
    assert package["licenses"] and package["resources"][0]["encoding"] == "utf-8-sig"
    assert package["protection"]["audience"] == "funder"


def test_withheld_mark_is_a_declared_missing_value(sample, tmp_path: Path):
    data = export.tidy_zip(disclose(sample, Principal("public")), "nl")
    package = json.loads(_unzip(data, tmp_path).read_text(encoding="utf-8"))
    for res in package["resources"]:
        if res["name"] in ("observations", "network"):
            missing = res["schema"]["missingValues"]
            assert "" in missing
            assert t("analysis.suppressed", "nl") in missing
            assert t("analysis.suppressed", "en") in missing
    # and a withheld number really is there to be missing
    obs = pd.read_csv(tmp_path / "observations.csv", encoding="utf-8-sig")
    withheld = obs[obs["value_suppressed"].astype(bool)]
    assert len(withheld) and withheld["value"].isna().all()


def test_dutch_csv_reads_back_as_the_plain_one(sample, tmp_path: Path):
    d = disclose(sample, Principal("funder"))
    plain, dutch = tmp_path / "plain", tmp_path / "dutch"
    _unzip(export.tidy_zip(d, "nl"), plain)
    _unzip(export.tidy_zip(d, "nl", "excel-nl"), dutch)
    head = (dutch / "observations.csv").read_bytes()[:3]
    assert head == b"\xef\xbb\xbf"  # UTF-8 with a byte-order mark
    for name in ("observations", "network", "initiatives", "stories"):
        a = pd.read_csv(plain / f"{name}.csv", encoding="utf-8-sig")
        b = pd.read_csv(dutch / f"{name}.csv", encoding="utf-8-sig", sep=";", decimal=",")
        assert list(a.columns) == list(b.columns)
        assert len(b.columns) > 3  # opened as columns, not one column per row
        pd.testing.assert_frame_equal(a, b)
    obs = pd.read_csv(dutch / "observations.csv", encoding="utf-8-sig", sep=";", decimal=",")
    shares = obs["value"].dropna()
    assert (shares % 1 != 0).any()  # there are fractions, and they read as numbers
    text = (dutch / "observations.csv").read_text(encoding="utf-8-sig")
    raw = pd.read_csv(io.StringIO(text), sep=";", dtype=str)
    counts = raw[(raw["unit"] == "count") & raw["value"].notna()]["value"]
    assert len(counts) and not counts.str.contains(",").any()  # whole numbers stay whole
    package = json.loads((dutch / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in package["resources"] if r["name"] == "observations")
    assert res["dialect"]["delimiter"] == ";"
    value = next(f for f in res["schema"]["fields"] if f["name"] == "value")
    assert value["decimalChar"] == ","


@pytest.mark.parametrize("audience", sorted(AUDIENCES))
def test_kumu_files_are_a_network_of_known_elements(sample, audience, tmp_path: Path):
    d = disclose(sample, AUDIENCES[audience])
    _unzip(export.tidy_zip(d, "nl"), tmp_path)
    el = pd.read_csv(tmp_path / "kumu_elements.csv", encoding="utf-8-sig", keep_default_na=False)
    co = pd.read_csv(tmp_path / "kumu_connections.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(el.columns) == ["Label", "Type", "Description"]
    assert list(co.columns) == ["From", "To", "Type"]
    assert len(co) and el["Label"].is_unique
    labels = set(el["Label"])
    assert set(co["From"]) <= labels and set(co["To"]) <= labels
    # partners named as the network table names them; no counts in the Kumu files
    net = d.dataset.network
    assert set(co["To"]) == set(net["partner"].dropna().astype(str).str.strip()) - {""}
    assert not any("count" in c.lower() for c in [*el.columns, *co.columns])


def test_validation_catches_a_code_outside_the_catalogue(sample, tmp_path: Path):
    """The schema is strict enough to fail: a relation no choice list has is reported."""
    path = _unzip(export.tidy_zip(disclose(sample, Principal("funder")), "nl"), tmp_path)
    net = tmp_path / "network.csv"
    frame = pd.read_csv(net, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    frame.loc[0, "relation"] = "not-a-relation"
    frame.loc[1, "count"] = "7.0.1"
    net.write_text(frame.to_csv(index=False), encoding="utf-8-sig")
    report = frictionless.validate(str(path))
    assert not report.valid
    errors = report.flatten(["fieldName", "type"])
    assert ["relation", "constraint-error"] in errors
    assert ["count", "type-error"] in errors


def test_cli_writes_the_dutch_excel_package(tmp_path: Path):
    """``evaluation export --dialect excel-nl`` on a real store, as a user runs it."""
    from evaluation.cli import main
    from evaluation.store import Store
    from evaluation.submit import submit

    url = f"sqlite:///{tmp_path / 'evaluation.sqlite'}"
    wb = Path(__file__).resolve().parent.parent / "sample_data" / "groeiplek"
    with Store.open(url) as store:
        for path in sorted(wb.glob("*.xlsx"))[:2]:
            who = Principal("initiative", "groeiplek", name="Fatima Jansen-Bakker")
            assert submit(store, path.read_bytes(), path.name, who).status == "accepted"
    out = tmp_path / "excel.zip"
    args = ["export", "--out", str(out), "--database", url, "--dialect", "excel-nl"]
    assert main(args) == 0
    package = _unzip(out.read_bytes(), tmp_path / "x")
    assert frictionless.validate(str(package)).valid
    header = (tmp_path / "x" / "observations.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("initiative_id;period_start;")
