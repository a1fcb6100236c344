"""The dashboard's one entry script: ``streamlit run dashboards/app.py``.

It sets up the page, the sidebar (language, the demo role chooser and its banner) and
declares every page with ``st.Page`` / ``st.navigation``. The pages read the choices through
``dashboards.state.context()``; the library enforces access for the principal chosen here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboards/app.py` puts dashboards/ on the path; the pages import
# `dashboards.*`, so the repository root must be importable too (also without `pip install`).
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboards import first_start, signin, state, streamlit_words, texts  # noqa: E402
from evaluation import cycle  # noqa: E402
from evaluation.errors import UserError  # noqa: E402
from evaluation.i18n import t  # noqa: E402

# every page's address (declared below); signed out, each of them shows the sign-in
URL_PATHS = (
    "story", "profile", "voices", "submit", "export", "about", "admin", "reflect", "cycle"
)  # fmt: skip

lang = state.lang()
st.set_page_config(
    page_title=t("ui.app.title", lang), page_icon=":material/extension:", layout="wide"
)

# Streamlit's and Plotly's own English on every page in the reader's language, from the
# first wait on (its "Stop") to the upload box (issue 19)
st.html(streamlit_words.page_script(lang), unsafe_allow_javascript=True)

# a fresh database gets the sample first, with its progress shown (issue 19)
first_start.wait_for_sample(lang)

with st.sidebar:
    # The widgets write to their own keys and copy the choice to the remembered key: a
    # widget whose label changes with the language is a new widget to Streamlit, and would
    # otherwise fall back to its default (Dutch, funder) on the very switch it was asked for.
    st.radio(
        t("ui.app.language", lang),
        options=list(state.LANGS),
        index=state.LANGS.index(lang),
        format_func=lambda code: t(f"ui.app.lang_{code}", "nl"),
        key=state.LANG_WIDGET,
        on_change=state.remember,
        args=(state.LANG_WIDGET, state.LANG_KEY),
        horizontal=True,
    )
    try:
        names = state.initiative_names(state.principal_from_choice("funder"))
    except UserError as exc:
        st.error(t("ui.app.store_unavailable", lang, reason=exc.render(lang)))
        st.stop()
    # issue 8: a signed-in account, nobody yet (the sign-in below), or the demo chooser
    session = signin.current(lang)
    if session.principal is not None:
        signin.account_box(session.principal, lang, names)
    if session.demo:
        choices = ["funder", "evaluator"]
        choices += [f"portfolio:{code}" for code in state.portfolio_names()]
        choices += [f"initiative:{i}" for i in names]
        if st.session_state.get(state.ROLE_KEY) not in choices:
            st.session_state[state.ROLE_KEY] = "funder"
        # set through the session state each run: the browser keeps a keyed selectbox's
        # shown label ("Financier") across reruns unless the value is sent anew, so after a
        # switch to English it would go on showing the Dutch label (issue 19)
        st.session_state[state.ROLE_WIDGET] = st.session_state[state.ROLE_KEY]
        st.selectbox(
            t("ui.app.role", lang),
            options=choices,
            format_func=lambda c: state.principal_label(
                state.principal_from_choice(c), lang, names
            ),
            key=state.ROLE_WIDGET,
            on_change=state.remember,
            args=(state.ROLE_WIDGET, state.ROLE_KEY),
            help=t("ui.app.role_help", lang),
            placeholder=t("ui.widgets.choose_option", lang),
        )

if not session.demo and session.principal is None:
    # the sign-in is the only page until then (at every page's address); ends the run
    signin.show_sign_in(lang, URL_PATHS)

who = state.principal()
if session.demo:
    st.info(
        t("ui.app.demo_banner", lang, who=texts.plain(state.principal_label(who, lang, names))),
        icon=":material/science:",
    )
    signin.demo_notice(session, lang)
if who.scope is not None and not who.scope and who.role in ("funder", "evaluator"):
    st.info(t("portfolios.none_for_account", lang), icon=":material/folder_off:")

# Not named `pages/`: beside the entry script that name switches Streamlit to its old
# folder-of-pages mode until some run reaches st.navigation, so the first visitor of a fresh
# server who opened a deep link (/profile) got the page run on its own: no sign-in, no
# guard, no sidebar. Every page is declared here and runs after this script.
PAGES = Path(__file__).parent / "app_pages"
pages = {
    t("ui.nav.section_story", lang): [
        # at the root only: its own address is the hidden page below
        st.Page(PAGES / "story.py", title=t("ui.nav.story", lang), url_path="", default=True),
        st.Page(PAGES / "profile.py", title=t("ui.nav.profile", lang), url_path="profile"),
        st.Page(PAGES / "voices.py", title=t("ui.nav.voices", lang), url_path="voices"),
    ],
    t("ui.nav.section_work", lang): [
        st.Page(PAGES / "submit.py", title=t("ui.nav.submit", lang), url_path="submit"),
        st.Page(PAGES / "export.py", title=t("ui.nav.export", lang), url_path="export"),
        st.Page(PAGES / "about.py", title=t("ui.nav.about", lang), url_path="about"),
    ],
}
if who.can_manage():  # issue 8: the admin page is only in the navigation for admins
    pages[t("ui.nav.section_work", lang)].append(
        st.Page(PAGES / "admin.py", title=t("accounts.admin.nav", lang), url_path="admin")
    )
if who.role == "funder":  # issue 14: a funder's reflection on its own demands (Kader 2)
    pages[t("ui.nav.section_work", lang)].append(
        st.Page(PAGES / "reflect.py", title=t("narrative.reflect_nav", lang), url_path="reflect")
    )
if who.role in cycle.READERS:  # issue 17: which reports came in, per period
    pages[t("ui.nav.section_work", lang)].append(
        st.Page(PAGES / "cycle.py", title=t("cycle.nav", lang), url_path="cycle")
    )
# issue 19: every address answers, so no deep link gets Streamlit's English "Page not found"
# box. The story is the default page, served at the root; its own address (/story, also the
# one a deep link through the sign-in keeps) opens it there. An address of a page this role
# does not have says so in the user's language.
story_page = pages[t("ui.nav.section_story", lang)][0]
declared = {p.url_path for section in pages.values() for p in section} | {"story"}
hidden = [
    st.Page(
        lambda: st.switch_page(story_page, query_params=st.query_params.to_dict()),
        title=t("ui.nav.story", lang),
        url_path="story",
        visibility="hidden",
    )
]
hidden += [
    st.Page(
        lambda: signin.not_for_this_role(lang),
        title=t("ui.app.page_unavailable_title", lang),
        url_path=path,
        visibility="hidden",
    )
    for path in URL_PATHS
    if path not in declared
]
pages[t("ui.nav.section_work", lang)] += hidden
page = st.navigation(pages)
signin.guard_initiative_pages(who, lang, page.url_path or "story")
page.run()
