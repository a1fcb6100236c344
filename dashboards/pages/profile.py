"""Initiative profile: its own words, its phases, its indicators on its own scales with the
notes and stories of each period beside them, its place in the network, its reflections."""

from __future__ import annotations

import streamlit as st

from dashboards import figures, state, texts
from evaluation.i18n import t

lang, who = state.context()
st.title(t("ui.profile.title", lang))
st.caption(t("ui.profile.intro", lang))

names = state.initiative_names(who)
if not names:
    st.info(t("ui.profile.no_initiatives", lang))
    st.stop()
ids = list(names)
default = ids.index(who.initiative_id) if who.initiative_id in ids else 0
initiative_id = st.selectbox(
    t("ui.profile.choose", lang),
    options=ids,
    index=default,
    format_func=lambda i: names.get(i, i),
    key="profile_initiative",
)
filters = state.period_filter(who, lang, key="profile_periods", initiative_ids=(initiative_id,))
view = state.profile_view(who, initiative_id, filters)
info = view.initiative

st.header(str(info.get("name") or names.get(initiative_id, initiative_id)))
st.caption(texts.profile_facts(info, lang))
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("ui.profile.mission", lang))
    st.markdown(f"> {info.get('mission') or '–'}")
    if info.get("intentions"):
        st.subheader(t("ui.profile.intentions", lang))
        st.markdown(f"> {info['intentions']}")
with right:
    st.subheader(t("ui.profile.phases", lang))
    st.markdown(texts.phase_roles_text(info, lang))

st.subheader(t("ui.profile.indicators_title", lang))
st.caption(t("ui.profile.indicators_caption", lang))
for dimension, title in texts.dimensions(view.trajectories, lang):
    chart, notes = st.columns([3, 2], gap="medium")
    with chart:
        series = texts.trajectory_series(view.trajectories, dimension, lang)
        st.plotly_chart(
            figures.indicator_small_multiples(series, lang, title), key=f"dim_{dimension}"
        )
    with notes:
        st.markdown(f"**{t('ui.profile.notes_title', lang)}**")
        with st.container(height=380):
            st.markdown(texts.period_notes_markdown(view.trajectories, dimension, lang))

if len(view.own_indicators):
    st.subheader(t("ui.profile.own_title", lang))
    st.markdown(texts.own_indicators_markdown(view.own_indicators, lang))

st.subheader(t("ui.profile.network_title", lang))
left, right = st.columns([3, 2], gap="large")
with left:
    st.plotly_chart(
        figures.network(view.nodes, view.edges, lang, title=t("ui.profile.network_title", lang)),
        key="ego_network",
    )
with right:
    st.plotly_chart(figures.partner_kinds(view.partner_kinds, lang), key="partner_kinds")

st.subheader(t("ui.profile.reflections_title", lang))
st.caption(t("ui.profile.reflections_caption", lang))
st.plotly_chart(figures.self_views(view.reflections, lang), key="self_views")
st.markdown(texts.reflections_markdown(view.reflections, lang))
