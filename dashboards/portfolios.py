"""Portfolios on the admin page (issue 17): the table of portfolios, a form to create one,
and a form to set which initiatives and accounts one holds. Every write is a call of
``evaluation.portfolios`` (which checks the role and audits)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import state
from evaluation import accounts, portfolios
from evaluation.access import Principal
from evaluation.errors import UserError
from evaluation.i18n import t


def _table(held: list[portfolios.Portfolio], lang: str) -> pd.DataFrame:
    rows = [
        {
            "name": p.name,
            "code": p.code,
            "initiatives": len(p.initiative_ids),
            "members": len(p.members),
        }
        for p in held
    ]
    frame = pd.DataFrame(rows, columns=["name", "code", "initiatives", "members"])
    return frame.rename(columns=lambda c: t(f"portfolios.columns.{c}", lang))


def render(store, who: Principal, names: dict[str, str], lang: str) -> None:
    st.subheader(t("portfolios.ui.heading", lang))
    st.caption(t("portfolios.ui.intro", lang))
    with st.form("portfolio_create", clear_on_submit=True):
        st.markdown(f"**{t('portfolios.ui.create', lang)}**")
        code = st.text_input(t("portfolios.ui.code", lang), key="portfolio_new_code")
        name = st.text_input(t("portfolios.ui.name", lang), key="portfolio_new_name")
        if st.form_submit_button(t("portfolios.ui.create_button", lang)):
            try:
                portfolios.create(store, who, code, name)
            except UserError as exc:
                st.error(exc.render(lang))
            else:
                state.clear_caches()
                st.success(t("portfolios.ui.created", lang, code=code.strip()))
    held = portfolios.listing(store, who)
    if not held:
        st.caption(t("portfolios.cli.none", lang))
        return
    st.dataframe(_table(held, lang), hide_index=True, width="stretch")
    labels = {p.code: p.name for p in held}
    chosen = st.selectbox(
        t("portfolios.ui.choose", lang),
        options=list(labels),
        format_func=lambda c: labels[c],
        key=f"portfolio_choice_{lang}",
    )
    current = next(p for p in held if p.code == chosen)
    users = accounts.list_users(store, who)
    members = sorted(users.loc[users["role"].isin(portfolios.MEMBER_ROLES), "email"])
    with st.form(f"portfolio_edit_{chosen}"):
        ordered = sorted(names, key=lambda i: str(names[i]).casefold())
        picked = st.multiselect(
            t("portfolios.ui.initiatives", lang),
            options=ordered,
            default=[i for i in current.initiative_ids if i in names],
            format_func=lambda i: names.get(i, i),
            key=f"portfolio_initiatives_{chosen}_{lang}",
            placeholder=t("ui.widgets.choose_options", lang),
        )
        readers = st.multiselect(
            t("portfolios.ui.members", lang),
            options=members,
            default=[m for m in current.members if m in members],
            key=f"portfolio_members_{chosen}_{lang}",
            placeholder=t("ui.widgets.choose_options", lang),
        )
        if st.form_submit_button(t("portfolios.ui.save", lang)):
            try:
                portfolios.update(store, who, chosen, picked, readers)
            except UserError as exc:
                st.error(exc.render(lang))
            else:
                state.clear_caches()
                st.success(t("portfolios.ui.saved", lang, code=chosen))
