"""The printable brief: two A4 pages per initiative, three for the portfolio, as PDF.

``initiative_brief(disclosed, initiative_id, lang)`` and ``portfolio_brief(disclosed,
period_from, period_to, lang)`` are pure over a ``Disclosed`` (``evaluation.disclosure``):
the brief shows what that audience may see and nothing else (a withheld number as the
neutral mark, stories and reflection answers only where their audience allows).
``brief_bytes(store, ...)`` discloses the store's current data to a report audience first,
as the Excel report does, for the command line.

Built with reportlab (the pages, ``layout.py``) and matplotlib's headless Agg renderer (the
small charts, ``charts.py``); the data comes through the Excel report's context
(``evaluation.report.context``), so labels, marks and cuts agree with the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from evaluation.access import Principal, reading_for, require_audience, require_scope
from evaluation.analysis._common import names as initiative_names
from evaluation.brief.context import BriefCtx
from evaluation.brief.initiative import initiative_pages
from evaluation.brief.layout import build_pdf
from evaluation.brief.portfolio import portfolio_pages
from evaluation.disclosure import Disclosed, disclose, select
from evaluation.errors import UserError
from evaluation.i18n import t
from evaluation.report.build import AUDIENCES, audience_of

__all__ = [
    "INITIATIVE_PAGES",
    "PORTFOLIO_PAGES",
    "brief_bytes",
    "file_name",
    "initiative_brief",
    "portfolio_brief",
]

_OPERATOR = Principal("admin", name="brief")
# the pages each brief has (``layout.build_pdf`` refuses to write another number)
INITIATIVE_PAGES = 2
PORTFOLIO_PAGES = 3


def _audience_label(principal: Principal, lang: str) -> str:
    key = "initiative" if principal.role == "initiative" else audience_of(principal)
    return t(f"brief.audience.{key}", lang)


def _window(disclosed: Disclosed, period_from: str | None, period_to: str | None) -> Disclosed:
    from evaluation.periods import period_bounds

    lo = period_bounds(period_from)[0] if period_from else None
    hi = period_bounds(period_to)[1] if period_to else None
    if lo and hi and lo > hi:
        raise UserError(
            "report.errors.periods_reversed", period_from=period_from, period_to=period_to
        )
    return select(disclosed, None, period_from, period_to)


def _ctx(disclosed: Disclosed, window: Disclosed, lang: str) -> BriefCtx:
    names = initiative_names(disclosed.dataset)
    audience = audience_of(disclosed.principal)
    return BriefCtx(window, window.dataset, pd.DataFrame(), lang, audience, 0, names)


def _lang(lang: str) -> str:
    return lang if lang in ("nl", "en") else "nl"


def initiative_brief(
    disclosed: Disclosed,
    initiative_id: str,
    lang: str = "nl",
    period_from: str | None = None,
    period_to: str | None = None,
) -> bytes:
    """One initiative's brief: exactly two A4 pages, of what ``disclosed`` shows."""
    lang = _lang(lang)
    known = set(disclosed.dataset.initiatives["initiative_id"].astype(str))
    if initiative_id not in known:
        raise UserError("report.errors.unknown_initiative", initiative=initiative_id)
    window = _window(disclosed, period_from, period_to)
    ctx = _ctx(disclosed, window, lang)
    from evaluation.story import window_label

    audience = _audience_label(disclosed.principal, lang)
    pages = initiative_pages(ctx, initiative_id, window_label(window.periods, lang), audience)
    name = ctx.names.get(initiative_id, initiative_id)
    footer = t("brief.footer", lang, title=name, audience=audience)
    return build_pdf(pages, t("brief.title_initiative", lang, name=name), footer, lang)


def portfolio_brief(
    disclosed: Disclosed,
    period_from: str | None = None,
    period_to: str | None = None,
    lang: str = "nl",
    narratives: Sequence[Any] = (),
) -> bytes:
    """The collective story's brief: three A4 pages of what ``disclosed`` shows over the
    periods from ``period_from`` to ``period_to`` (all when not given). ``narratives``: the
    network's published narratives of those periods (``evaluation.narrative.for_report``);
    the last one opens the brief."""
    lang = _lang(lang)
    window = _window(disclosed, period_from, period_to)
    ctx = _ctx(disclosed, window, lang)
    audience = _audience_label(disclosed.principal, lang)
    pages = portfolio_pages(ctx, window, disclosed, audience, narratives)
    title = t("brief.portfolio_title", lang)
    footer = t("brief.footer", lang, title=title, audience=audience)
    return build_pdf(pages, title, footer, lang)


def brief_bytes(
    store: Any,
    *,
    principal: Principal = _OPERATOR,
    audience: str = "funder",
    lang: str = "nl",
    initiative_id: str | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    narratives: Sequence[Any] = (),
) -> bytes:
    """The brief over the store's current data for a report ``audience``, as ``principal``
    asks: the initiative's brief when ``initiative_id`` is given, else the portfolio's."""
    if audience not in AUDIENCES:
        raise UserError("report.errors.unknown_audience", audience=audience)
    require_audience(principal, audience)
    if initiative_id:
        require_scope(principal, initiative_id)
    reader = reading_for(principal, _OPERATOR.name)
    disclosed = disclose(store.current_dataset(reader), AUDIENCES[audience])
    if not initiative_id:
        return portfolio_brief(disclosed, period_from, period_to, lang, narratives)
    return initiative_brief(disclosed, initiative_id, lang, period_from, period_to)


def file_name(lang: str, initiative_id: str | None = None) -> str:
    """The download's file name: ``brief-<initiative>.pdf`` or the portfolio's."""
    stem = t("brief.file_stem", lang)
    return f"{stem}-{initiative_id or t('brief.file_portfolio', lang)}-{lang}.pdf"
