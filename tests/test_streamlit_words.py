"""The script that puts our words where Streamlit and Plotly draw English (issue 19): it
carries only our own strings, as JSON that cannot end the script early, each English wording
once, and every "{label}" kept in both languages. The browser half is in test_ui_finish_e2e."""

from __future__ import annotations

import json
import re

import pytest

from dashboards import streamlit_words
from evaluation.i18n import t

LANGS = ("nl", "en")


def _words(html: str) -> dict:
    match = re.fullmatch(r"<script>window\.evaluationWords = (\{.*?\});\n.*</script>", html, re.S)
    assert match, "one script: the words, then the code"
    return json.loads(match.group(1))


@pytest.mark.parametrize("lang", LANGS)
def test_the_script_carries_our_words_as_json(lang):
    html = streamlit_words.page_script(lang)
    words = _words(html)
    assert [tuple(p) for p in words["pairs"]] == streamlit_words.pairs(lang)
    assert words["uploader"]["button"] == t("ui.upload.widget_button", lang)
    assert words["uploader"]["decimal"] == ("," if lang == "nl" else ".")
    assert html.count("</script>") == 1


def test_each_wording_is_replaced_once_and_keeps_its_label():
    english, dutch = streamlit_words.wordings("en"), streamlit_words.wordings("nl")
    assert len(english) == len(set(english)) >= 20, "one replacement for each English wording"
    to_dutch = dict(streamlit_words.pairs("nl"))
    assert to_dutch == dict(zip(english, dutch, strict=True))
    # after a switch to English, the Dutch already drawn goes back to Streamlit's wording
    assert dict(streamlit_words.pairs("en")) == {nl: en for en, nl in to_dutch.items()}
    for en, nl in to_dutch.items():
        assert nl != en
        assert en.count("{label}") == nl.count("{label}") <= 1


def test_a_closing_tag_in_a_string_cannot_end_the_script(monkeypatch):
    real = streamlit_words.pairs
    monkeypatch.setattr(streamlit_words, "pairs", lambda lang: [*real(lang), ("x", "</script><b>")])
    html = streamlit_words.page_script("nl")
    assert html.count("</script>") == 1
    assert ["x", "</script><b>"] in _words(html)["pairs"]
