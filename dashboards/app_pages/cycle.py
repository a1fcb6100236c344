"""The reporting calendar (issue 17, point 2): for a chosen quarter, each initiative's
expected report and whether it came in, was corrected or has not come in yet; below, every
expected report. For funders, evaluators and administrators; thin: ``evaluation.cycle``."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards import signin, state
from evaluation import cycle, portfolios
from evaluation.errors import AccessDenied
from evaluation.formatting import format_period
from evaluation.i18n import t

lang, who = state.context()
st.title(t("cycle.title", lang))
if who.role not in cycle.READERS:
    signin.refuse(who, AccessDenied("cycle.not_allowed", who=who.label), lang, "cycle")
st.caption(t("cycle.intro", lang))
store = state.store()
names = state.initiative_names(who)
# the calendar per portfolio: the viewer's own (an administrator's: every one), or all
held = [
    p
    for p in portfolios.listing(store, who)
    if who.can_manage() or p.code in (who.portfolios or ())
]
if held:
    options = [None, *[p.code for p in held]]
    labels = {p.code: p.name for p in held}
    chosen_code = st.selectbox(
        t("portfolios.ui.choose", lang),
        options=options,
        format_func=lambda c: labels[c] if c else t("portfolios.ui.all", lang),
        key=f"cycle_portfolio_{lang}",
    )
    if chosen_code:
        inside = set(next(p for p in held if p.code == chosen_code).initiative_ids)
        names = {i: n for i, n in names.items() if i in inside}
today = dt.date.today()
ids = tuple(sorted(names))
expected, _ = state.reporting_cycle(who, ids, today)
if not expected:
    st.info(t("cycle.nothing_expected", lang))
    st.stop()
quarter = st.selectbox(
    t("cycle.quarter", lang),
    options=list(reversed(cycle.quarters(expected))),
    format_func=lambda p: format_period(p, lang),
    key=f"cycle_quarter_{lang}",
    placeholder=t("ui.widgets.choose_option", lang),
)
came_in, of, chosen, every = state.cycle_tables(who, ids, today, quarter, lang)
st.markdown(t("cycle.reported_line", lang, n=came_in, of=of, period=format_period(quarter, lang)))
st.dataframe(chosen, hide_index=True, width="stretch")
with st.expander(t("cycle.all_expected", lang)):
    st.dataframe(every, hide_index=True, width="stretch")
