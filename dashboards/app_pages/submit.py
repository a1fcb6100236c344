"""Submit (initiatives): template, upload, located problems, preview, confirm, history.

Thin: reading and checking is ``evaluation.ingest``, storing is ``evaluation.submit``
(which checks access and stores nothing partial, and refuses a period overlapping a stored
one unless told to replace it). This page only shows their results and asks for that.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboards import state, texts, uploads
from evaluation.formatting import format_period
from evaluation.i18n import t

lang, who = state.read_context()
st.title(t("ui.submit.title", lang))
st.write(t("ui.submit.intro", lang))

if who.role != "initiative":
    st.info(t("ui.submit.only_initiatives", lang))
    st.stop()

names = state.initiative_names(who)
name = names.get(who.initiative_id, who.initiative_id)

st.subheader(t("ui.submit.step_template", lang))
st.caption(t("ui.submit.template_prefilled", lang))
st.caption(state.arrangement_line(who, lang))  # what was agreed with the funder
st.download_button(
    t("ui.submit.template_button", lang, name=texts.plain(name)),
    # built when clicked, from the cached template (the page itself stays quick)
    data=partial(state.template_bytes, who, lang),
    file_name=uploads.template_file_name(who.initiative_id, lang),
    mime=uploads.XLSX_MIME,
    key="download_template",
    on_click="ignore",  # no rerun: a rerun re-registers the deferred file mid-download
)

st.subheader(t("ui.submit.step_upload", lang))
st.markdown(uploads.limit_line(lang))
# Streamlit's own line in the box ("50MB per file • XLSX, ...", English, and only a repeat
# of the limit) is hidden: the line above says the real limit and types in the user's
# language, and the box keeps its label (the drop zone's accessible name) and its button
st.html("<style>[data-testid='stFileUploaderDropzoneInstructions']{display:none}</style>")
# no type= : Streamlit's refusal of another type is English only; ours is below
uploaded = st.file_uploader(t("ui.submit.uploader", lang), key="upload")
wrong_type = uploaded is not None and uploads.refusal(uploaded.name, lang)
if wrong_type:
    st.error(wrong_type)
    uploaded = None
if uploaded is not None:
    data = uploaded.getvalue()
    check = state.check_upload(data, uploaded.name, lang)
    if check.unreadable:
        st.error(t("ui.submit.unreadable", lang))
    if len(check.errors):
        st.error(t("ui.submit.problems_title", lang, n=len(check.errors)))
        st.caption(t("ui.submit.problems_intro", lang))
        st.table(check.errors, hide_index=True)
    if len(check.warnings):
        st.warning(t("ui.submit.warnings_title", lang, n=len(check.warnings)))
        st.table(check.warnings, hide_index=True)
    if check.ok:
        st.subheader(t("ui.submit.step_preview", lang))
        st.success(
            t(
                "ui.submit.preview_ok",
                lang,
                initiative=texts.plain(check.initiative_name),
                period=format_period(check.period, lang),
            )
        )
        tabs = st.tabs([label for label, _ in check.preview])
        for tab, (_, frame) in zip(tabs, check.preview, strict=True):
            tab.dataframe(frame, hide_index=True, width="stretch")
        # a period overlapping a stored one: shown, and stored only when the user confirms
        # that this file replaces it (two reports over the same days would count twice)
        current = uploads.overlaps(state.store(), who, check, lang)
        replace = False
        if current:
            period = format_period(check.period, lang)
            st.warning(t("ui.submit.overlap_warning", lang, period=period, current=current))
            replace = st.checkbox(
                t("ui.submit.overlap_confirm", lang, current=current), key="replace_overlapping"
            )
        if st.button(
            t("ui.submit.confirm", lang),
            type="primary",
            key="confirm",
            disabled=bool(current) and not replace,
        ):
            # the full principal: the audit trail names the account that stored it
            outcome = uploads.store_upload(
                state.store(), data, uploaded.name, state.principal(), replace_overlapping=replace
            )
            for kind, text in uploads.outcome_messages(outcome, lang):
                getattr(st, kind)(text)
            if outcome.status == "accepted":
                state.clear_caches()
            elif len(outcome.problems):
                st.table(uploads.problem_table(outcome.problems, lang), hide_index=True)

st.subheader(t("ui.submit.step_history", lang))
history = uploads.history_table(state.submissions(who, who.initiative_id), lang)
if len(history):
    st.dataframe(history, hide_index=True, width="stretch")
else:
    st.caption(t("ui.submit.history_empty", lang))
