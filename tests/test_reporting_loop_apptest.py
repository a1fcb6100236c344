"""The Submit page's confirm step for an overlapping period (issue 15), through AppTest on a
real SQLite store: the overlap is shown, storing waits for the confirmation, and then the
new workbook replaces the overlapping submission."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from test_dashboard_apptest import (  # noqa: F401  (fixtures)
    PAGES,
    UPLOAD_FILE,
    UPLOAD_INITIATIVE,
    XLSX,
    _no_exception,
    _start,
    own_app,
    session_db,
)

from evaluation.access import Principal
from evaluation.i18n import t
from evaluation.store import Store


def _overlapping_workbook() -> bytes:
    """The initiative's 2025-Q4 workbook starting on 15-9-2025: it overlaps the stored Q3."""
    wb = openpyxl.load_workbook(UPLOAD_FILE)
    wb.worksheets[1]["I3"] = dt.date(2025, 9, 15)  # Profile: period start
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_overlapping_upload_is_stored_only_after_confirming(own_app):  # noqa: F811
    lang = "en"
    at = _start(own_app, lang, f"initiative:{UPLOAD_INITIATIVE}")
    at.switch_page(PAGES["submit"]).run()
    at.file_uploader(key="upload").set_value(("overlap.xlsx", _overlapping_workbook(), XLSX))
    at.run()
    _no_exception(at)
    warning = " ".join(w.value for w in at.warning)
    assert "overlaps what is already stored" in warning and "Q3 2025" in warning
    assert at.button(key="confirm").disabled, "storing waits for the confirmation"

    at.checkbox(key="replace_overlapping").check().run()
    _no_exception(at)
    assert not at.button(key="confirm").disabled
    at.button(key="confirm").click().run()
    _no_exception(at)
    shown = " ".join(s.value for s in at.success) + " ".join(i.value for i in at.info)
    assert t("ui.submit.accepted", lang, id="X", period="Y").split("X")[0] in shown
    assert "replaces the earlier submission" in shown

    import os

    with Store.open(os.environ["EVALUATION_DATABASE_URL"]) as store:
        periods = store.periods(Principal("admin"), [UPLOAD_INITIATIVE])
    assert "2025-Q3" not in periods and "2025-09-15/2025-12-31" in periods


def test_the_submit_page_says_what_was_agreed_with_the_funder(own_app):  # noqa: F811
    import os

    from evaluation import arrangements

    lang = "nl"
    at = _start(own_app, lang, f"initiative:{UPLOAD_INITIATIVE}")
    at.switch_page(PAGES["submit"]).run()
    _no_exception(at)
    rhythm = t("arrangements.rhythm.quarter", lang)
    assert t("arrangements.line_full", lang, rhythm=rhythm) in [c.value for c in at.caption]

    with Store.open(os.environ["EVALUATION_DATABASE_URL"]) as store:
        funder = Principal("funder", name="fonds")
        arrangements.set_arrangement(store, funder, UPLOAD_INITIATIVE, "half_year", True)
    at.run()
    _no_exception(at)
    rhythm = t("arrangements.rhythm.half_year", lang)
    assert t("arrangements.line_light", lang, rhythm=rhythm) in [c.value for c in at.caption]
