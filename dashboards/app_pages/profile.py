"""Initiative profile: its own words, its phases, its indicators on its own scales with the
notes and stories of each period beside them, its place in the network, its reflections."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboards import narrative, state, texts
from evaluation.i18n import t

lang, who = state.read_context()
st.title(t("ui.profile.title", lang))
st.caption(t("ui.profile.intro", lang))

names = state.initiative_names(who)
if not names:
    st.info(t("ui.profile.no_initiatives", lang))
    st.stop()
ids = list(names)
# a click on the story page's network opens here with ?initiative=<id>
wanted = st.query_params.get("initiative")
default = ids.index(wanted) if wanted in ids else 0
if wanted not in ids and who.initiative_id in ids:
    default = ids.index(who.initiative_id)
if wanted and wanted not in ids and who.scope is not None:  # outside the viewer's portfolios
    st.warning(t("portfolios.link_out_of_scope", lang))
initiative_id = st.selectbox(
    t("ui.profile.choose", lang),
    options=ids,
    index=default,
    format_func=lambda i: names.get(i, i),
    key="profile_initiative",
    placeholder=t("ui.widgets.choose_option", lang),
)
filters = state.period_filter(who, lang, key="profile_periods", initiative_ids=(initiative_id,))
page = state.profile_page(who, initiative_id, filters, lang)

st.header(texts.plain(page.name))
st.caption(page.facts)
st.download_button(
    t("brief.ui.initiative_button", lang),
    # built only when clicked: a visit does not pay for laying out the PDF
    data=partial(state.initiative_brief_pdf, who, initiative_id, filters, lang),
    file_name=state.brief_file_name(lang, initiative_id),
    mime="application/pdf",
    key="download_brief",
    help=t("brief.ui.initiative_help", lang),
    on_click="ignore",  # no rerun: a rerun re-registers the deferred file mid-download
)
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("ui.profile.mission", lang))
    st.markdown(page.mission or "–")
    if page.intentions:
        st.subheader(t("ui.profile.intentions", lang))
        st.markdown(page.intentions)
with right:
    st.subheader(t("ui.profile.phases", lang))
    st.markdown(page.phases)

st.subheader(t("ui.profile.indicators_title", lang))
st.caption(t("ui.profile.indicators_caption", lang))
for panel in page.dimensions:
    chart, notes = st.columns([3, 2], gap="medium")
    with chart:
        st.plotly_chart(panel.figure, key=f"dim_{panel.dimension}")
    with notes:
        st.markdown(f"**{t('ui.profile.notes_title', lang)}**")
        with st.container(height=380):
            st.markdown(panel.notes)

if page.own_indicators:
    st.subheader(t("ui.profile.own_title", lang))
    st.markdown(page.own_indicators)

st.subheader(t("ui.profile.network_title", lang))
left, right = st.columns([3, 2], gap="large")
with left:
    st.plotly_chart(page.network, key="ego_network")
with right:
    st.plotly_chart(page.partner_kinds, key="partner_kinds")

st.subheader(t("ui.profile.reflections_title", lang))
st.caption(t("ui.profile.reflections_caption", lang))
st.plotly_chart(page.self_views, key="self_views")
st.markdown(page.reflections)

# what funders say about their own demands, beside the initiatives' gathered answers (issue 14)
narrative.profile_section(state.principal(), initiative_id, filters.period_to, lang)
