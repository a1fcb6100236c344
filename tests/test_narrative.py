"""The network's shared narrative and the funders' own reflection (issue 14, points 7 and 8),
on a real SQLite file and a real PostgreSQL server: versions are kept, drafts reach only
administrators and initiatives, comments and every write are audited, access is refused
(and the refusal audited) where the rules say so, and the report carries the published text.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from helpers.store import make_report

from evaluation import narrative as nv
from evaluation.access import Principal
from evaluation.errors import AccessDenied, UserError
from evaluation.i18n import t
from evaluation.report import report_workbook
from evaluation.report.narrative import add_narrative_sheet
from evaluation.store import Store
from evaluation.store.migrate import HEAD, head_revision

ADMIN = Principal("admin", name="beheer@example.org")
FUNDER = Principal("funder", name="fonds@example.org")
OTHER_FUNDER = Principal("funder", name="gemeente@example.org")
MINE = Principal("initiative", "taalcafe-oost", name="taal@example.org")
EVALUATOR = Principal("evaluator", name="onderzoek@example.org")
PUBLIC = Principal("public")
PERIOD = "2025-Q1"


@pytest.fixture
def store(db_url):
    s = Store.open(db_url)
    yield s
    s.close()


def _actions(store: Store) -> list[tuple[str, str, str]]:
    frame = store.audit(ADMIN)
    return list(zip(frame["actor"], frame["action"], frame["detail"].fillna(""), strict=True))


def test_the_schema_head_is_alembic_head_and_the_store_is_at_it(store):
    assert head_revision() == HEAD
    assert store.schema_revision() == HEAD


def test_every_save_is_a_new_version_and_nothing_is_overwritten(store):
    first = nv.save_narrative(store, ADMIN, PERIOD, "Eerste opzet.")
    second = nv.save_narrative(store, ADMIN, PERIOD, "Tweede opzet.")
    third = nv.save_narrative(store, ADMIN, PERIOD, "Het verhaal.", publish=True)
    fourth = nv.save_narrative(store, ADMIN, PERIOD, "Een nieuwe opzet na publicatie.")
    assert [v.version for v in (first, second, third, fourth)] == [1, 2, 3, 4]
    kept = nv.versions(store, ADMIN, PERIOD)
    assert [(v.version, v.status, v.text) for v in kept] == [
        (1, "draft", "Eerste opzet."),
        (2, "draft", "Tweede opzet."),
        (3, "published", "Het verhaal."),
        (4, "draft", "Een nieuwe opzet na publicatie."),
    ]
    # the published text stays what readers see while a new draft is written
    assert nv.published(store, PERIOD).text == "Het verhaal."
    assert nv.latest_draft(store, MINE, PERIOD).version == 4
    # another period has its own numbering
    assert nv.save_narrative(store, ADMIN, "2025-Q2", "Ander kwartaal.").version == 1
    assert [a for _, a, _ in _actions(store)] == ["narrative_draft"] * 2 + [
        "narrative_publish",
        "narrative_draft",
        "narrative_draft",
    ]
    assert (ADMIN.name, "narrative_publish", f"{PERIOD} v3") in _actions(store)


def test_a_draft_reaches_initiatives_not_funders_and_takes_their_comment(store):
    draft = nv.save_narrative(store, ADMIN, PERIOD, "Concept: wat we samen zagen.")
    for outsider in (FUNDER, EVALUATOR, PUBLIC):
        assert nv.versions(store, outsider, PERIOD) == []
        assert nv.latest_draft(store, outsider, PERIOD) is None
    assert nv.published(store, PERIOD) is None
    assert [v.text for v in nv.versions(store, MINE, PERIOD)] == ["Concept: wat we samen zagen."]

    nv.add_comment(store, MINE, draft.id, "Noem ook de buurtmaaltijd.")
    other = Principal("initiative", "buurtkeuken", name="keuken@example.org")
    nv.add_comment(store, other, draft.id, "Onze overdracht ontbreekt nog.")
    # an initiative reads its own comments, the administrator all of them, a funder none
    assert [c.text for c in nv.comments(store, MINE, PERIOD)] == ["Noem ook de buurtmaaltijd."]
    assert [(c.initiative_id, c.version) for c in nv.comments(store, ADMIN, PERIOD)] == [
        ("taalcafe-oost", 1),
        ("buurtkeuken", 1),
    ]
    assert nv.comments(store, FUNDER, PERIOD) == []
    assert (MINE.name, "narrative_comment", f"{PERIOD} v1") in _actions(store)

    published = nv.save_narrative(store, ADMIN, PERIOD, "Het verhaal, met de maaltijd.", True)
    for reader in (FUNDER, EVALUATOR, PUBLIC, MINE):
        assert [v.version for v in nv.versions(store, reader, PERIOD)][-1] == published.version
    assert [v.status for v in nv.versions(store, FUNDER, PERIOD)] == ["published"]
    assert nv.published(store).text == "Het verhaal, met de maaltijd."
    # once published, the earlier draft takes no more comments, nor does the published text
    for version_id in (draft.id, published.id):
        with pytest.raises(UserError) as exc:
            nv.add_comment(store, MINE, version_id, "Te laat.")
        assert exc.value.key == "narrative.not_a_draft"
    assert len(nv.comments(store, ADMIN, PERIOD)) == 2


def test_only_an_administrator_writes_the_narrative_and_a_refusal_is_audited(store):
    for who in (FUNDER, MINE, EVALUATOR):
        with pytest.raises(AccessDenied) as exc:
            nv.save_narrative(store, who, PERIOD, "Ons verhaal.", publish=True)
        assert exc.value.key == "narrative.admin_only"
        assert (who.name, "denied", f"narrative {PERIOD}") in _actions(store)
    assert nv.versions(store, ADMIN, PERIOD) == []
    draft = nv.save_narrative(store, ADMIN, PERIOD, "Concept.")
    for who in (FUNDER, ADMIN, EVALUATOR):
        with pytest.raises(AccessDenied) as exc:
            nv.add_comment(store, who, draft.id, "Opmerking.")
        assert exc.value.key == "narrative.initiative_only"
    assert nv.comments(store, ADMIN, PERIOD) == []


def test_a_funder_writes_only_its_own_reflection_and_initiatives_read_them_all(store):
    nv.save_reflection(
        store, FUNDER, PERIOD, "Fonds Noorderlicht", "We vroegen uitstroomcijfers.", "Niet meer."
    )
    nv.save_reflection(
        store, FUNDER, PERIOD, "Fonds Noorderlicht", "Uitstroomcijfers per kwartaal.", "Losgelaten."
    )
    nv.save_reflection(
        store, OTHER_FUNDER, PERIOD, "Gemeente Havenstad", "Vaste aantallen.", "Open inloop telt."
    )
    # the latest per funder and period, by the funder's name; both rows are kept
    for reader in (MINE, EVALUATOR, ADMIN):
        found = nv.reflections(store, reader, PERIOD)
        assert [(r.funder_name, r.pulled) for r in found] == [
            ("Fonds Noorderlicht", "Uitstroomcijfers per kwartaal."),
            ("Gemeente Havenstad", "Vaste aantallen."),
        ]
    # a funder reads its own, the public none
    assert [r.funder_name for r in nv.reflections(store, OTHER_FUNDER)] == ["Gemeente Havenstad"]
    assert nv.reflections(store, PUBLIC) == []
    assert nv.reflections(store, MINE, "2025-Q2") == []
    assert [a for _, a, _ in _actions(store)].count("funder_reflection") == 3
    for who in (MINE, ADMIN, EVALUATOR):
        with pytest.raises(AccessDenied) as exc:
            nv.save_reflection(store, who, PERIOD, "Ik", "Schuren.", "Los.")
        assert exc.value.key == "narrative.funder_only"
        assert (who.name, "denied", f"funder reflection {PERIOD}") in _actions(store)
    assert len(nv.reflections(store, ADMIN)) == 2


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_empty_or_personal_text_is_refused_with_a_message_in_the_users_language(store, lang):
    with pytest.raises(UserError) as exc:
        nv.save_narrative(store, ADMIN, PERIOD, "  ")
    assert exc.value.render(lang) == t(
        "narrative.empty", lang, field=t("narrative.fields.narrative", lang)
    )
    with pytest.raises(UserError) as exc:
        nv.save_reflection(store, FUNDER, PERIOD, "Fonds", "Bel 06-12345678 voor uitleg.", "x")
    message = exc.value.render(lang)
    assert t("narrative.fields.pulled", lang) in message and "12345678" not in message
    assert nv.reflections(store, ADMIN) == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_report_opens_with_the_published_narrative_of_its_periods(store, lang):
    store.store_report(b"q1", "q1.xlsx", ADMIN, make_report(quarter=1), [])
    store.store_report(b"q2", "q2.xlsx", ADMIN, make_report(quarter=2, variant=1), [])
    nv.save_narrative(store, ADMIN, "2025-Q1", "Het verhaal van het eerste kwartaal.", True)
    nv.save_narrative(store, ADMIN, "2025-Q2", "Alleen een concept.")
    assert nv.published(store, "2025-Q2") is None
    latest = nv.published(store)
    assert latest is not None and latest.text == "Het verhaal van het eerste kwartaal."

    wb = report_workbook(store, lang=lang, audience="funder", narratives=nv.for_report(store))
    buf = io.BytesIO()
    wb.save(buf)
    back = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    ws = back.worksheets[1]
    assert ws.title == t("narrative.report_sheet", lang)
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "Het verhaal van het eerste kwartaal." in cells
    assert "Alleen een concept." not in cells

    only_q2 = report_workbook(store, lang=lang, audience="funder")
    add_narrative_sheet(only_q2, nv.for_report(store, "2025-Q2", "2025-Q2"), lang)
    cells = [c for row in only_q2.worksheets[1].iter_rows(values_only=True) for c in row if c]
    assert t("narrative.report_none", lang) in cells


def test_the_sample_loads_its_narrative_and_reflections_once(store, tmp_path):
    folder = tmp_path / "sample"
    (folder / "spec").mkdir(parents=True)
    source = nv.SAMPLE_FILE
    from evaluation.store.settings import sample_folder

    (folder / "spec" / source).write_bytes((sample_folder() / "spec" / source).read_bytes())
    saved = nv.load_sample(store, folder)
    assert saved == 5  # a draft, a comment on it, the published version, two reflections
    assert nv.load_sample(store, folder) == 0
    shown = nv.published(store, "2025-Q4")
    assert shown is not None and shown.version == 2
    assert [c.version for c in nv.comments(store, ADMIN, "2025-Q4")] == [1]
    names = [r.funder_name for r in nv.reflections(store, MINE, "2025-Q4")]
    assert len(names) == 2 and all("fictief" in n for n in names)


def test_saves_at_the_same_moment_each_get_their_own_version(store):
    """Two administrators (or app replicas) saving one period at once: no version is lost or
    numbered twice."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        saved = list(
            pool.map(lambda i: nv.save_narrative(store, ADMIN, PERIOD, f"Versie {i}."), range(8))
        )
    assert sorted(v.version for v in saved) == list(range(1, 9))
    assert len(nv.versions(store, ADMIN, PERIOD)) == 8
