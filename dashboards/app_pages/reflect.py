"""A funder's reflection on its own demands (issue 14, point 7; the report's Kader 2).

Only in the navigation for funders; anyone else who reaches it is refused (with an audit
line). Thin: the form and the lists are ``dashboards.narrative``; the initiatives' gathered,
unnamed answers for the chosen period come from the page's ``Disclosed``.
"""

from __future__ import annotations

import streamlit as st

from dashboards import arrangements, narrative, signin, state
from evaluation.errors import AccessDenied
from evaluation.i18n import t

lang, who = state.context()
st.title(t("narrative.reflect_title", lang))
if who.role != "funder":
    signin.refuse(who, AccessDenied("narrative.funder_only", who=who.label), lang, "reflect")
st.caption(t("narrative.reflect_intro", lang))
period = narrative.period_choice(state.periods(state.viewer(who)), lang, "reflection_period")
if period is None:
    st.stop()
view = state.disclosed_for(state.viewer(who), state.Filters(period_from=period, period_to=period))
narrative.render_funder_reflection(state.store(), who, period, view.gathered, view.n_gathered, lang)
st.divider()
arrangements.render(state.store(), who, state.initiative_names(who), lang)
