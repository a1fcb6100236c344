"""Every user-facing string exists in Dutch and English."""

from evaluation.i18n import strings, t


def test_every_string_has_dutch_and_english():
    missing = [
        k for k, v in strings().items() if not (v.get("nl", "").strip() and v.get("en", "").strip())
    ]
    assert missing == []


def test_translation_fills_parameters():
    assert "'x'" in t("access.import_other", "en", who="someone", initiative="x")
    assert t("access.import_other", "nl", who="a", initiative="x") != t(
        "access.import_other", "en", who="a", initiative="x"
    )
