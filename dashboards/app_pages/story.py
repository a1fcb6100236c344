"""The collective story (funders' home): per phase a short text beside its chart and voices
from the stories, then the puzzle, the continuity between phases, the network and its change
over time, and the output totals last, as context. Nothing ranked, nothing judged."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboards import narrative, state, story_views
from evaluation.formatting import format_period
from evaluation.i18n import t

lang, who = state.read_context()
st.title(t("ui.story.title", lang))
st.write(t("ui.story.intro", lang))
if who.portfolios:  # a funder's or evaluator's own portfolios (evaluation.portfolios)
    held = " · ".join(sorted(state.portfolio_names().get(c, c) for c in who.portfolios))
    st.markdown(t("portfolios.reading", lang, names=held, n=len(who.scope or ())))
with st.expander(t("ui.story.guide_title", lang)):
    st.markdown(t("ui.story.guide", lang))

filters = state.period_filter(who, lang, key="story_periods", stable=True)
page = state.story_page(who, filters, lang)
words = state.story_texts(who, filters, lang)
st.download_button(
    t("brief.ui.portfolio_button", lang),
    # built only when clicked, for the chosen periods and what the viewer may see
    data=partial(state.portfolio_brief_pdf, who, filters, lang),
    file_name=state.brief_file_name(lang),
    mime="application/pdf",
    key="download_story_brief",
    help=t("brief.ui.portfolio_help", lang),
    on_click="ignore",
)

# the network's own words for the period open the story (issue 14, point 8)
narrative.render_published_narrative(state.store(), filters.period_to, lang)


def takeaway(text: str) -> None:
    """A chart's takeaway sentence and the count of initiatives that reported."""
    st.markdown(f"**{text}**")
    st.caption(words.reported)


# 1. the story per phase: text, its chart, its voices
st.header(t("ui.story.phases_title", lang))
st.caption(t("ui.story.phases_intro", lang))
for panel in words.phases:
    st.subheader(panel.story.label)
    text, chart, voices = st.columns([5, 4, 4], gap="medium")
    with text:
        st.markdown(panel.story.text)
    with chart:
        st.plotly_chart(panel.figure, key=f"phase_{panel.story.phase}")
        takeaway(panel.takeaway)
    with voices:
        st.markdown(f"**{t('ui.story.voices_title', lang)}**")
        for q in panel.story.quotes:
            line = t("story.quote.from", lang, voice=q.voice, initiative=q.initiative, date=q.date)
            st.markdown(f"> {q.text}\n>\n> — *{line}*")

# 2. the puzzle and the bridges to the formal field
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("ui.story.puzzle_title", lang))
    st.plotly_chart(page.puzzle, key="puzzle")
    takeaway(words.puzzle_takeaway)
with right:
    st.subheader(t("ui.story.formal_title", lang))
    st.plotly_chart(page.formal, key="formal")
    takeaway(words.formal_takeaway)

# 3. continuity: flows between phases with their numbers; within a phase apart
st.subheader(t("ui.story.continuity_title", lang))
st.plotly_chart(words.flow_map, key="flows")
takeaway(words.flows_takeaway)

# 4. the network, and how it changed between two periods
st.subheader(t("ui.story.network_title", lang))
st.plotly_chart(page.network, key="network")
takeaway(words.network_takeaway)

st.subheader(t("ui.story.change_title", lang))
st.caption(t("ui.story.change_intro", lang))
periods = state.periods(who)
if len(periods) >= 2:
    first, second = story_views.default_pair(periods, filters.period_to or periods[-1])
    col_a, col_b = st.columns(2)
    period_a = col_a.selectbox(
        t("ui.story.change_from", lang),
        periods,
        index=periods.index(first),
        format_func=lambda p: format_period(p, lang),
        key=f"change_a_{lang}",
    )
    period_b = col_b.selectbox(
        t("ui.story.change_to", lang),
        periods,
        index=periods.index(second),
        format_func=lambda p: format_period(p, lang),
        key=f"change_b_{lang}",
    )
    change = state.change_page(who, period_a, period_b, lang)
    event = st.plotly_chart(
        change.figure, key="change_network", on_select="rerun", selection_mode="points"
    )
    st.markdown(f"**{change.takeaway}**")
    st.markdown(change.bridging)
    st.caption(change.reported)
    if change.new_formal:
        st.markdown(f"**{t('ui.story.change_new_formal', lang)}**")
        st.markdown("\n".join(f"- {line}" for line in change.new_formal))
    names = state.initiative_names(who)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        node = point.get("customdata")
        node = node[0] if isinstance(node, list) and node else node
        if node in names:
            st.switch_page("app_pages/profile.py", query_params={"initiative": node})

# 5. the output totals, after the story, as context
st.subheader(t("ui.story.context_title", lang))
st.plotly_chart(page.totals, key="totals")
takeaway(words.totals_takeaway)
st.caption(t("ui.common.suppressed_note", lang))

# what initiatives say about funders' demands: only gathered, without names (Kader 2)
view = state.story_view(who, filters)
st.subheader(t("ui.story.gathered_title", lang))
st.caption(t("ui.story.gathered_note", lang, n=view.n_gathered))
for answer in view.gathered:
    st.text(answer)
