"""Streamlit's and Plotly's own English in the reader's language (issue 19).

Streamlit draws its chrome (the sidebar's and menu's buttons, tooltips, the running man's
"Stop"), its widgets' accessible names and the upload box in English whatever the page's
language, and Plotly its modebar. ``assets/streamlit_words.js``, run on every page through
``st.html(..., unsafe_allow_javascript=True)``, puts our words in their place. What it
replaces, and with what, are the ``ui.streamlit_words`` strings: each one's English is the
wording Streamlit or Plotly draws, its Dutch what the page shows instead (and back, when the
reader switches to English). Only our own string files go into the script, as JSON; no
streamlit import here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from evaluation.catalogue import LANGS
from evaluation.i18n import strings, t

PREFIX = "ui.streamlit_words."
SCRIPT = Path(__file__).parent / "assets" / "streamlit_words.js"


@cache
def _script() -> str:
    return SCRIPT.read_text(encoding="utf-8")


def wordings(lang: str) -> list[str]:
    """Each ``ui.streamlit_words`` text in ``lang``: in English, Streamlit's or Plotly's own."""
    return [text[lang] for key, text in strings().items() if key.startswith(PREFIX)]


def pairs(lang: str) -> list[tuple[str, str]]:
    """(a wording found on the page, what the page writes in ``lang`` instead): Streamlit's
    or Plotly's English, and after a switch of language the other language's words already
    drawn; each "{label}" stands for a widget's own label."""
    found = {other: wordings(other) for other in LANGS}
    ours = wordings(lang)
    return [
        (found[other][i], text) for other in LANGS if other != lang for i, text in enumerate(ours)
    ]


def page_script(lang: str) -> str:
    """The HTML, one script, that replaces Streamlit's English on the page (module doc)."""
    words = {
        "pairs": pairs(lang),
        "uploader": {
            **{key: t(f"ui.upload.widget_{key}", lang) for key in ("button", "input", "another")},
            "decimal": "," if lang == "nl" else ".",
        },
    }
    payload = json.dumps(words, ensure_ascii=False).replace("</", "<\\/")
    return f"<script>window.evaluationWords = {payload};\n{_script()}</script>"
