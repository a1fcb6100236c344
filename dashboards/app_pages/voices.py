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
    placeholder=t("ui.widgets.choose_options", lang),
)
voices = c2.multiselect(
    t("ui.voices.filter_voice", lang),
    options=list(cat.choices("voices").codes),
    format_func=lambda c: cat.choices("voices").label(c, lang),
    key="voices_voice",
    placeholder=t("ui.widgets.choose_options", lang),
)
themes = c3.multiselect(
    t("ui.voices.filter_theme", lang),
    options=list(cat.choices("themes").codes),
    format_func=lambda c: cat.choices("themes").label(c, lang),
    key="voices_theme",
    placeholder=t("ui.widgets.choose_options", lang),
)
query = st.text_input(
    t("ui.voices_cards.search", lang),
    placeholder=t("ui.voices_cards.search_placeholder", lang),
    key="voices_search",
)
page = state.voices_page(
    who, filters, StoryFilter(tuple(phases), tuple(voices), tuple(themes)), lang, query
)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ui.voices.balance_title", lang))
    st.plotly_chart(page.balance, key="balance")
with right:
    st.subheader(t("ui.voices.themes_title", lang))
    st.plotly_chart(page.themes, key="themes")

st.subheader(t("ui.voices.stories_count", lang, n=page.n_stories))
if query.strip() and page.n_stories:
    st.caption(t("ui.voices_cards.matches", lang, n=page.n_found, query=texts.plain(query)))
if not page.n_found:
    st.info(t("ui.voices.none", lang))
elif page.n_found > len(page.stories):
    st.caption(t("ui.voices.showing", lang, n=len(page.stories)))
# cards, two a row: whose voice, which phase, period and initiative at a glance (issue 19)
for start in range(0, len(page.stories), 2):
    for column, card in zip(st.columns(2), page.stories[start : start + 2], strict=False):
        with column.container(border=True):
            st.markdown(f"**{card.title}**")
            st.caption(card.meta)
            with st.expander(t("ui.voices_cards.read_more", lang)):
                st.markdown(card.body)
