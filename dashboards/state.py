"""The dashboard's state: the store handle, who is looking, in which language, and cached loads.

Why here and not in the pages: every page needs the same three things (a ``Store``, the
acting ``Principal``, the language) and the same caching rules. Keeping them in one module
means a page is only: read the context, call a loader, draw figures.

Caching: ``st.cache_resource`` holds the one ``Store`` per database URL, the datasets, the
views and the page models (our own classes and plotly figures: never pickled, never mutated
by a page); ``st.cache_data`` holds plain frames and bytes. Every key holds the principal
and the filters (and the language where texts are made), so a funder never gets an
initiative's unsuppressed numbers from the cache. After an accepted
upload the page calls ``clear_caches()``.

Fresh across replicas (issue 17, point 4): every run of a page reads the store's data
version (``Store.data_version``: one read of primary-key maxima) and, when it moved
since this process last looked, forgets every cached load. So an upload on another app
process, a command-line import or a new arrangement shows at the next rerun, not after the
time-to-live (which stays, as a bound on memory).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboards import story_views, uploads, views
from evaluation import arrangements, brief, cycle, export, narrative, portfolios
from evaluation.access import Principal
from evaluation.disclosure import Disclosed, disclose, select
from evaluation.formatting import format_period
from evaluation.i18n import DEFAULT_LANG, strings, t
from evaluation.model import Dataset
from evaluation.periods import period_bounds
from evaluation.report import report_bytes
from evaluation.store import Store
from evaluation.submit import ensure_initialised

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
    ensure_initialised(store, with_sample_data=True)
    return store


def store() -> Store:
    """The one store of this process; the URL is ``EVALUATION_DATABASE_URL`` or the default."""
    return _open_store(os.environ.get("EVALUATION_DATABASE_URL", ""))


def clear_caches() -> None:
    """Forget every cached load: called after an accepted upload changed the data."""
    st.cache_data.clear()
    for resource in (
        _demo_funder,
        dataset,
        disclosed,
        story_view,
        profile_view,
        voices_view,
        story_page,
        profile_page,
        voices_page,
        story_texts,
        change_page,
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
    """The demo role chooser's value (``funder``, ``evaluator``, ``initiative:<id>``, or
    ``portfolio:<code>``: the funder of one portfolio)."""
    if choice and choice.startswith("initiative:"):
        return Principal("initiative", choice.split(":", 1)[1])
    if choice and choice.startswith("portfolio:"):
        code = choice.split(":", 1)[1]
        if code in portfolio_names():
            return _demo_funder(code)
    if choice == "evaluator":
        return Principal("evaluator")
    return Principal("funder")


def principal() -> Principal:
    signed_in = st.session_state.get(SIGNED_IN_KEY)
    if isinstance(signed_in, Principal):
        return signed_in
    return principal_from_choice(st.session_state.get(ROLE_KEY))


def viewer(who: Principal) -> Principal:
    """What access depends on (role, initiative and portfolios), without the person's name.

    Pages read through this, so every funder of one portfolio (or every account of one
    initiative) shares one cache entry instead of each account loading the whole portfolio
    again; writes keep the full ``principal()`` so the audit trail names who did it.
    """
    return Principal(who.role, who.initiative_id, scope=who.scope, portfolios=who.portfolios)


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def portfolio_names() -> dict[str, str]:
    """Every portfolio's code and name, by name (what the demo's chooser and the admin page
    offer; names are no unpublished material)."""
    listed = portfolios.listing(store(), Principal("admin", name="names"))
    return {p.code: p.name for p in listed}


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL)
def _demo_funder(code: str) -> Principal:
    return portfolios.demo_principal(store(), "funder", code)


_seen_version: list[tuple[int, ...]] = []  # the data version this process's caches were filled at


def follow_data_version() -> None:
    """Forget the cached loads when the store's data changed since this process last looked
    (by any process on the same database: see the module docstring)."""
    version = store().data_version()
    if _seen_version and _seen_version[0] != version:
        clear_caches()
    _seen_version[:] = [version]


def context() -> tuple[str, Principal]:
    """The language and the acting principal (with its name), as chosen in the sidebar."""
    follow_data_version()
    return lang(), principal()


def read_context() -> tuple[str, Principal]:
    """The language and the viewer (see ``viewer``): what a page that only reads uses."""
    follow_data_version()
    return lang(), viewer(principal())


def principal_label(who: Principal, lang_: str, names: dict[str, str]) -> str:
    if who.role == "initiative":
        name = names.get(who.initiative_id or "", who.initiative_id or "")
        return t("ui.app.role_initiative", lang_, name=name)
    if who.portfolios and who.role in portfolios.MEMBER_ROLES:
        known = portfolio_names()
        held = " · ".join(sorted(known.get(c, c) for c in who.portfolios))
        return t(f"portfolios.ui.role_{who.role}", lang_, portfolio=held)
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


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=16)
def disclosed(who: Principal) -> Disclosed:
    """What the viewer may see of the whole current data, decided once
    (``evaluation.disclosure``); every page cuts its initiatives and periods from it, never
    protecting anything anew."""
    return disclose(dataset(who, Filters()), who)


def disclosed_for(who: Principal, filters: Filters) -> Disclosed:
    return select(disclosed(who), filters.initiative_ids, filters.period_from, filters.period_to)


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def periods(who: Principal, initiative_ids: tuple[str, ...] | None = None) -> list[str]:
    """Every period with data, in time order, asked of the store without loading the rows."""
    return store().periods(who, list(initiative_ids) if initiative_ids else None)


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def story_view(who: Principal, filters: Filters) -> views.StoryView:
    return views.story_view(disclosed_for(who, filters))


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def profile_view(who: Principal, initiative_id: str, filters: Filters) -> views.ProfileView:
    return views.profile_view(disclosed_for(who, filters), initiative_id)


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def voices_view(who: Principal, filters: Filters, choice: views.StoryFilter) -> views.VoicesView:
    return views.voices_view(disclosed_for(who, filters), choice)


# Page models hold plotly figures: kept as resources (not pickled and rebuilt on every hit,
# which would cost as much as drawing them), keyed like the views, dropped by clear_caches.


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def story_page(who: Principal, filters: Filters, lang_: str) -> views.StoryPage:
    return views.story_page(story_view(who, filters), lang_)


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def story_texts(who: Principal, filters: Filters, lang_: str) -> story_views.StoryTexts:
    """The story page's phase texts, quotes and takeaways (``evaluation.story``)."""
    return story_views.story_texts(
        disclosed_for(who, filters), story_view(who, filters), lang_, disclosed(who)
    )


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def change_page(who: Principal, period_a: str, period_b: str, lang_: str) -> story_views.ChangePage:
    """The network of two periods and what changed between them."""
    return story_views.change_page(disclosed(who), period_a, period_b, lang_)


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def profile_page(
    who: Principal, initiative_id: str, filters: Filters, lang_: str
) -> views.ProfilePage:
    return views.profile_page(profile_view(who, initiative_id, filters), lang_)


@st.cache_resource(show_spinner=False, ttl=CACHE_TTL, max_entries=64)
def voices_page(
    who: Principal, filters: Filters, choice: views.StoryFilter, lang_: str, query: str = ""
) -> views.VoicesPage:
    return views.voices_page(voices_view(who, filters, choice), lang_, query)


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def reporting_cycle(
    who: Principal, initiative_ids: tuple[str, ...], today: dt.date
) -> tuple[list[cycle.Expected], dict[str, str]]:
    """The expected reports of the initiatives (``evaluation.cycle``) and their rhythms."""
    names = initiative_names(who)
    expected = cycle.cycle(store(), who, {i: names[i] for i in initiative_ids}, today)
    agreed = arrangements.arrangements(store(), list(initiative_ids))
    return expected, {a.initiative_id: a.rhythm for a in agreed}


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def cycle_tables(
    who: Principal, initiative_ids: tuple[str, ...], today: dt.date, quarter: str, lang_: str
) -> tuple[int, int, pd.DataFrame, pd.DataFrame]:
    """For the calendar page: how many of the quarter's expected reports came in, of how
    many, the quarter's table and the table of every expected report, in words."""
    expected, rhythms = reporting_cycle(who, initiative_ids, today)
    names = initiative_names(who)
    chosen = cycle.for_period(expected, period_bounds(quarter)[0])
    came_in = sum(e.status != "missing" for e in chosen)

    def table(rows: list[cycle.Expected]) -> pd.DataFrame:
        frame = cycle.cycle_table(rows, names, rhythms, lang_)
        return frame.rename(columns=lambda c: t(f"cycle.columns.{c}", lang_))

    return came_in, len(chosen), table(chosen), table(expected)


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def submissions(who: Principal, initiative_id: str | None) -> pd.DataFrame:
    return store().submissions(who, initiative_id=initiative_id)


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def row_counts(who: Principal, filters: Filters) -> dict[str, int]:
    return export.row_counts(disclosed_for(who, filters))


@st.cache_data(show_spinner=False, ttl=CACHE_TTL)
def withheld_cells(who: Principal, filters: Filters) -> tuple[int, int]:
    return export.withheld_cells(disclosed_for(who, filters))


def tidy_zip(who: Principal, filters: Filters, lang_: str, dialect: str = "csv") -> bytes:
    """The tidy data of what the viewer may see (built when the download is clicked)."""
    return export.tidy_zip(disclosed_for(who, filters), lang_, dialect)


@st.cache_data(show_spinner=False, ttl=CACHE_TTL, max_entries=8)
def report_xlsx(who: Principal, filters: Filters, lang_: str, audience: str) -> bytes:
    """The evaluator's Excel report for the chosen initiatives, periods and audience.

    The report refuses an audience ``who`` may not have, and discloses everything to
    ``audience`` (``evaluation.disclosure``), as the dashboard does for its viewer.
    """
    return report_xlsx_with_progress(who, filters, lang_, audience)


def report_xlsx_with_progress(
    who: Principal,
    filters: Filters,
    lang_: str,
    audience: str,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """``report_xlsx`` built now, calling ``progress(done, total)`` after each step (the
    Export page's progress bar; not cached, the page keeps the bytes)."""
    return report_bytes(
        store(),
        principal=who,
        lang=lang_,
        audience=audience,
        initiative_ids=list(filters.initiative_ids) if filters.initiative_ids else None,
        period_from=filters.period_from,
        period_to=filters.period_to,
        narratives=narrative.for_report(store(), filters.period_from, filters.period_to),
        progress=progress,
    )


def arrangement_line(who: Principal, lang_: str) -> str:
    """The initiative's reporting arrangement in one sentence (``arrangements.line``)."""
    assert who.initiative_id is not None
    return arrangements.line(arrangements.arrangement(store(), who.initiative_id), lang_)


@st.cache_data(show_spinner=False, ttl=CACHE_TTL, max_entries=8)
def initiative_brief_pdf(who: Principal, initiative_id: str, filters: Filters, lang_: str) -> bytes:
    """The initiative's printable brief of what the viewer sees (built when clicked)."""
    return brief.initiative_brief(
        disclosed(who), initiative_id, lang_, filters.period_from, filters.period_to
    )


@st.cache_data(show_spinner=False, ttl=CACHE_TTL, max_entries=8)
def portfolio_brief_pdf(who: Principal, filters: Filters, lang_: str) -> bytes:
    """The collective story's printable brief of what the viewer sees, with the network's
    published words for the chosen periods."""
    return brief.portfolio_brief(
        disclosed(who),
        filters.period_from,
        filters.period_to,
        lang_,
        narratives=narrative.for_report(store(), filters.period_from, filters.period_to),
    )


def brief_file_name(lang_: str, initiative_id: str | None = None) -> str:
    return brief.file_name(lang_, initiative_id)


def template_bytes(who: Principal, lang_: str) -> bytes:
    """The template continuing from the initiative's last period, in its agreed rhythm
    (``uploads.template_bytes``); a changed arrangement gives a new template at once."""
    assert who.initiative_id is not None
    return _template_bytes(who, lang_, arrangements.arrangement(store(), who.initiative_id))


@st.cache_data(show_spinner=False, ttl=CACHE_TTL, max_entries=16)
def _template_bytes(who: Principal, lang_: str, agreed: arrangements.Arrangement) -> bytes:
    ds = dataset(who, Filters(initiative_ids=(who.initiative_id,)))
    return uploads.template_bytes(ds, who.initiative_id, lang_, agreed)


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
    stable: bool = False,
) -> Filters:
    """A range slider over the periods with data; returns the page's ``Filters``.

    ``stable`` opens the slider on the latest period for which most initiatives reported
    (``views.stable_period``) and says under it how many reported for the chosen periods:
    the portfolio pages never mix one initiative's new quarter with everyone's older ones
    without saying so. ``latest`` opens on the latest that many periods instead.
    """
    available = periods(who, initiative_ids)
    if len(available) < 2:
        return Filters(initiative_ids=initiative_ids)
    shown = disclosed(who).dataset
    counts = views.reporting(shown)
    if stable:
        start = end = views.stable_period(available, counts, len(shown.initiatives))
    else:
        start = available[-latest] if latest and len(available) > latest else available[0]
        end = available[-1]
    first, last = st.select_slider(
        t("ui.app.periods", lang_),
        options=available,
        value=(start, end),
        format_func=lambda p: format_period(p, lang_),
        key=key,
        help=t("ui.app.periods_help", lang_),
    )
    if stable:
        chosen = available[available.index(first) : available.index(last) + 1]
        label = format_period(first, lang_)
        if last != first:
            label = f"{label} – {format_period(last, lang_)}"
        reported = len(
            {
                i
                for name, f in shown.frames().items()
                if name != "initiatives"
                for i in f.loc[f["period"].isin(chosen), "initiative_id"]
            }
        )
        st.caption(
            t("ui.app.reported", lang_, n=reported, total=len(shown.initiatives), period=label)
        )
        # a later period few have sent yet is not mixed in, and the page says it is there
        later = available[available.index(last) + 1 :]
        if later:
            st.caption(
                t(
                    "ui.app.reported_ahead",
                    lang_,
                    n=max(counts.get(p, 0) for p in later),
                    period=format_period(later[-1], lang_),
                )
            )
    whole = first == available[0] and last == available[-1]
    return Filters(
        initiative_ids=initiative_ids,
        period_from=None if whole else first,
        period_to=None if whole else last,
    )
