"""Export (evaluators): choose initiatives and periods, download tidy data and the dictionary."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboards import state
from evaluation.access import may_have_audience
from evaluation.i18n import t
from evaluation.report import AUDIENCES

lang, who = state.read_context()
st.title(t("ui.export.title", lang))
st.write(t("ui.export.intro", lang))

if not who.can_export():
    st.info(t("ui.export.only_evaluators", lang))
    st.stop()

names = state.initiative_names(who)
chosen = st.multiselect(
    t("ui.export.choose_initiatives", lang),
    options=list(names),
    format_func=lambda i: names.get(i, i),
    key="export_initiatives",
    placeholder=t("ui.widgets.choose_options", lang),
)
filters = state.period_filter(
    who,
    lang,
    key="export_periods",
    initiative_ids=tuple(chosen) or None,
    latest=state.LATEST_PERIODS,
)

st.subheader(t("ui.export.tidy_title", lang))
counts = state.row_counts(who, filters)
st.caption(
    " · ".join(
        t("ui.export.rows", lang, table=t(f"ui.tables.{k}", lang), n=n) for k, n in counts.items()
    )
)
withheld, cells = state.withheld_cells(who, filters)
st.caption(t("ui.export.withheld", lang, withheld=withheld, cells=cells))
st.download_button(
    t("ui.export.tidy_button", lang),
    # built only when clicked: a page visit does not pay for protecting and zipping every row
    data=partial(state.tidy_zip, who, filters, lang),
    file_name="evaluation-data.zip" if lang == "en" else "evaluatie-gegevens.zip",
    mime="application/zip",
    key="download_tidy",
    on_click="ignore",  # no rerun: a rerun re-registers the deferred file mid-download
)
st.download_button(
    t("export.excel_nl_button", lang),
    data=partial(state.tidy_zip, who, filters, lang, "excel-nl"),
    file_name="evaluation-data-excel-nl.zip" if lang == "en" else "evaluatie-gegevens-excel.zip",
    mime="application/zip",
    key="download_tidy_excel_nl",
    help=t("export.excel_nl_help", lang),
    on_click="ignore",
)

# --- Excel report (issue 7) ----------------------------------------------------------------
st.subheader(t("ui.export.report_title", lang))
audience = st.radio(
    t("report.audience.label", lang),
    options=[a for a in AUDIENCES if may_have_audience(who, a)],
    format_func=lambda a: t(f"report.audience.{a}", lang),
    horizontal=True,
    key="export_audience",
)
# a large report takes a while: prepared here with a progress bar, it is then served at once;
# the download button alone still builds it when clicked (without progress)
wanted = (who, filters, lang, audience)
if st.button(
    t("ui.export.report_prepare", lang),
    key="prepare_report",
    help=t("ui.export.report_prepare_help", lang),
):
    bar = st.progress(0.0, text=t("ui.export.report_progress", lang, done=0, total="…"))

    def _step(done: int, total: int) -> None:
        text = t("ui.export.report_progress", lang, done=done, total=total)
        bar.progress(min(done / max(total, 1), 1.0), text=text)

    st.session_state["report_prepared"] = (
        wanted,
        state.report_xlsx_with_progress(who, filters, lang, audience, _step),
    )
prepared = st.session_state.get("report_prepared")
ready = prepared is not None and prepared[0] == wanted
if ready:
    st.caption(t("ui.export.report_ready", lang))
st.download_button(
    t("ui.export.report_button", lang),
    # built only when clicked, like the tidy data (or prepared above)
    data=prepared[1] if ready else partial(state.report_xlsx, who, filters, lang, audience),
    file_name=("evaluation-report" if lang == "en" else "evaluatierapport") + f"-{audience}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_report",
    on_click="ignore",
)
