"""About the framework: the texts of ``data/strings/about.yaml`` (keys ``about.*``), in order."""

from __future__ import annotations

import streamlit as st

from dashboards import state
from evaluation.i18n import t

lang, _ = state.read_context()
st.title(state.about_title(lang))
blocks = state.about_blocks(lang)
if not blocks:
    st.info(t("ui.about.fallback", lang))
for kind, text in blocks:
    if kind == "heading":
        st.subheader(text)
    else:
        st.markdown(text)
