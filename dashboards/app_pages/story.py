"""The collective story (funders' home): the phase puzzle, the network, the flows between
phases and the output totals as context. Nothing ranked, nothing coloured as a judgement."""

from __future__ import annotations

import streamlit as st

from dashboards import state
from evaluation.i18n import t

lang, who = state.read_context()
st.title(t("ui.story.title", lang))
st.write(t("ui.story.intro", lang))
with st.expander(t("ui.story.guide_title", lang)):
    st.markdown(t("ui.story.guide", lang))

filters = state.period_filter(who, lang, key="story_periods", stable=True)
page = state.story_page(who, filters, lang)

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("ui.story.puzzle_title", lang))
    st.plotly_chart(page.puzzle, key="puzzle")
with right:
    st.subheader(t("ui.story.context_title", lang))
    st.plotly_chart(page.totals, key="totals")
    st.caption(t("ui.story.context_caption", lang))
    st.caption(t("ui.common.suppressed_note", lang))

st.subheader(t("ui.story.network_title", lang))
st.plotly_chart(page.network, key="network")

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("ui.story.flows_title", lang))
    st.plotly_chart(page.flows, key="flows")
    if page.flows_withheld:
        st.caption(t("ui.story.flows_withheld", lang, n=page.flows_withheld))
with right:
    st.subheader(t("ui.story.formal_title", lang))
    st.plotly_chart(page.formal, key="formal")

# what initiatives say about funders' demands: only gathered, without names (Kader 2)
view = state.story_view(who, filters)
st.subheader(t("ui.story.gathered_title", lang))
st.caption(t("ui.story.gathered_note", lang, n=view.n_gathered))
for answer in view.gathered:
    st.text(answer)
