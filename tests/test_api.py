"""The read-only HTTP API (issue 18, point 4), over real HTTP against ``evaluation api``
running as a user starts it (uvicorn in a child process) on a real SQLite file holding the
sample, with tokens issued through the command line: what a funder's token reads is the
tidy export's protected data for a funder, byte for byte; a missing, unknown, revoked or
disabled account's token is refused (401), an initiative's token reads only its own
initiative and is refused another's (403); only a hash is at rest; everything is audited."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import frictionless
import pandas as pd
import pytest
from helpers.api import api_server, get
from helpers.store import make_report, postgres_database
from sqlalchemy import create_engine, text

from evaluation import accounts, cli, export
from evaluation.access import Principal
from evaluation.accounts import tokens
from evaluation.i18n import t
from evaluation.sample import sample_reports
from evaluation.store import Store

ADMIN = Principal("admin", name="test-setup")
FUNDER = "fonds@example.org"
EVALUATOR = "evaluator@example.org"
GONE = "weg@example.org"
INITIATIVE = "groeiplek"


def _seed(url: str, initiatives: set[str] | None = None) -> None:
    """The sample's reports (all, or those of ``initiatives``) and the test's accounts."""
    store = Store.open(url)
    try:
        for report in sample_reports():
            if initiatives is None or report.initiative_id in initiatives:
                name = f"{report.initiative_id}_{report.period}.xlsx"
                store.store_report(name.encode(), name, ADMIN, report, [])
        accounts.add_user(store, ADMIN, FUNDER, "funder")
        accounts.add_user(store, ADMIN, EVALUATOR, "evaluator")
        accounts.add_user(store, ADMIN, GONE, "evaluator")
        accounts.add_user(store, ADMIN, f"{INITIATIVE}@example.org", "initiative", INITIATIVE)
    finally:
        store.close()


def issue(url: str, email: str, capsys: pytest.CaptureFixture[str]) -> str:
    """A token issued through the command line (the first line it prints)."""
    capsys.readouterr()
    assert cli.main(["token", "issue", "--email", email, "--label", "test", "--database", url]) == 0
    return capsys.readouterr().out.splitlines()[0]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The running API on a seeded SQLite file: (base URL, database URL)."""
    folder = tmp_path_factory.mktemp("api")
    url = f"sqlite:///{folder / 'evaluation.sqlite'}"
    _seed(url)
    with api_server(url, folder / "api.log") as base:
        yield base, url


def test_health_and_the_openapi_document_list_the_endpoints(served: tuple[str, str]) -> None:
    base, _ = served
    status, _, body = get(f"{base}/health")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, _, body = get(f"{base}/openapi.json")
    assert status == 200
    doc = json.loads(body)
    paths = set(doc["paths"])
    for path in (
        "/health",
        "/v1/tables",
        "/v1/tables/{name}",
        "/v1/tables/{name}.csv",
        "/v1/tables/datapackage.json",
        "/v1/phase-puzzle",
        "/v1/network",
    ):
        assert path in paths
        assert set(doc["paths"][path]) == {"get"}  # read-only: GET and nothing else
    assert "HTTPBearer" in doc["components"]["securitySchemes"]
    # the documentation pages need nothing from outside: every script and style is served here
    for page in ("/docs", "/redoc"):
        status, _, body = get(f"{base}{page}")
        assert status == 200, page
        html = body.decode()
        assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
        assets += re.findall(r"""url: *["']([^"']+)["']""", html)
        assert assets and not [a for a in assets if re.match(r"(https?:)?//", a)], (page, assets)
        for asset in assets:
            assert get(f"{base}{asset}")[0] == 200, (page, asset)


def test_a_missing_token_is_refused_in_dutch_by_default_and_in_english_on_request(
    served: tuple[str, str],
) -> None:
    base, _ = served
    status, headers, body = get(f"{base}/v1/tables")
    assert status == 401
    assert headers.get("www-authenticate") == "Bearer"
    assert json.loads(body) == {
        "error": "api.refused.missing",
        "message": t("api.refused.missing", "nl"),
    }
    status, _, body = get(f"{base}/v1/tables/observations", lang="en-GB,en;q=0.9")
    assert status == 401 and json.loads(body)["message"] == t("api.refused.missing", "en")


def test_an_unknown_token_is_refused(served: tuple[str, str]) -> None:
    base, _ = served
    status, _, body = get(f"{base}/v1/tables", token="ev_not-a-token-anyone-issued")
    assert status == 401 and json.loads(body)["error"] == "api.refused.unknown"


def test_a_revoked_token_is_refused(
    served: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    base, url = served
    token = issue(url, EVALUATOR, capsys)
    assert get(f"{base}/v1/tables", token=token)[0] == 200
    with Store.open(url) as store:
        token_id = int(tokens.list_tokens(store, ADMIN)["id"].iloc[-1])
    assert cli.main(["token", "revoke", str(token_id), "--database", url]) == 0
    status, _, body = get(f"{base}/v1/tables", token=token, lang="en")
    assert status == 401
    assert json.loads(body)["message"] == t("api.refused.revoked", "en")


def test_a_disabled_accounts_token_stops_working(
    served: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    base, url = served
    token = issue(url, GONE, capsys)
    assert get(f"{base}/v1/tables", token=token)[0] == 200
    with Store.open(url) as store:
        accounts.disable_user(store, ADMIN, GONE)
    status, _, body = get(f"{base}/v1/tables", token=token)
    assert status == 401 and json.loads(body)["error"] == "api.refused.disabled"


def test_a_funders_tables_are_the_tidy_exports_protected_tables(
    served: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every CSV the API serves a funder is the export's CSV for a funder, byte for byte;
    the JSON holds the same rows, a withheld number null beside its flag."""
    base, url = served
    token = issue(url, FUNDER, capsys)
    with Store.open(url) as store:
        disclosed = export.export_for(store, Principal("funder", name=FUNDER), "funder")
    with zipfile.ZipFile(io.BytesIO(export.tidy_zip(disclosed, "nl"))) as zf:
        zipped = {n.removesuffix(".csv"): zf.read(n) for n in zf.namelist() if n.endswith(".csv")}
    status, _, body = get(f"{base}/v1/tables", token=token)
    assert status == 200
    listed = {row["name"]: row for row in json.loads(body)}
    assert set(listed) == set(zipped)
    for name, data in zipped.items():
        status, headers, served_csv = get(f"{base}/v1/tables/{name}.csv", token=token)
        assert status == 200 and headers["content-type"].startswith("text/csv")
        assert served_csv == data, name
        assert served_csv.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
        assert get(f"{base}/v1/tables/{name}?format=csv", token=token)[2] == data
    frames = export.protected_frames(disclosed)
    status, _, body = get(f"{base}/v1/tables/observations", token=token)
    rows = json.loads(body)
    obs = frames["observations"]
    assert len(rows) == len(obs) == listed["observations"]["rows"]
    withheld = [r for r in rows if r["value_suppressed"]]
    assert withheld, "the sample has small numbers a funder does not see"
    assert all(r["value"] is None for r in withheld)
    assert [r["value_suppressed"] for r in rows] == obs["value_suppressed"].astype(bool).tolist()
    expected = [None if pd.isna(v) else float(v) for v in obs["value"]]
    assert [None if r["value"] is None else float(r["value"]) for r in rows] == expected


def test_an_initiatives_token_reads_only_its_own_initiative(
    served: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    base, url = served
    token = issue(url, f"{INITIATIVE}@example.org", capsys)
    for name in export.TABLES:
        status, _, body = get(f"{base}/v1/tables/{name}", token=token)
        assert status == 200
        rows = json.loads(body)
        assert {r["initiative_id"] for r in rows} <= {INITIATIVE}, name
    assert json.loads(get(f"{base}/v1/tables/initiatives", token=token)[2])
    puzzle = json.loads(get(f"{base}/v1/phase-puzzle", token=token)[2])
    assert puzzle and {r["initiative_id"] for r in puzzle} == {INITIATIVE}
    other = "buurtkamer-lindeboom"
    status, _, body = get(f"{base}/v1/tables/observations?initiative={other}", token=token)
    assert status == 403
    assert json.loads(body)["message"] == t("api.out_of_scope", "nl", initiative=other)
    # a funder's token may ask for one initiative and gets that one
    funder = issue(url, FUNDER, capsys)
    rows = json.loads(get(f"{base}/v1/tables/observations?initiative={other}", token=funder)[2])
    assert rows and {r["initiative_id"] for r in rows} == {other}


def test_only_a_hash_of_a_token_is_at_rest(
    served: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, url = served
    token = issue(url, EVALUATOR, capsys)
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text("SELECT * FROM api_tokens"))]
    engine.dispose()
    assert all(token not in str(v) for row in rows for v in row.values())
    mine = [r for r in rows if r["token_hash"] == hashlib.sha256(token.encode()).hexdigest()]
    assert len(mine) == 1 and token.startswith(mine[0]["prefix"])
    capsys.readouterr()
    assert cli.main(["token", "list", "--database", url]) == 0
    listed = capsys.readouterr().out
    assert token not in listed and mine[0]["prefix"] in listed


def test_issues_revokes_and_refusals_are_audited(
    served: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    base, url = served
    token = issue(url, f"{INITIATIVE}@example.org", capsys)
    get(f"{base}/v1/tables", token="ev_unknown")
    get(f"{base}/v1/tables/stories?initiative=brug-en-bedrijf", token=token)
    with Store.open(url) as store:
        token_id = int(tokens.list_tokens(store, ADMIN)["id"].iloc[-1])
        tokens.revoke_token(store, ADMIN, token_id)
        get(f"{base}/v1/tables", token=token)
        trail = store.audit(ADMIN)
    actions = trail["action"].tolist()
    assert "issue_token" in actions and "revoke_token" in actions
    refused = trail[trail["action"] == "api_refused"]["detail"].tolist()
    assert any("unknown" in d for d in refused) and any("revoked" in d for d in refused)
    assert all(token not in d for d in trail["detail"].dropna())
    denied = trail[(trail["action"] == "denied") & (trail["actor"] == f"{INITIATIVE}@example.org")]
    assert denied["detail"].str.contains("api.out_of_scope").any()


def test_the_data_package_validates_with_frictionless(
    served: tuple[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``datapackage.json`` and the CSVs it names, fetched over HTTP into a folder, are a
    valid Frictionless data package (its paths are relative to its own address)."""
    base, url = served
    token = issue(url, FUNDER, capsys)
    status, _, body = get(f"{base}/v1/tables/datapackage.json", token=token, lang="en")
    assert status == 200
    package = json.loads(body)
    assert package["protection"]["audience"] == "funder"
    (tmp_path / "datapackage.json").write_bytes(body)
    for resource in package["resources"]:
        status, _, data = get(f"{base}/v1/tables/{resource['path']}", token=token, lang="en")
        assert status == 200, resource["path"]
        (tmp_path / resource["path"]).write_bytes(data)
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_network_and_the_phase_puzzle(
    served: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    base, url = served
    token = issue(url, FUNDER, capsys)
    status, _, body = get(f"{base}/v1/network", token=token)
    assert status == 200
    net = json.loads(body)
    labels = {n["Label"] for n in net["nodes"]}
    assert net["edges"] and all({e["From"], e["To"]} <= labels for e in net["edges"])
    assert all("count_suppressed" in tie for tie in net["ties"])
    status, headers, body = get(f"{base}/v1/phase-puzzle?format=csv", token=token)
    assert status == 200 and headers["content-type"].startswith("text/csv")
    puzzle = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig")
    assert {"initiative_id", "phase", "role"} <= set(puzzle.columns)
    assert puzzle["initiative_id"].nunique() >= 10


def test_a_period_filter_cuts_the_tables(
    served: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    base, url = served
    token = issue(url, FUNDER, capsys)
    q = "period_from=2024-Q2&period_to=2024-Q3"
    rows = json.loads(get(f"{base}/v1/tables/observations?{q}", token=token)[2])
    assert rows and {r["period"] for r in rows} == {"2024-Q2", "2024-Q3"}
    status, _, body = get(f"{base}/v1/tables/observations?period_from=soon", token=token)
    assert status == 400 and json.loads(body)["error"] == "store.bad_period"


@pytest.mark.system
def test_the_api_on_postgresql(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same command on a PostgreSQL store: a funder's token reads, a revoked one not."""
    for url in postgres_database(postgres_url):
        _seed(url, {INITIATIVE})
        token = issue(url, FUNDER, capsys)
        with api_server(url, tmp_path / "api.log") as base:
            status, _, body = get(f"{base}/v1/tables/initiatives", token=token)
            assert status == 200
            assert [r["initiative_id"] for r in json.loads(body)] == [INITIATIVE]
            with Store.open(url) as store:
                token_id = int(tokens.list_tokens(store, ADMIN)["id"].iloc[-1])
            assert cli.main(["token", "revoke", str(token_id), "--database", url]) == 0
            assert get(f"{base}/v1/tables/initiatives", token=token)[0] == 401


def test_a_new_report_is_served_at_once(
    served: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """What the API holds from one request to the next is read afresh once the store changes:
    a report stored after a first read is in the next answer."""
    base, url = served
    token = issue(url, FUNDER, capsys)
    before = json.loads(get(f"{base}/v1/tables/initiatives", token=token)[2])
    assert "taalcafe-oost" not in {r["initiative_id"] for r in before}
    with Store.open(url) as store:
        store.store_report(b"new", "taalcafe-oost.xlsx", ADMIN, make_report(), [])
    after = json.loads(get(f"{base}/v1/tables/initiatives", token=token)[2])
    assert {r["initiative_id"] for r in after} == {r["initiative_id"] for r in before} | {
        "taalcafe-oost"
    }
