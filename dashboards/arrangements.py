"""The reporting arrangements on screen (issue 15): a table of each initiative's rhythm and
kind of report, and a form to change one. Used on the funders' Reflect page and on the
admin page; every write is ``evaluation.arrangements.set_arrangement`` (which checks the
role and audits)."""

from __future__ import annotations

import streamlit as st

from evaluation import arrangements
from evaluation.access import Principal
from evaluation.errors import UserError
from evaluation.i18n import t


def render(store, who: Principal, names: dict[str, str], lang: str) -> None:
    st.subheader(t("arrangements.ui.heading", lang))
    st.caption(t("arrangements.ui.intro", lang))
    if not names:
        st.caption(t("arrangements.ui.no_initiatives", lang))
        return
    ordered = sorted(names, key=lambda i: str(names[i]).casefold())
    with st.form(f"arrangement_{who.role}", clear_on_submit=False):
        initiative = st.selectbox(
            t("arrangements.columns.initiative", lang),
            options=ordered,
            format_func=lambda i: names.get(i, i),
            key=f"arrangement_initiative_{lang}",
            placeholder=t("ui.widgets.choose_option", lang),
        )
        rhythm = st.radio(
            t("arrangements.columns.rhythm", lang),
            options=list(arrangements.RHYTHMS),
            format_func=lambda r: t(f"arrangements.rhythm.{r}", lang),
            horizontal=True,
            key=f"arrangement_rhythm_{lang}",
        )
        light = st.checkbox(t("arrangements.ui.light_label", lang), key=f"arrangement_light_{lang}")
        st.caption(t("arrangements.ui.light_help", lang))
        if st.form_submit_button(t("arrangements.ui.save", lang)):
            try:
                done = arrangements.set_arrangement(store, who, initiative, rhythm, light)
            except UserError as exc:
                st.error(exc.render(lang))
            else:
                kind = t(f"arrangements.{'light' if done.light_allowed else 'full'}", lang)
                rhythm_words = t(f"arrangements.rhythm.{done.rhythm}", lang)
                st.success(
                    t(
                        "arrangements.set_done",
                        lang,
                        initiative=names.get(initiative, initiative),
                        rhythm=rhythm_words,
                        kind=kind,
                    )
                )
    # after the form, so that a save just made shows at once
    table = arrangements.arrangement_table(store, names, lang)
    headed = table.rename(columns=lambda c: t(f"arrangements.columns.{c}", lang))
    st.dataframe(headed, hide_index=True, width="stretch")
