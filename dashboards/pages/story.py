"""The collective story (funders' home): the phase puzzle, the network, the flows between
phases and the output totals as context. Nothing ranked, nothing coloured as a judgement."""

from __future__ import annotations

import streamlit as st

from dashboards import figures, state
from evaluation.i18n import t

lang, who = state.context()
st.title(t("ui.story.title", lang))
st.write(t("ui.story.intro", lang))
with st.expander(t("ui.story.guide_title", lang)):
    st.markdown(t("ui.story.guide", lang))

filters = state.period_filter(who, lang, key="story_periods")
view = state.story_view(who, filters)

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("ui.story.puzzle_title", lang))
    st.plotly_chart(figures.phase_puzzle(view.puzzle, lang), key="puzzle")
with right:
    st.subheader(t("ui.story.context_title", lang))
    st.plotly_chart(figures.output_totals(view.totals, lang), key="totals")
    st.caption(t("ui.story.context_caption", lang))
    st.caption(t("ui.common.suppressed_note", lang))

st.subheader(t("ui.story.network_title", lang))
st.plotly_chart(figures.network(view.nodes, view.edges, lang), key="network")

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("ui.story.flows_title", lang))
    st.plotly_chart(figures.phase_flows(view.flows, lang), key="flows")
    if view.flows_withheld:
        st.caption(t("ui.story.flows_withheld", lang, n=view.flows_withheld))
with right:
    st.subheader(t("ui.story.formal_title", lang))
    st.plotly_chart(figures.formal_bridges(view.formal, lang), key="formal")
