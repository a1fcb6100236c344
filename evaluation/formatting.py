"""Numbers, dates and protected counts written the way a reader of each language expects.

Dutch readers write ``1.234,5`` and ``3 maart 2025``; English readers ``1,234.5`` and
``3 March 2025``. Every view (dashboard, report, CLI) formats through here so that one
language never leaks the other's separators. Month names come from the string files, not
from the operating system's locale, which is often missing on servers.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from evaluation.i18n import t

# thousands and decimal separators per language; plotly takes them as layout.separators
# in the order decimal, thousands
SEPARATORS = {"nl": (".", ","), "en": (",", ".")}


def plotly_separators(lang: str) -> str:
    """The ``layout.separators`` string for plotly: decimal mark first, then thousands."""
    thousands, decimal = SEPARATORS.get(lang, SEPARATORS["nl"])
    return decimal + thousands


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(isinstance(x, float) and math.isnan(x))
    except TypeError:
        return False


def format_number(x: Any, lang: str = "nl", decimals: int | None = None) -> str:
    """``1234.5`` -> ``1.234,5`` (nl) or ``1,234.5`` (en); whole numbers get no decimals.

    ``decimals`` fixes the number of decimals; by default a whole number shows none and a
    fraction shows at most one (counts and hours rarely need more).
    """
    if _missing(x):
        return "–"
    value = float(x)
    if decimals is None:
        decimals = 0 if value == round(value) else 1
    text = f"{value:,.{decimals}f}"
    thousands, decimal = SEPARATORS.get(lang, SEPARATORS["nl"])
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


def month_name(month: int, lang: str = "nl") -> str:
    return t(f"ui.months.m{month}", lang)


def format_date(d: Any, lang: str = "nl") -> str:
    """``3 maart 2025`` (nl) or ``3 March 2025`` (en); an empty value is a dash."""
    if _missing(d):
        return "–"
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    if isinstance(d, dt.datetime):
        d = d.date()
    if hasattr(d, "to_pydatetime"):  # a pandas Timestamp
        d = d.to_pydatetime().date()
    return f"{d.day} {month_name(d.month, lang)} {d.year}"


def format_count(value: Any, suppressed: bool = False, lang: str = "nl") -> str:
    """A count of people; a withheld one (``suppressed``) becomes the neutral mark
    ("afgeschermd" / "withheld"), never "<5": a withheld complement need not be small."""
    if suppressed:
        return t("ui.common.suppressed", lang)
    return format_number(value, lang)


def format_period(period: Any, lang: str = "nl") -> str:
    """``2025-Q1`` -> ``1e kwartaal 2025`` / ``Q1 2025``; other periods as their dates."""
    if _missing(period):
        return "–"
    text = str(period)
    if len(text) == 7 and text[4:6] == "-Q" and text[6].isdigit():
        return t("ui.common.quarter", lang, year=text[:4], q=text[6])
    if "/" in text:
        start, end = text.split("/", 1)
        return f"{format_date(start, lang)} – {format_date(end, lang)}"
    return text
