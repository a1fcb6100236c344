"""Portfolios (issue 17, point 1): a funder of one portfolio reads nothing of an initiative
that is only in another, through any output: the store's reads, the tidy export, the Excel
report, the brief, the command line, the read-only API over HTTP and the dashboard's pages
(the whole app through AppTest, signed in through its form). On a real SQLite file with the
sample's reports and its two overlapping portfolios (``sample_data/spec/portfolios.yaml``).

What "nothing" means is measured, not assumed: every text of an initiative only in the other
portfolio (its mission, its stories, its reflection answers, its own indicators' labels)
that no initiative of the reader's portfolio wrote too, and its code. Its *name* may show:
initiatives of the reader's portfolio name it as a partner in their own network rows.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import streamlit as st
from helpers.api import api_server, get
from helpers.dashboard import SAMPLE, build_database
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from dashboards import texts
from evaluation import accounts, cli, export, portfolios
from evaluation.access import Principal
from evaluation.brief import brief_bytes
from evaluation.errors import AccessDenied, UserError
from evaluation.i18n import t
from evaluation.report import report_bytes
from evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboards" / "app.py")
ADMIN = Principal("admin", name="test-setup")
A, B = "havenstad-meedoen", "noorderlicht-thuis"  # the sample's two portfolios
FUNDER_A = "fonds-havenstad@example.org"
EVALUATOR_B = "evaluator-noorderlicht@example.org"
NOWHERE = "nergens@example.org"
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("portfolios") / "template.sqlite"
    url = build_database(path)
    with Store.open(url) as store:
        assert portfolios.load_sample(store, SAMPLE) == 2
        accounts.add_user(store, ADMIN, FUNDER_A, "funder", password=PASSWORD)
        accounts.add_user(store, ADMIN, EVALUATOR_B, "evaluator", password=PASSWORD)
        accounts.add_user(store, ADMIN, NOWHERE, "funder", password=PASSWORD)
        portfolios.add_member(store, ADMIN, A, FUNDER_A)
        portfolios.add_member(store, ADMIN, B, EVALUATOR_B)
    return path


@pytest.fixture
def url(template, tmp_path) -> str:
    path = tmp_path / "evaluation.sqlite"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def _held(store: Store, code: str) -> set[str]:
    return set(next(p for p in portfolios.listing(store, ADMIN) if p.code == code).initiative_ids)


def _flat(text: str) -> str:
    return " ".join(str(text).split())


def _only_b(store: Store) -> tuple[set[str], list[str]]:
    """The initiatives only in B, and probes of texts only they wrote (see the docstring)."""
    in_a, in_b = _held(store, A), _held(store, B)
    only = in_b - in_a
    assert only and in_a & in_b  # the sample's portfolios overlap and differ
    ds = store.current_dataset(ADMIN)
    texts: dict[bool, set[str]] = {True: set(), False: set()}
    for frame, cols in (
        (ds.initiatives, ["mission"]),
        (ds.stories, ["text", "why_it_matters"]),
        (ds.reflections, ["answer"]),
        (ds.own_indicators, ["label"]),
    ):
        for _, row in frame.iterrows():
            for col in cols:
                if isinstance(row[col], str) and len(row[col]) >= 30:
                    texts[row["initiative_id"] in only].add(_flat(row[col]))
    probes = sorted(x[:40] for x in texts[True] - texts[False])
    assert len(probes) >= 20  # stories, missions and answers of four initiatives
    return only, probes


def _leaks(text: str, only: set[str], probes: list[str]) -> list[str]:
    flat = _flat(text)
    return [x for x in sorted(only) if x in flat] + [p for p in probes if p in flat]


# --- the rules ------------------------------------------------------------------------------


def test_an_accounts_scope_is_its_portfolios_initiatives(url):
    with Store.open(url) as store:
        funder = accounts.active_principal(store, FUNDER_A)
        assert funder is not None and funder.portfolios == {A}
        assert funder.scope == _held(store, A)
        evaluator = accounts.active_principal(store, EVALUATOR_B)
        assert evaluator is not None and evaluator.scope == _held(store, B)
        # once portfolios exist, an account in none reads none (never more than it was given)
        nowhere = accounts.active_principal(store, NOWHERE)
        assert nowhere is not None and nowhere.scope == frozenset()
        assert store.current_dataset(nowhere).initiatives.empty
        assert store.initiatives(nowhere).empty and store.periods(nowhere) == []
        # administrators and initiatives are not scoped
        assert portfolios.scoped(store, ADMIN).scope is None
        mine = portfolios.scoped(store, Principal("initiative", "gastvrij-dak", name="x"))
        assert mine.scope is None


def test_without_portfolios_every_funder_reads_every_initiative(tmp_path):
    url = build_database(tmp_path / "plain.sqlite")
    with Store.open(url) as store:
        accounts.add_user(store, ADMIN, FUNDER_A, "funder", password=PASSWORD)
        funder = accounts.active_principal(store, FUNDER_A)
        assert funder is not None and funder.scope is None
        assert len(store.initiatives(funder)) == len(store.initiatives(ADMIN)) == 10


def test_only_administrators_manage_portfolios_and_each_change_is_audited(url):
    with Store.open(url) as store:
        funder = accounts.active_principal(store, FUNDER_A)
        for change in (
            lambda: portfolios.create(store, funder, "eigen", "Eigen"),
            lambda: portfolios.add_initiative(store, funder, A, "gastvrij-dak"),
            lambda: portfolios.add_member(store, funder, B, FUNDER_A),
            lambda: portfolios.remove(store, funder, B),
        ):
            with pytest.raises(AccessDenied):
                change()
        with pytest.raises(UserError) as exc:
            portfolios.create(store, ADMIN, "Met Spaties", "x")
        assert exc.value.key == "portfolios.bad_code"
        with pytest.raises(UserError) as exc:
            portfolios.create(store, ADMIN, A, "again")
        assert exc.value.key == "portfolios.exists"
        accounts.add_user(store, ADMIN, "dak@example.org", "initiative", "gastvrij-dak", PASSWORD)
        with pytest.raises(UserError) as exc:
            portfolios.add_member(store, ADMIN, A, "dak@example.org")
        assert exc.value.key == "portfolios.member_role"
        with pytest.raises(UserError) as exc:
            portfolios.add_initiative(store, ADMIN, A, "bestaat-niet")
        assert exc.value.key == "portfolios.unknown_initiative"
        assert portfolios.add_initiative(store, ADMIN, A, "gastvrij-dak") is True
        assert portfolios.add_initiative(store, ADMIN, A, "gastvrij-dak") is False
        assert "gastvrij-dak" in accounts.active_principal(store, FUNDER_A).scope
        # the admin page's form: exactly these initiatives and accounts, in one transaction
        changes = portfolios.update(store, ADMIN, A, ["groeiplek"], [FUNDER_A, NOWHERE])
        assert (
            changes == len(_held(store, B) & {"digitale-buurtkring", "leerkring-anders-kijken"}) + 5
        )
        assert accounts.active_principal(store, FUNDER_A).scope == {"groeiplek"}
        assert accounts.active_principal(store, NOWHERE).scope == {"groeiplek"}
        portfolios.remove(store, ADMIN, A)
        assert accounts.active_principal(store, FUNDER_A).scope == frozenset()
        trail = store.audit(ADMIN)
    actions = list(trail["action"])
    for action in (
        "portfolio_create",
        "portfolio_add_initiative",
        "portfolio_remove_initiative",
        "portfolio_add_member",
        "portfolio_remove",
    ):
        assert action in actions, action


def test_the_data_version_tells_every_state_of_the_portfolios_apart(url):
    """Equal versions exactly where the portfolios are equal: a removal that restores an
    earlier state may give its version back, a change never keeps the version it had."""
    with Store.open(url) as store:
        seen = [(store.data_version(), portfolios.listing(store, ADMIN))]
        for change in (
            lambda: portfolios.add_initiative(store, ADMIN, A, "gastvrij-dak"),
            lambda: portfolios.remove_initiative(store, ADMIN, A, "gastvrij-dak"),
            lambda: portfolios.remove_initiative(store, ADMIN, A, "groeiplek"),
            lambda: portfolios.add_initiative(store, ADMIN, A, "gastvrij-dak"),
            lambda: portfolios.remove_initiative(store, ADMIN, A, "gastvrij-dak"),
            lambda: portfolios.add_initiative(store, ADMIN, A, "buurtwonen-noord"),
            lambda: portfolios.remove_member(store, ADMIN, A, FUNDER_A),
            lambda: portfolios.add_member(store, ADMIN, B, FUNDER_A),
            lambda: portfolios.create(store, ADMIN, "derde", "Derde"),
            lambda: portfolios.remove(store, ADMIN, "derde"),
        ):
            change()
            seen.append((store.data_version(), portfolios.listing(store, ADMIN)))
    for version, held in seen:
        for other_version, other in seen:
            assert (version == other_version) == (held == other)
    assert len({v for v, _ in seen}) >= 8


# --- nothing of the other portfolio, through any output -------------------------------------


def test_the_stores_reads_hold_only_the_portfolios_initiatives(url):
    with Store.open(url) as store:
        only, probes = _only_b(store)
        funder = accounts.active_principal(store, FUNDER_A)
        ds = store.current_dataset(funder)
        for name, frame in ds.frames().items():
            assert set(frame["initiative_id"]) <= funder.scope, name
        assert not set(ds.network["partner_initiative_id"].dropna()) & only
        # stories B's initiatives shared with funders are not a funder of A's to read
        whole = store.current_dataset(ADMIN).stories
        shared = whole[whole["initiative_id"].isin(only) & (whole["visibility"] == "funders")]
        assert len(shared) and (ds.stories["visibility"] == "funders").any()
        assert not ds.stories["initiative_id"].isin(only).any()
        assert set(store.initiatives(funder)["initiative_id"]) == funder.scope
        everything = ds.frames()
    text = " ".join(f.astype(str).to_csv(index=False) for f in everything.values())
    assert _leaks(text, only, probes) == []


def test_the_export_report_and_brief_of_a_funder_of_a_hold_nothing_of_b(url, tmp_path):
    pdftotext = shutil.which("pdftotext")
    with Store.open(url) as store:
        only, probes = _only_b(store)
        funder = accounts.active_principal(store, FUNDER_A)
        disclosed = export.export_for(store, funder, "funder")
        data = export.tidy_zip(disclosed, "nl")
        workbook = report_bytes(store, principal=funder, audience="funder")
        pdf = brief_bytes(store, principal=funder, audience="funder")
        for initiative in sorted(only):
            with pytest.raises(AccessDenied):
                report_bytes(store, principal=funder, initiative_ids=[initiative])
            with pytest.raises(AccessDenied):
                brief_bytes(store, principal=funder, initiative_id=initiative)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zipped = " ".join(zf.read(n).decode("utf-8-sig") for n in zf.namelist())
    assert _leaks(zipped, only, probes) == []
    wb = load_workbook(io.BytesIO(workbook), read_only=True)
    cells = " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    assert _leaks(cells, only, probes) == []
    assert "Groeiplek" in cells  # the report is there: it holds portfolio A's initiatives
    if pdftotext:
        path = tmp_path / "brief.pdf"
        path.write_bytes(pdf)
        out = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True)
        assert out.returncode == 0 and _leaks(out.stdout, only, probes) == []


def test_the_command_line_makes_outputs_as_the_account_sees_them(url, tmp_path, capsys):
    with Store.open(url) as store:
        only, probes = _only_b(store)
    one = sorted(only)[0]
    out = tmp_path / "r.xlsx"
    args = ["--database", url, "--as-account", FUNDER_A]
    assert cli.main(["report", "--out", str(out), "--initiative", one, *args]) == 3
    assert t("access.out_of_scope", "nl", who=FUNDER_A, initiative=one) in capsys.readouterr().err
    assert not out.exists()
    zipped = tmp_path / "e.zip"
    assert cli.main(["export", "--out", str(zipped), *args]) == 0
    with zipfile.ZipFile(zipped) as zf:
        text = " ".join(zf.read(n).decode("utf-8-sig") for n in zf.namelist())
    assert _leaks(text, only, probes) == []
    # an administrator's report of one portfolio: only its initiatives
    assert cli.main(["export", "--out", str(zipped), "--database", url, "--portfolio", A]) == 0
    with zipfile.ZipFile(zipped) as zf:
        initiatives = zf.read("initiatives.csv").decode("utf-8-sig")
    with Store.open(url) as store:
        expected = _held(store, A)
    assert {line.split(",")[0] for line in initiatives.splitlines()[1:]} == expected


def test_the_portfolio_command(url, capsys):
    base = ["--database", url, "--lang", "en"]
    assert cli.main(["portfolio", "create", "derde", "--name", "Derde fonds", *base]) == 0
    assert cli.main(["portfolio", "add", "derde", "--initiative", "groeiplek", *base]) == 0
    assert cli.main(["portfolio", "add", "derde", "--initiative", "groeiplek", *base]) == 0
    assert cli.main(["portfolio", "member", "derde", NOWHERE, *base]) == 0
    assert cli.main(["portfolio", "member", "derde", "onbekend@example.org", *base]) == 1
    out = capsys.readouterr()
    assert "groeiplek is now in derde." in out.out
    assert "groeiplek was already in derde; nothing changed." in out.out
    assert t("portfolios.unknown_account", "en", email="onbekend@example.org") in out.err
    assert cli.main(["portfolio", "list", *base]) == 0
    listed = capsys.readouterr().out
    assert "Derde fonds" in listed and NOWHERE in listed
    with Store.open(url) as store:
        assert accounts.active_principal(store, NOWHERE).scope == {"groeiplek"}
    assert cli.main(["portfolio", "remove", "derde", *base]) == 0
    assert cli.main(["portfolio", "remove", "derde", *base]) == 1


def test_a_token_of_a_portfolios_account_never_returns_another_portfolios_initiative(
    url, tmp_path, capsys
):
    with Store.open(url) as store:
        only, probes = _only_b(store)
        held = _held(store, A)
    capsys.readouterr()
    assert cli.main(["token", "issue", "--email", FUNDER_A, "--database", url]) == 0
    token = capsys.readouterr().out.splitlines()[0]
    with api_server(url, tmp_path / "api.log") as base:
        bodies = []
        for name in export.TABLES:
            status, _, body = get(f"{base}/v1/tables/{name}", token=token)
            assert status == 200, name
            rows = json.loads(body)
            assert {r["initiative_id"] for r in rows if "initiative_id" in r} <= held, name
            bodies.append(body.decode())
        for path in ("/v1/network", "/v1/phase-puzzle", "/v1/tables/stories.csv"):
            status, _, body = get(f"{base}{path}", token=token)
            assert status == 200, path
            bodies.append(body.decode())
        for initiative in sorted(only):
            status, _, _ = get(
                f"{base}/v1/tables/observations?initiative={initiative}", token=token
            )
            assert status == 403
    assert _leaks(" ".join(bodies), only, probes) == []


# --- the pages ------------------------------------------------------------------------------


def _fresh() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _signed_in(url: str, monkeypatch, tmp_path, email: str, lang: str = "nl") -> AppTest:
    monkeypatch.setenv("EVALUATION_DATABASE_URL", url)
    monkeypatch.delenv("EVALUATION_DEMO", raising=False)
    monkeypatch.chdir(tmp_path)
    _fresh()
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.text_input(key="signin_email").input(email)
    at.text_input(key="signin_password").input(PASSWORD)
    submit = [b for b in at.button if b.key and b.key.startswith("FormSubmitter:signin_form")]
    submit[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _shown(at: AppTest) -> str:
    """Every text the page shows, the tables' cells and the charts' data included."""
    parts = [
        x.value for kind in ("markdown", "caption", "text", "info", "title") for x in at.get(kind)
    ]
    parts += [str(x.value) for x in at.get("subheader")]
    parts += [f.value.to_csv() for f in at.dataframe]
    parts += [str(o) for s in at.selectbox for o in s.options]
    parts += [str(o) for s in at.multiselect for o in s.options]
    parts += [c.proto.spec for c in at.get("plotly_chart")]
    return " ".join(str(p) for p in parts)


def test_no_page_shows_a_funder_of_a_anything_of_b(url, monkeypatch, tmp_path):
    with Store.open(url) as store:
        only, probes = _only_b(store)
        names = dict(store.initiatives(ADMIN).itertuples(index=False))
    at = _signed_in(url, monkeypatch, tmp_path, FUNDER_A)
    assert [x.value for x in at.title] == [t("ui.story.title", "nl")]
    seen = [_shown(at)]
    assert "Gemeente Havenstad" in seen[0]  # the story page says whose portfolio it reads
    for page in ("voices", "profile", "export", "cycle", "reflect"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.message for e in at.exception])
        seen.append(_shown(at))
    profile_choice = next(s for s in at.selectbox if set(s.options) & set(names.values()))
    assert not set(profile_choice.options) & {names[i] for i in only}
    assert _leaks(" ".join(seen), only, probes) == []
    # a deep link to B's profile is refused, with the reason
    one = sorted(only)[0]
    at.switch_page("app_pages/profile.py")
    at.query_params["initiative"] = one
    at.run()
    assert not at.exception
    assert t("portfolios.link_out_of_scope", "nl") in [w.value for w in at.warning]
    assert _leaks(_shown(at), set(), probes) == []
    _fresh()


def test_the_demo_offers_a_funder_of_each_portfolio(tmp_path, monkeypatch):
    path = tmp_path / "demo.sqlite"
    url = build_database(path)
    with Store.open(url) as store:
        portfolios.load_sample(store, SAMPLE)
        only, probes = _only_b(store)
    monkeypatch.setenv("EVALUATION_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    _fresh()
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    chooser = at.selectbox(key="demo_role_choice")
    with Store.open(url) as store:
        named = {p.code: p.name for p in portfolios.listing(store, ADMIN)}
    labels = [t("portfolios.ui.role_funder", "en", portfolio=named[c]) for c in (A, B)]
    assert set(labels) <= set(chooser.options)
    chooser.select(f"portfolio:{A}").run()
    assert not at.exception, [e.message for e in at.exception]
    banner = " ".join(i.value for i in at.info)  # the demo banner says who, as plain text
    assert texts.plain(labels[0]) in banner
    assert _leaks(_shown(at), only, probes) == []
    _fresh()
