"""The dashboard's state: the store handle, who is looking, in which language, and cached loads.

Why here and not in the pages: every page needs the same three things (a ``Store``, the
acting ``Principal``, the language) and the same caching rules. Keeping them in one module
means a page is only: read the context, call a loader, draw figures.

Caching: ``st.cache_resource`` holds the one ``Store`` per database URL, the datasets, the
views and the page models (our own classes and plotly figures: never pickled, never mutated
by a page); ``st.cache_data`` holds plain frames and bytes. Every key holds the principal
and the filters (and the language where texts are made), so a funder never gets an
initiative's unsuppressed numbers from the cache. After an accepted
upload the page calls ``clear_caches()``. A time-to-live bounds staleness when several app
replicas share one PostgreSQL database.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboards import exporting, uploads, views
from evaluation.access import Principal
from evaluation.formatting import format_period
from evaluation.i18n import DEFAULT_LANG, strings, t
from evaluation.model import Dataset
from evaluation.report import report_bytes
from evaluation.store import Store

# remembered choices (read by every page) and the sidebar widgets that set them
LANG_KEY = "lang"
ROLE_KEY = "demo_role"
LANG_WIDGET = "lang_choice"
ROLE_WIDGET = "demo_role_choice"
# the signed-in account's Principal (dashboards/signin.py); outside the demo it wins
SIGNED_IN_KEY = "signed_in"
LANGS = ("nl", "en")
CACHE_TTL = 600  # seconds; see the module docstring


# the portfolio pages open on the latest year of quarters (see period_filter)
LATEST_PERIODS = 4


@dataclass(frozen=True)
class Filters:
    """What a page asks for: which initiatives (None = all the viewer may see) and periods.

    Periods are ISO dates of period starts (inclusive), so that quarters and free periods
    filter alike.
    """

    initiative_ids: tuple[str, ...] | None = None
    period_from: str | None = None
    period_to: str | None = None


# --- the store ------------------------------------------------------------------------------


# the first start fills a new database with the sample data (half a minute): say so, in both
# languages, since the reader has not chosen one yet
FIRST_START = " · ".join(t("ui.app.first_start", code) for code in LANGS)


@st.cache_resource(show_spinner=FIRST_START)
def _open_store(url: str) -> Store:
    store = Store.open(url or None)
    store.ensure_initialised(with_sample_data=True)
    return store


def store() -> Store:
    """The one store of this process; the URL is ``EVALUATION_DATABASE_URL`` or the default."""
    return _open_store(os.environ.get("EVALUATION_DATABASE_URL", ""))


def clear_caches() -> None:
    """Forget every cached load: called after an accepted upload changed the data."""
    st.cache_data.clear()
    for resource in (
        dataset,
        story_view,
        profile_view,
        voices_view,
        story_page,
        profile_page,
        voices_page,
    ):
        resource.clear()


# --- who is looking, in which language ----------------------------------------------------


def remember(widget_key: str, remembered_key: str) -> None:
    """``on_change`` of a sidebar widget: keep its choice under the remembered key."""
    st.session_state[remembered_key] = st.session_state[widget_key]


def lang() -> str:
    value = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def principal_from_choice(choice: str | None) -> Principal:
    """The demo role chooser's value (``funder``, ``evaluator``, ``initiative:<id>``)."""
    if choice and choice.startswith("initiative:"):
        return Principal("initiative", choice.split(":", 1)[1])
    if choice == "evaluator":
        return Principal("evaluator")
    return Principal("funder")


def principal() -> Principal:
    signed_in = st.session_state.get(SIGNED_IN_KEY)
    if isinstance(signed_in, Principal):
        return signed_in
    return principal_from_choice(st.session_state.get(ROLE_KEY))


def viewer(who: Principal) -> Principal:
    """What access depends on (role and initiative), without the person's name.

    Pages read through this, so every funder (or every account of one initiative) shares
    one cache entry instead of each account loading the whole portfolio again; writes keep
    the full ``principal()`` so the audit trail names who did it.
    """
    return Principal(who.role, who.initiative_id)


def context() -> tuple[str, Principal]:
    """The language and the acting principal (with its name), as chosen in the sidebar."""
    return lang(), principal()


def read_context() -> tuple[str, Principal]:
    """The language and the viewer (see ``viewer``): what a page that only reads uses."""
    return lang(), viewer(principal())


def principal_label(who: Principal, lang_: str, names: dict[str, str]) -> str:
    if who.role == "initiative":
        name = names.get(who.initiative_id or "", who.initiative_id or "")
        return t("ui.app.role_initiative", lang_, name=name)
    return t(f"ui.app.role_{who.role}", lang_)


# --- cached loaders -------------------------------------------------------------------------
# Each takes plain, hashable values (a frozen Principal, a language code, a frozen Filters)
# so the cache key says exactly who asked for what.


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def initiatives(who: Principal) -> pd.DataFrame:
    """The initiatives the viewer may name, by name (neutral order)."""
    frame = store().initiatives(who)
    return frame.sort_values("name", key=lambda s: s.str.casefold(), kind="stable").reset_index(
        drop=True
    )


def initiative_names(who: Principal) -> dict[str, str]:
    frame = initiatives(who)
    return dict(zip(frame["initiative_id"], frame["name"], strict=True))


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=32)
def dataset(who: Principal, filters: Filters) -> Dataset:
    """The current data (latest accepted submission per period) the viewer may see.

    Held as a resource (not copied on every hit: a big portfolio's dataset is large) and
    never mutated by the views; ``clear_caches`` drops it after an upload.
    """
    return store().current_dataset(
        who,
        initiative_ids=list(filters.initiative_ids) if filters.initiative_ids else None,
        period_from=filters.period_from,
        period_to=filters.period_to,
    )


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def periods(who: Principal, initiative_ids: tuple[str, ...] | None = None) -> list[str]:
    """Every period with data, in time order, asked of the store without loading the rows."""
    return store().periods(who, list(initiative_ids) if initiative_ids else None)


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def story_view(who: Principal, filters: Filters) -> views.StoryView:
    return views.story_view(dataset(who, filters), who)


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def profile_view(who: Principal, initiative_id: str, filters: Filters) -> views.ProfileView:
    return views.profile_view(dataset(who, filters), initiative_id, who)


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def voices_view(who: Principal, filters: Filters, choice: views.StoryFilter) -> views.VoicesView:
    return views.voices_view(dataset(who, filters), who, choice)


# Page models hold plotly figures: kept as resources (not pickled and rebuilt on every hit,
# which would cost as much as drawing them), keyed like the views, dropped by clear_caches.


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def story_page(who: Principal, filters: Filters, lang_: str) -> views.StoryPage:
    return views.story_page(story_view(who, filters), lang_)


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def profile_page(
    who: Principal, initiative_id: str, filters: Filters, lang_: str
) -> views.ProfilePage:
    return views.profile_page(profile_view(who, initiative_id, filters), lang_)


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def voices_page(
    who: Principal, filters: Filters, choice: views.StoryFilter, lang_: str
) -> views.VoicesPage:
    return views.voices_page(voices_view(who, filters, choice), lang_)


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def submissions(who: Principal, initiative_id: str | None) -> pd.DataFrame:
    return store().submissions(who, initiative_id=initiative_id)


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def row_counts(who: Principal, filters: Filters) -> dict[str, int]:
    return exporting.row_counts(dataset(who, filters))


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def tidy_zip(who: Principal, filters: Filters, lang_: str) -> bytes:
    return exporting.tidy_zip(dataset(who, filters), who, lang_)


@st.cache_data(show_spinner=False, ttl=CACHE_TTL, max_entries=8)
def report_xlsx(who: Principal, filters: Filters, lang_: str, audience: str) -> bytes:
    """The evaluator's Excel report for the chosen initiatives, periods and audience.

    ``who`` is part of the cache key only: the page offers the report to those who may
    export, and the report protects its numbers and stories for ``audience`` itself.
    """
    return report_bytes(
        store(),
        lang=lang_,
        audience=audience,
        initiative_ids=list(filters.initiative_ids) if filters.initiative_ids else None,
        period_from=filters.period_from,
        period_to=filters.period_to,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def template_bytes(who: Principal, lang_: str) -> bytes:
    """The template continuing from the initiative's last period (``uploads.template_bytes``)."""
    ds = dataset(who, Filters(initiative_ids=(who.initiative_id,)))
    return uploads.template_bytes(ds, who.initiative_id, lang_)


@st.cache_resource(show_spinner=False, max_entries=8)
def check_upload(data: bytes, file_name: str, lang_: str) -> uploads.UploadCheck:
    """Read and check an upload once per file and language (reruns do not re-read it)."""
    return uploads.check(data, file_name, lang_, store())


def about_title(lang_: str) -> str:
    """The About page's own title (``about.title``), else its name in the navigation."""
    return t("about.title" if "about.title" in strings() else "ui.nav.about", lang_)


def about_blocks(lang_: str) -> list[tuple[str, str]]:
    return views.about_blocks(lang_)


# --- widgets shared by pages ----------------------------------------------------------------


def period_filter(
    who: Principal,
    lang_: str,
    key: str,
    initiative_ids: tuple[str, ...] | None = None,
    latest: int | None = None,
) -> Filters:
    """A range slider over the periods with data; returns the page's ``Filters``.

    ``latest`` starts the slider on the latest that many periods instead of all of them: the
    portfolio pages open on the most recent year, so a programme with years of reports opens
    quickly; the slider reaches back to the first period.
    """
    available = periods(who, initiative_ids)
    if len(available) < 2:
        return Filters(initiative_ids=initiative_ids)
    start = available[-latest] if latest and len(available) > latest else available[0]
    first, last = st.select_slider(
        t("ui.app.periods", lang_),
        options=available,
        value=(start, available[-1]),
        format_func=lambda p: format_period(p, lang_),
        key=key,
        help=t("ui.app.periods_help", lang_),
    )
    whole = first == available[0] and last == available[-1]
    return Filters(
        initiative_ids=initiative_ids,
        period_from=None if whole else first,
        period_to=None if whole else last,
    )
