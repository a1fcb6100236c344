"""Name takeover (issue 21, point 3): an initiative cannot report under another's name.

The attack: Gastvrij Dak uploads its own report with "Buurtkamer De Lindeboom" as its name.
Before, the upload was accepted; other initiatives' referrals to De Lindeboom were then
credited to the impostor, and funders saw two initiatives with one name. Now the upload is
refused at the Profile sheet's name cell, referrals resolve by the registry (a code to its
initiative, a registered name to the initiative that holds it, never to the uploader), and
no list shows one name for two initiatives.

Real parts: a SQLite store filled with the sample reports, real workbooks on disk (the
committed sample workbook with its name cell changed by openpyxl), the store's own import.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import insert, update

from evaluation.access import Principal
from evaluation.catalogue import fold
from evaluation.errors import UserError
from evaluation.store import Store
from evaluation.submit import submit

sys.path.insert(0, str(Path(__file__).parent))
from helpers.dashboard import UPLOAD_FILE, build_database  # noqa: E402

IMPOSTOR = "gastvrij-dak"
VICTIM, VICTIM_NAME = "buurtkamer-lindeboom", "Buurtkamer De Lindeboom"
REFERRER = "groeiplek"
REFERRER_FILE = UPLOAD_FILE.parent.parent / REFERRER / f"{REFERRER}_2025-Q4.xlsx"
FUNDER = Principal("funder")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("impersonation") / "evaluation.sqlite"
    build_database(path)
    return path


@pytest.fixture
def store(sample_db, tmp_path):
    """A store of its own for each test: a copy of the sample database."""
    path = tmp_path / "evaluation.sqlite"
    shutil.copy(sample_db, path)
    s = Store.open(f"sqlite:///{path}")
    yield s
    s.close()


def _workbook(name: str | None = None, partner: str | None = None) -> bytes:
    """The impostor's committed sample workbook, with its name (Profiel!B3) or its first
    network partner (an initiative) changed."""
    wb = openpyxl.load_workbook(UPLOAD_FILE)
    if name is not None:
        assert wb["Profiel"]["B1"].value.startswith("Naam")
        wb["Profiel"]["B3"] = name
    if partner is not None:
        ws = wb["Netwerk"]
        row = next(
            r for r in range(3, ws.max_row + 1) if str(ws.cell(r, 2).value).lower() == "initiatief"
        )
        ws.cell(row, 1).value = partner
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _as(initiative: str) -> Principal:
    return Principal("initiative", initiative_id=initiative, name=f"{initiative}@example.org")


@pytest.mark.parametrize("name", [VICTIM_NAME, "  buurtkamer de  LINDEBOOM ", VICTIM])
def test_an_upload_under_another_initiatives_name_or_code_is_refused_at_the_name_cell(store, name):
    before = store.submissions(Principal("admin"))
    outcome = submit(store, _workbook(name=name), UPLOAD_FILE.name, _as(IMPOSTOR))
    assert outcome.status == "rejected"
    taken = [p for p in outcome.problems if p.code == "initiative_name_taken"]
    assert len(taken) == 1, [p.code for p in outcome.problems]
    p = taken[0]
    assert (p.sheet, p.cell, p.severity) == ("Profiel", "Profiel!B3", "error")
    nl, en = p.message("nl"), p.message("en")
    assert VICTIM_NAME in nl and VICTIM_NAME in en and nl != en
    assert "Profiel" in p.hint("nl") and "Profile" in p.hint("en")
    # nothing of it is stored: no accepted submission, the names stay as they were
    after = store.submissions(Principal("admin"))
    assert len(after) == len(before) + 1 and after.iloc[0]["status"] == "rejected"
    names = store.initiatives(FUNDER).set_index("initiative_id")["name"]
    assert names[IMPOSTOR] == "Gastvrij Dak"
    ds = store.current_dataset(FUNDER)
    assert set(ds.initiatives.loc[ds.initiatives["initiative_id"] == IMPOSTOR, "name"]) == {
        "Gastvrij Dak"
    }


def test_an_initiative_keeps_its_own_name_and_may_rename_itself(store):
    own = submit(store, _workbook(), UPLOAD_FILE.name, _as(IMPOSTOR))
    assert own.status == "accepted", [p.code for p in own.problems]
    renamed = submit(store, _workbook(name="Gastvrij Dak Utrecht"), "renamed.xlsx", _as(IMPOSTOR))
    assert renamed.status == "accepted", [p.code for p in renamed.problems]


def test_referrals_resolve_by_the_registry_never_to_the_uploader(store):
    """A partner named after, or coded as, a registered initiative is that initiative."""
    outcome = submit(store, _workbook(name=VICTIM_NAME), UPLOAD_FILE.name, _as(IMPOSTOR))
    assert outcome.status == "rejected"
    net = store.current_dataset(FUNDER).network
    to_victim = net[net["partner"].map(fold) == fold(VICTIM_NAME)]
    assert len(to_victim) and set(to_victim["partner_initiative_id"]) == {VICTIM}
    # the impostor's own report may name the victim by code: it resolves to the victim
    coded = submit(store, _workbook(partner=VICTIM), UPLOAD_FILE.name, _as(IMPOSTOR))
    assert coded.status == "accepted", [p.code for p in coded.problems]
    mine = store.current_dataset(FUNDER).network
    mine = mine[(mine["initiative_id"] == IMPOSTOR) & (mine["partner"] == VICTIM)]
    assert list(mine["partner_initiative_id"]) == [VICTIM] * len(mine) and len(mine)
    # and a partner that is the uploader's own name is no partner initiative at all
    itself = submit(store, _workbook(partner="Gastvrij Dak"), "self.xlsx", _as(IMPOSTOR))
    assert itself.status == "accepted"
    rows = store.current_dataset(FUNDER).network
    rows = rows[(rows["initiative_id"] == IMPOSTOR) & (rows["partner"] == "Gastvrij Dak")]
    assert len(rows) and rows["partner_initiative_id"].isna().all()


def _takeover_from_before_the_check(store) -> None:
    """The state the attack left in a store from before names were checked: the impostor's
    latest accepted profile carries the victim's name, and a second impostor was registered
    (by its first upload) under that name."""
    from evaluation.store.schema import Initiative, Profile

    outcome = submit(store, _workbook(), UPLOAD_FILE.name, _as(IMPOSTOR))
    assert outcome.status == "accepted"
    with store.engine.begin() as conn:
        conn.execute(
            update(Profile.__table__)
            .where(Profile.__table__.c.submission_id == outcome.submission_id)
            .values(name=VICTIM_NAME)
        )
        conn.execute(
            insert(Initiative.__table__).values(
                initiative_id="nieuw-dak",
                name=VICTIM_NAME,
                added_at=dt.datetime.now(dt.UTC),
                added_by="nieuw-dak@example.org",
            )
        )


def _referring_workbook() -> bytes:
    """Groeiplek's latest sample report (it refers people to De Lindeboom), saved anew."""
    wb = openpyxl.load_workbook(REFERRER_FILE)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_takeover_already_stored_credits_nothing_to_an_impostor_and_shows_no_twin(store):
    _takeover_from_before_the_check(store)
    fresh = submit(store, _referring_workbook(), REFERRER_FILE.name, _as(REFERRER))
    assert fresh.status == "accepted", [p.code for p in fresh.problems]
    ds = store.current_dataset(FUNDER)
    net = ds.network
    to_victim = net[net["partner"].map(fold) == fold(VICTIM_NAME)]
    assert set(to_victim["initiative_id"]) >= {IMPOSTOR, REFERRER}
    # every referral to the name is the victim's, the fresh one included; none the impostors'
    assert set(to_victim["partner_initiative_id"].dropna()) == {VICTIM}
    ref = to_victim[to_victim["initiative_id"] == REFERRER]
    assert set(ref["partner_initiative_id"]) == {VICTIM}
    # funders see no two initiatives with one name: each is told apart by its code
    for names in (list(store.initiatives(FUNDER)["name"]), list(ds.initiatives["name"])):
        folded = [fold(n) for n in names]
        assert len(folded) == len(set(folded)), names
    assert f"{VICTIM_NAME} ({IMPOSTOR})" in list(ds.initiatives["name"])


def test_the_registry_takes_no_second_initiative_of_one_name(store):
    with pytest.raises(UserError) as err:
        store.add_initiative(Principal("admin"), "nieuw-dak", " buurtkamer de lindeboom")
    assert err.value.key == "store.initiative_name_exists"
    assert VICTIM in err.value.render("en") and VICTIM in err.value.render("nl")
