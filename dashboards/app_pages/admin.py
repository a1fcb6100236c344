"""Administration (admins only): accounts, initiatives, portfolios, submissions and the
audit log.

Thin: every read and write is a library call that checks ``access.require_manage`` itself
(``evaluation.accounts`` and the ``Store``); the page is only in the navigation for admins,
and refuses (with an audit line) anyone else who reaches it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import arrangements, narrative, portfolios, signin, state
from evaluation import access, accounts
from evaluation.errors import AccessDenied, UserError
from evaluation.i18n import t

lang, who = state.context()
st.title(t("accounts.admin.title", lang))
try:
    access.require_manage(who)
except AccessDenied as exc:
    signin.refuse(who, exc, lang, "admin")
st.caption(t("accounts.admin.intro", lang))
store = state.store()
names = state.initiative_names(who)


def _role(code: object) -> str:
    """A role in words (``initiative`` without a name: the table names it beside)."""
    if code is None or code != code:
        return ""
    if code in accounts.ACCOUNT_ROLES:
        return t(f"accounts.ui.role_{code}", lang, initiative="").strip()
    return t("accounts.admin.role_public", lang) if code == "public" else str(code)


def _headed(frame):
    """Codes in words for a person: roles, initiatives by name, times to the minute in Dutch
    time, nothing shown for "none"; then the column names in the chosen language."""
    frame = frame.copy()
    if "role" in frame:
        frame["role"] = frame["role"].map(_role)
    for col in ("uploaded_role",):
        if col in frame:
            frame[col] = frame[col].map(_role)
    if "initiative_id" in frame:
        frame["initiative_id"] = frame["initiative_id"].map(
            lambda i: "" if i is None or i != i else names.get(i, i)
        )
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            stamps = frame[col]
            if stamps.dt.tz is not None:
                stamps = stamps.dt.tz_convert("Europe/Amsterdam")
            frame[col] = stamps.dt.strftime("%d-%m-%Y %H:%M")
    frame = frame.astype(object).where(frame.notna(), "")
    return frame.rename(columns=lambda c: t(f"accounts.admin.columns.{c}", lang))


tabs = st.tabs(
    [
        t("accounts.admin.tab_accounts", lang),
        t("accounts.admin.tab_initiatives", lang),
        t("portfolios.ui.heading", lang),
        t("accounts.admin.tab_submissions", lang),
        t("accounts.admin.tab_audit", lang),
        t("narrative.editor_tab", lang),
    ]
)
tab_accounts, tab_initiatives, tab_portfolios, tab_submissions, tab_audit, tab_narrative = tabs

with tab_accounts:
    with st.form("admin_add_account", clear_on_submit=True):
        st.subheader(t("accounts.admin.add_account", lang))
        email = st.text_input(t("accounts.ui.email", lang), key="admin_email")
        role = st.selectbox(
            t("accounts.admin.role", lang),
            options=list(accounts.ACCOUNT_ROLES),
            format_func=_role,
            key="admin_role",
            placeholder=t("ui.widgets.choose_option", lang),
        )
        initiative = st.selectbox(
            t("accounts.admin.initiative", lang),
            options=["", *names],
            format_func=lambda i: names.get(i, i) if i else "–",
            key="admin_initiative",
            placeholder=t("ui.widgets.choose_option", lang),
        )
        name = st.text_input(t("accounts.admin.name", lang), key="admin_name")
        password = st.text_input(
            t("accounts.admin.password", lang), type="password", key="admin_password"
        )
        if st.form_submit_button(t("accounts.admin.add_button", lang)):
            try:
                info = accounts.add_user(
                    store, who, email, role, initiative or None, password or None, name
                )
            except UserError as exc:
                st.error(exc.render(lang))
            else:
                st.success(t("accounts.admin.added", lang, email=info.email))

    users = accounts.list_users(store, who)
    if users.empty:
        st.caption(t("accounts.admin.no_accounts", lang))
    else:
        st.dataframe(_headed(users), hide_index=True, width="stretch")
        active = list(users.loc[~users["disabled"], "email"])
        if active:
            st.subheader(t("accounts.admin.disable_title", lang))
            chosen = st.selectbox(
                t("accounts.admin.disable_choose", lang),
                options=active,
                key="admin_disable",
                placeholder=t("ui.widgets.choose_option", lang),
            )
            if st.button(t("accounts.admin.disable_button", lang), key="admin_disable_button"):
                try:
                    accounts.disable_user(store, who, chosen)
                except UserError as exc:
                    st.error(exc.render(lang))
                else:
                    st.success(t("accounts.admin.disabled", lang, email=chosen))
                    st.rerun()

with tab_initiatives:
    st.dataframe(_headed(state.initiatives(who)), hide_index=True, width="stretch")
    with st.form("admin_add_initiative", clear_on_submit=True):
        st.subheader(t("accounts.admin.add_initiative", lang))
        new_id = st.text_input(t("accounts.admin.initiative_id", lang), key="admin_new_id")
        new_name = st.text_input(t("accounts.admin.initiative_name", lang), key="admin_new_name")
        if st.form_submit_button(t("accounts.admin.add_initiative_button", lang)):
            try:
                store.add_initiative(who, new_id.strip(), new_name)
            except UserError as exc:
                st.error(exc.render(lang))
            else:
                state.clear_caches()
                st.success(t("accounts.admin.initiative_added", lang, initiative=new_id))
    arrangements.render(store, who, names, lang)

with tab_portfolios:  # which initiatives a fund or scheme follows, and who reads them
    portfolios.render(store, who, names, lang)

with tab_submissions:
    st.dataframe(_headed(store.submissions(who)), hide_index=True, width="stretch")

with tab_audit:
    st.dataframe(_headed(store.audit(who).iloc[::-1]), hide_index=True, width="stretch")

with tab_narrative:  # the network's shared narrative, versioned (issue 14)
    narrative.render_editor(store, who, state.periods(state.viewer(who)), lang)
