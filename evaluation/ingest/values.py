"""Reading typed values: numbers, dates, yes/no, choices, indicators and codes.

One cell at a time (``parse_number``, ``parse_date``) and one column at a time
(``normalise_column``). A column is worked out once per distinct text (``per_distinct``): a
long upload's column holds few distinct texts (100,000 indicator rows hold some fifty distinct
values and notes), so the same plain code serves a quarterly report and a bulk history. The
rules themselves are told in ``evaluation.ingest.normalise``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cache

import numpy as np
import pandas as pd

from evaluation.catalogue import Column, fold, load_catalogue

_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_DUTCH_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_DUTCH_DECIMAL = re.compile(r"\d*,\d+")
_ENGLISH_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:\.\d*)?|\.\d+")


def parse_number(text: str) -> tuple[float | None, bool]:
    """A number typed as text, and whether it was a percentage; (None, False) if not a number."""
    s = _SPACES.sub("", text.strip())
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    sign = 1.0
    if s[:1] in "+-" and s:
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:]
    if not s:
        return None, False
    if _PLAIN.fullmatch(s):
        number = float(s)
    elif _DUTCH_THOUSANDS.fullmatch(s):
        number = float(s.replace(".", "").replace(",", "."))
    elif _ENGLISH_THOUSANDS.fullmatch(s) and (s.count(",") > 1 or "." in s):
        number = float(s.replace(",", ""))
    elif _DUTCH_DECIMAL.fullmatch(s):
        number = float(s.replace(",", "."))
    else:
        return None, False
    number *= sign
    if percent:
        number /= 100.0
    return (number, percent) if math.isfinite(number) else (None, False)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_YMD = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})")
_NAMED = re.compile(r"(\d{1,2})[\s.-]+([^\W\d_]+)\.?[\s.-]+(\d{4}|\d{2})")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mrt": 3,
    "maa": 3,
    "mar": 3,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (25569, 73051)  # 1970-01-01 .. 2100-01-01


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """A date typed as text or given by a date cell; None when it is not a date."""
    s = " ".join(text.split())
    if m := _ISO.fullmatch(s):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _YMD.fullmatch(s):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.fullmatch(s):
        return _date(_year(m[3]), int(m[2]), int(m[1]))
    if m := _NAMED.fullmatch(s):
        month = _MONTHS.get(fold(m[2])[:3])
        return _date(_year(m[3]), month, int(m[1])) if month else None
    if _SERIAL.fullmatch(s):
        serial = float(s)
        if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    return None


YES = ("ja", "j", "yes", "y", "x", "waar", "true", "1", "1.0")
NO = ("nee", "n", "no", "onwaar", "false", "0", "0.0")


@cache
def choice_map(list_name: str) -> dict[str, str]:
    """Folded code or nl/en label -> code, for one choice list (plus yes/no variants)."""
    cat = load_catalogue()
    out: dict[str, str] = {}
    for c in cat.choices(list_name).choices:
        # a label the list has since reworded ("former") is still read in older workbooks
        for key in (c.code, *c.labels.values(), *c.extra.get("former", ())):
            out.setdefault(fold(key), c.code)
        if list_name == "rubric_steps":
            out.setdefault(fold(c.code) + ".0", c.code)
    if list_name == "yes_no":
        for key in YES:
            out.setdefault(key, "yes")
        for key in NO:
            out.setdefault(key, "no")
    return out


@cache
def catalogue_indicator_map() -> dict[str, str]:
    """Folded indicator code or nl/en label -> catalogue code."""
    out: dict[str, str] = {}
    for ind in load_catalogue().indicators:
        for key in (ind.code, *ind.labels.values()):
            out.setdefault(fold(key), ind.code)
    return out


def per_distinct(s: pd.Series, values_of) -> pd.Series:
    """Each cell's value, worked out once per distinct text: ``values_of(texts)`` gets the
    distinct non-blank texts (a list) and gives their values in order; blanks -> None."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    texts = np.asarray(uniques, dtype=object).tolist()
    mapped[: len(uniques)] = values_of(texts) if texts else []
    mapped[len(uniques)] = None  # code -1 (blank) picks the last slot
    return pd.Series(mapped[codes], index=s.index, dtype="object")


def map_each(s: pd.Series, fn) -> pd.Series:
    """``fn`` of each distinct non-blank text; blanks -> None."""
    return per_distinct(s, lambda texts: [fn(v) for v in texts])


def _map_folded(s: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Each text -> ``mapping[fold(text)]``, or the text as typed when not in it."""
    return map_each(s, lambda v: mapping.get(fold(v), v))


def normalise_column(
    s: pd.Series, col: Column, own: dict[str, str]
) -> tuple[pd.Series, pd.Series | None]:
    """A column's canonical values, and which cells were typed as percentages (numbers)."""
    t = col.type
    if t in ("integer", "number", "year"):
        return _numbers(s)
    if t == "date":
        return map_each(s, lambda v: parse_date(v) or v), None
    if t == "choice" and col.choices:
        return _map_folded(s, choice_map(col.choices)), None
    if t == "indicator":
        # a catalogue code or name wins over an own indicator of the same folded text
        return _map_folded(s, {**own, **catalogue_indicator_map()}), None
    if t == "id":
        return map_each(s, lambda v: v.strip().lower()), None
    return pd.Series(s.to_numpy(dtype=object, na_value=None), index=s.index, dtype="object"), None


def _numbers(s: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    """Numbers: what ``pd.to_numeric`` reads, then the rules above for the rest (a Dutch
    ``1.234,5``, a ``45%``); a text that is no number stays as typed."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    texts = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    plain = pd.to_numeric(texts, errors="coerce").to_numpy(dtype="float64", copy=True)
    plain[~np.isfinite(plain)] = np.nan
    rest = np.isnan(plain)
    if not rest.any():
        return pd.Series(np.append(plain, np.nan)[codes], index=s.index, dtype="float64"), None
    values = np.empty(len(uniques) + 1, dtype=object)
    pct = np.zeros(len(uniques) + 1, dtype=bool)
    for i, number in enumerate(plain.tolist()):
        if not rest[i]:
            values[i] = number
            continue
        text = str(texts.iat[i])
        is_bool = text.lower() in ("true", "false")
        parsed, is_pct = (None, False) if is_bool else parse_number(text)
        values[i] = text if parsed is None else parsed  # as typed: pandera reports it
        pct[i] = parsed is not None and is_pct
    values[len(uniques)] = None
    return (
        pd.Series(values[codes], index=s.index, dtype="object"),
        pd.Series(pct[codes], index=s.index, dtype=bool),
    )


# "1.234" in a decimal column: a Dutch thousands point (1234) or a decimal point (1.234)?
AMBIGUOUS_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")


def ambiguous_thousands(s: pd.Series) -> pd.Series | None:
    """Which cells read ``1.234``; None when none does (the usual case)."""
    mask = map_each(s, lambda v: AMBIGUOUS_THOUSANDS.fullmatch(v) is not None)
    mask = mask.fillna(False).astype(bool)
    return mask if mask.any() else None
