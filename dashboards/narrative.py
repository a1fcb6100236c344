"""The network's own words and the funders' own reflection on the pages (issue 14, 7 and 8).

Small render functions, each called from one page with one line:

- ``render_published_narrative``: the published narrative for the chosen period, at the top
  of the story page;
- ``render_editor``: the administrator's editor (write, save a draft, publish; every version
  and the initiatives' comments listed), a tab of the admin page;
- ``render_profile_section``: on an initiative's profile page, the funders' reflections for
  the period beside the gathered, unnamed answers of the initiatives to the same question;
  and, for the initiative itself, the open draft of the narrative with a comment box;
- ``render_funder_reflection``: the funder's own page (write its reflection beside the
  gathered answers; its earlier reflections).

Thin: every read and write is a call to ``evaluation.narrative``, which decides access
and audits; gathered answers come from the ``Disclosed`` the page already has.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboards import state
from dashboards.texts import plain
from evaluation import narrative as nv
from evaluation.access import Principal
from evaluation.disclosure import GATHER_AT_LEAST
from evaluation.errors import UserError
from evaluation.formatting import format_date, format_period
from evaluation.i18n import t
from evaluation.store import Store


def chosen_period(available: Sequence[str], period_to: str | None) -> str | None:
    """The period a page speaks of: the end of its window, else the latest with data."""
    if period_to:
        return period_to
    return available[-1] if available else None


def _date(v: nv.Version | nv.Comment | nv.Reflection, lang: str) -> str:
    return format_date(v.written_at.date(), lang)


def render_published_narrative(store: Store, period: str | None, lang: str) -> None:
    """The published narrative of ``period`` (None: the latest published), or a line that
    there is none yet. For everyone: published text is public."""
    version = nv.published(store, period)
    st.subheader(t("narrative.title", lang))
    if version is None:
        st.caption(t("narrative.none_published", lang, period=format_period(period, lang)))
        return
    st.markdown(plain(version.text))
    st.caption(
        t(
            "narrative.published_caption",
            lang,
            period=format_period(version.period, lang),
            version=version.version,
            date=_date(version, lang),
        )
    )


def _version_line(v: nv.Version, lang: str) -> str:
    return t(
        "narrative.version_line",
        lang,
        version=v.version,
        status=t(f"narrative.status_{v.status}", lang),
        date=_date(v, lang),
        who=v.written_by,
    )


def render_editor(store: Store, who: Principal, periods: Sequence[str], lang: str) -> None:
    """The administrator's editor for the period's shared narrative."""
    st.caption(t("narrative.editor_intro", lang))
    period = period_choice(periods, lang, "narrative_period")
    if period is None:
        return
    history = nv.versions(store, who, period)
    text = st.text_area(
        t("narrative.text", lang),
        value=history[-1].text if history else "",
        height=260,
        key=f"narrative_text_{period}_{len(history)}",
    )
    draft, publish = st.columns(2)
    wants = None
    if draft.button(t("narrative.save_draft", lang), key="narrative_save_draft"):
        wants = False
    if publish.button(t("narrative.publish", lang), key="narrative_publish", type="primary"):
        wants = True
    if wants is not None:
        try:
            saved = nv.save_narrative(store, who, period, text, publish=wants)
        except UserError as exc:
            st.error(exc.render(lang))
        else:
            key = "narrative.saved_published" if wants else "narrative.saved_draft"
            st.success(t(key, lang, version=saved.version))
            history = nv.versions(store, who, period)
    if history:
        st.markdown(f"**{t('narrative.versions_title', lang)}**")
        for v in reversed(history):
            with st.expander(_version_line(v, lang)):
                st.markdown(plain(v.text))
    st.markdown(f"**{t('narrative.comments_title', lang)}**")
    notes = nv.comments(store, who, period)
    if not notes:
        st.caption(t("narrative.no_comments", lang))
    for c in notes:
        st.markdown(plain(_comment_line(c, lang)))


def _comment_line(c: nv.Comment, lang: str) -> str:
    return t(
        "narrative.comment_line",
        lang,
        initiative=c.initiative_id,
        version=c.version,
        date=_date(c, lang),
        text=c.text,
    )


def _reflection(r: nv.Reflection, lang: str) -> None:
    head = t(
        "narrative.reflection_head",
        lang,
        funder=r.funder_name,
        period=format_period(r.period, lang),
    )
    st.markdown(f"**{plain(head)}**")
    st.markdown(f"*{t('narrative.pulled_label', lang)}*  \n{plain(r.pulled)}")
    st.markdown(f"*{t('narrative.loosened_label', lang)}*  \n{plain(r.loosened)}")


def _gathered(gathered: Sequence[str], n_gathered: int, lang: str) -> None:
    st.markdown(f"**{t('narrative.gathered_title', lang)}**")
    st.caption(t("narrative.gathered_note", lang, n=n_gathered, k=GATHER_AT_LEAST))
    for answer in gathered:
        st.markdown(f"> {plain(answer)}")


def profile_section(who: Principal, initiative_id: str, period_to: str | None, lang: str) -> None:
    """``render_profile_section`` for the profile page's window: the period it ends on, and
    the gathered answers of the whole portfolio for that period (``state.disclosed_for``)."""
    viewer = state.viewer(who)
    period = chosen_period(state.periods(viewer), period_to)
    view = state.disclosed_for(viewer, state.Filters(period_from=period, period_to=period))
    render_profile_section(
        state.store(), who, initiative_id, period, view.gathered, view.n_gathered, lang
    )


def render_profile_section(
    store: Store,
    who: Principal,
    initiative_id: str,
    period: str | None,
    gathered: Sequence[str],
    n_gathered: int,
    lang: str,
) -> None:
    """Funders' reflections beside the gathered answers; for the initiative itself, the
    open draft of the shared narrative with a comment box."""
    if period is None or not nv.may_read_reflections(who) or who.role == "funder":
        return
    st.subheader(t("narrative.funders_title", lang))
    st.caption(t("narrative.funders_caption", lang))
    left, right = st.columns(2, gap="large")
    with left:
        found = nv.reflections(store, who, period)
        if not found:
            st.caption(t("narrative.no_reflections", lang))
        for r in found:
            _reflection(r, lang)
    with right:
        _gathered(gathered, n_gathered, lang)
    if who.is_initiative(initiative_id):
        _render_draft(store, who, period, lang)


def _render_draft(store: Store, who: Principal, period: str, lang: str) -> None:
    draft = nv.latest_draft(store, who, period)
    if draft is None:
        return
    label = format_period(period, lang)
    st.subheader(t("narrative.draft_title", lang, period=label, version=draft.version))
    st.caption(t("narrative.draft_caption", lang))
    st.markdown(plain(draft.text))
    with st.form(f"narrative_comment_{draft.id}", clear_on_submit=True):
        text = st.text_area(t("narrative.comment", lang), key="narrative_comment_text")
        if st.form_submit_button(t("narrative.send_comment", lang)):
            try:
                nv.add_comment(store, who, draft.id, text)
            except UserError as exc:
                st.error(exc.render(lang))
            else:
                st.success(t("narrative.comment_saved", lang))
    own = nv.comments(store, who, period)
    if own:
        st.markdown(f"**{t('narrative.own_comments', lang)}**")
        for c in own:
            st.markdown(plain(_comment_line(c, lang)))


def period_choice(periods: Sequence[str], lang: str, key: str) -> str | None:
    """A choice of one period, the latest first."""
    if not periods:
        st.info(t("narrative.no_period", lang))
        return None
    return st.selectbox(
        t("narrative.period", lang),
        options=list(reversed(periods)),
        format_func=lambda p: format_period(p, lang),
        key=key,
        placeholder=t("ui.widgets.choose_option", lang),
    )


def render_funder_reflection(
    store: Store,
    who: Principal,
    period: str,
    gathered: Sequence[str],
    n_gathered: int,
    lang: str,
) -> None:
    """The funder's own page: write the period's reflection beside the gathered answers."""
    mine = nv.reflections(store, who) if who.role == "funder" else []
    left, right = st.columns([3, 2], gap="large")
    with left, st.form("funder_reflection"):
        name = st.text_input(
            t("narrative.funder_name", lang),
            value=mine[0].funder_name if mine else "",
            key="reflection_funder_name",
        )
        pulled = st.text_area(t("narrative.pulled", lang), key="reflection_pulled")
        loosened = st.text_area(t("narrative.loosened", lang), key="reflection_loosened")
        if st.form_submit_button(t("narrative.save_reflection", lang)):
            try:
                nv.save_reflection(store, who, period, name, pulled, loosened)
            except UserError as exc:
                st.error(exc.render(lang))
            else:
                st.success(
                    t("narrative.reflection_saved", lang, period=format_period(period, lang))
                )
                mine = nv.reflections(store, who)
    with right:
        _gathered(gathered, n_gathered, lang)
    if mine:
        st.subheader(t("narrative.own_reflections", lang))
        for r in mine:
            _reflection(r, lang)
