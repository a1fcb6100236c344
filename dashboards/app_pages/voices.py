"""Voices: the stories, filterable by phase, voice, theme and period, and who tells them."""

from __future__ import annotations

import streamlit as st

from dashboards import state, texts
from dashboards.views import StoryFilter
from evaluation.catalogue import load_catalogue
from evaluation.i18n import t

lang, who = state.read_context()
st.title(t("ui.voices.title", lang))
st.write(t("ui.voices.intro", lang))

cat = load_catalogue()
filters = state.period_filter(who, lang, key="voices_periods", stable=True)
c1, c2, c3 = st.columns(3)
phases = c1.multiselect(
    t("ui.voices.filter_phase", lang),
    options=list(cat.choices("phases").codes),
    format_func=lambda c: cat.choices("phases").label(c, lang),
    key="voices_phase",
)
voices = c2.multiselect(
    t("ui.voices.filter_voice", lang),
    options=list(cat.choices("voices").codes),
    format_func=lambda c: cat.choices("voices").label(c, lang),
    key="voices_voice",
)
themes = c3.multiselect(
    t("ui.voices.filter_theme", lang),
    options=list(cat.choices("themes").codes),
    format_func=lambda c: cat.choices("themes").label(c, lang),
    key="voices_theme",
)
page = state.voices_page(
    who, filters, StoryFilter(tuple(phases), tuple(voices), tuple(themes)), lang
)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ui.voices.balance_title", lang))
    st.plotly_chart(page.balance, key="balance")
with right:
    st.subheader(t("ui.voices.themes_title", lang))
    st.plotly_chart(page.themes, key="themes")

st.subheader(t("ui.voices.stories_count", lang, n=page.n_stories))
if not page.n_stories:
    st.info(t("ui.voices.none", lang))
elif page.n_stories > len(page.stories):
    st.caption(t("ui.voices.showing", lang, n=len(page.stories)))
for title, body in page.stories:
    with st.expander(texts.plain(title)):
        st.markdown(body)
