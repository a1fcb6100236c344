"""The personal-data checks about people: V-nummers, dates of birth, names and addresses.

``evaluation.ingest.privacy`` runs these after its number checks, on the normalised text
(``privacy_normal``), and decides what each finding means for the upload:

- a **V-nummer** (the immigration service's number for a foreign national, which every
  newcomer has) after its keyword ("V-nummer", "v-nr", "vreemdelingennummer", "V-number",
  or a capital V right before the ten digits): an error;
- a **date of birth**: a full date after "geboren (op)", "geb.", "geboortedatum", "born
  (on)", "date of birth", "DOB", or a full date in brackets or after a comma right behind a
  name, at least two years back ("Yonas (14-07-1999)"): an error. A year alone ("geboren in
  1987") and the dates of events ("op 12-03-2025") are not;
- a **name**: a first name from ``data/first_names.txt`` written with a capital, or a word
  after "mevrouw", "meneer", "familie", "Mr." and the like; a surname right after it
  ("Jan de Vries") is part of the same name. Alone, a name is a warning that suggests
  initials;
- an **address**: a street name with a house number ("Kanaalweg 45b", "Burgemeester de
  Vlugtlaan 125"), or a postcode with a place ("1012 AB Amsterdam"), joined into one when
  they follow each other. A street name alone and a postcode alone are not addresses. An
  address with a name near it (or a name with a postcode) is an error; an address alone is a
  warning (an organisation's address may stay, a person's home may not). A first name that
  is part of a street's name ("Ferdinand Bolstraat") is not a name.

Every pattern here does a bounded amount of work at each position of the text, so the checks
stay linear in its length (``tests/test_privacy_linear.py``, ``benchmarks/hostile.py``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from functools import cache

from evaluation.catalogue import DATA_DIR

Span = tuple[int, int]

# --- V-nummers --------------------------------------------------------------------------------

_VNUMBER = re.compile(
    r"""(?:
        (?i:\bv[- ]?(?:nummer|nr\.?|number|no\.?)|vreemdelingen-?nummer|alien[ ]number)
        [ \t]*(?:is|was|:|\#|=)?[ \t:.#=-]{0,3}
        (?P<num>\d(?:[ .]?\d){6,9})
      | \bV[- ]?(?P<bare>\d{10})
    )(?!\d)""",
    re.VERBOSE,
)


_V_BARE = re.compile(r"V[- ]?\d{10}")
_V_KEYS = ("v-n", "vn", "v n", "vreemdelingen", "alien number")


def find_vnumbers(text: str) -> list[Span]:
    """The spans of the numbers (not their keywords) of V-nummers."""
    low = text.lower()
    if not (any(k in low for k in _V_KEYS) or _V_BARE.search(text)):
        return []  # cheap gates first: no keyword and no V right before ten digits
    return [m.span("num") if m.group("num") else m.span("bare") for m in _VNUMBER.finditer(text)]


# --- dates ------------------------------------------------------------------------------------

_MONTHS = (
    r"jan(?:uari|uary)?|feb(?:ruari|ruary)?|maart|march|mar|apr(?:il)?|mei|may|jun[ie]?|"
    r"jul[iy]?|aug(?:ustus|ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|"
    r"dec(?:ember)?"
)
_DATE = (
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?P<y1>(?:19|20)\d{2}|\d{2})"
    r"|(?P<y2>(?:19|20)\d{2})-\d{1,2}-\d{1,2}"
    rf"|\d{{1,2}}(?:e|ste|de|st|nd|rd|th)?[ ]+(?i:{_MONTHS})\.?[ ]+(?P<y3>(?:19|20)\d{{2}})"
    rf"|(?i:{_MONTHS})\.?[ ]+\d{{1,2}}(?:st|nd|rd|th)?,?[ ]+(?P<y4>(?:19|20)\d{{2}})"
    r")(?![\d-])"
)
_BIRTH_KEY = (
    r"(?i:\bgeboren|\bgeb\.?(?:[ ]?datum)?|\bgeboortedatum|\bgeboortedag|\bborn(?:[ ]on)?"
    r"|\bdate[ ]of[ ]birth|\bbirth[ ]?date|\bd\.?o\.?b\.?)"
)
_BIRTH_DATE = re.compile(rf"{_BIRTH_KEY}[^\d\n]{{0,12}}?(?P<date>{_DATE})")
# a full date right after a name: "Yonas (14-07-1999)", "Mariam, 12-03-1987"
_DATE_AFTER_NAME = re.compile(rf"[ ]?(?:\(|,[ ]?)(?P<date>{_DATE})")
_BIRTH_KEYS = ("geb", "born", "birth", "dob", "d.o.b", "d.ob", "do.b")


def find_birth_dates(text: str) -> list[Span]:
    """The spans of the dates after a birth keyword."""
    return [m.span("date") for m in _BIRTH_DATE.finditer(text)]


def _year(m: re.Match[str]) -> int:
    y = next(m.group(g) for g in ("y1", "y2", "y3", "y4") if m.group(g))
    return int(y) + (0 if len(y) == 4 else 1900 if int(y) > dt.date.today().year % 100 else 2000)


# --- names ------------------------------------------------------------------------------------


@cache
def first_names() -> frozenset[str]:
    """The first names warned about, folded to lower case."""
    words: set[str] = set()
    for line in (DATA_DIR / "first_names.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(w.casefold() for w in line.split())
    return frozenset(words)


# a capitalised word (the first letter is checked to be upper case in Python)
_CAP_WORD = re.compile(r"\b[^\W\d_a-z][^\W\d_]{1,30}\b")
_PARTICLES = r"(?:van|de|der|den|het|'t|ter|ten|te|el|al|ben|bin|ibn|abu|da|di|du|la|le)"
_SURNAME = re.compile(rf"(?:[ ]{_PARTICLES}){{0,3}}[ ](?:[^\W\d_a-z][^\W\d_]{{1,30}}\b(?!\.))")
_HONORIFIC = re.compile(
    r"(?i:\b(?:mevrouw|meneer|mevr\.|mw\.|dhr\.|de[ ]heer|familie|fam\.|mr\.|mrs\.|ms\.|miss"
    rf"|mister|madam|madame))[ ]+(?:{_PARTICLES}[ ]+){{0,3}}(?P<name>[^\W\d_a-z][^\W\d_]{{1,30}}\b)"
)


_HONORIFIC_KEYS = ("mevr", "mw.", "meneer", "dhr.", "heer", "fam", "mr", "ms", "miss", "madam")


def find_names(text: str) -> list[Span]:
    """The spans of names: first names (with a surname right after them) and words after a
    form of address; in order, not overlapping."""
    names = first_names()
    spans: list[Span] = []
    low = text.lower()
    if any(k in low for k in _HONORIFIC_KEYS):
        spans += [m.span() for m in _HONORIFIC.finditer(text) if m.group("name")[0].isupper()]
    for m in _CAP_WORD.finditer(text):
        word = m.group(0)
        if word[0].isupper() and word.casefold() in names:
            end = m.end()
            surname = _SURNAME.match(text, end)
            if surname and surname.group(0).split()[-1].casefold() not in names:
                end = surname.end()
            spans.append((m.start(), end))
    return _disjoint(spans)


# --- addresses --------------------------------------------------------------------------------

_STREET = re.compile(
    r"\b(?:[^\W\d_][^\W\d_'-]{0,40}?(?i:straat|laan|weg|plein|gracht|kade|singel|dijk|steeg"
    r"|dreef|plantsoen|boulevard|allee)|(?i:street|road|avenue|lane))"
    r"[ ]{1,3}\d{1,4}"
    r"(?:[ ]?[a-zA-Z](?![\w])|[ ]?[-/][ ]?\d{1,4}(?!\d)|[ ](?:hs|bis)\b)?(?![\d,.]\d)"
)
# (the first digit before the boundary check lets the engine skip ahead to the digits)
_POSTCODE = re.compile(r"[1-9](?<!\w[1-9])\d{3}[ ]?(?!SA|SD|SS)[A-Z]{2}\b")
_STREET_KEYS = (
    "straat",
    "laan",
    "weg",
    "plein",
    "gracht",
    "kade",
    "singel",
    "dijk",
    "steeg",
    "dreef",
    "plantsoen",
    "boulevard",
    "allee",
    "street",
    "road",
    "avenue",
    "lane",
)
_PLACE = re.compile(r"[ ]{1,3}(?:'[st][ ])?[^\W\d_a-z][^\W\d_]{1,30}(?:[ -][A-Z][^\W\d_]{1,30})?")

# what may stand between two parts of one address, or a street's name and a first name in it
_JOIN = re.compile(r"[ ]?[,;]?[ ]{0,3}")
_IN_STREET = re.compile(rf"(?:[ ]{_PARTICLES})*[ ]")


def find_addresses(text: str) -> tuple[list[Span], list[Span]]:
    """The spans of addresses, and of postcodes that stand alone (without a place)."""
    low = text.lower()
    parts: list[Span] = []
    if any(k in low for k in _STREET_KEYS):
        parts += [m.span() for m in _STREET.finditer(text)]
    alone: list[Span] = []
    for m in _POSTCODE.finditer(text):
        place = _PLACE.match(text, m.end())
        if place and place.group(0).strip()[0].isupper():
            parts.append((m.start(), place.end()))
        else:
            alone.append(m.span())
    merged: list[Span] = []
    for start, end in sorted(parts):
        if merged and start <= merged[-1][1] + 4:
            gap = text[merged[-1][1] : start]
            if start <= merged[-1][1] or _JOIN.fullmatch(gap):
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
                continue
        merged.append((start, end))
    return merged, alone


# --- together ---------------------------------------------------------------------------------

NEAR = 100  # characters between a name and an address (or postcode) that make them one person's


def people(text: str, *, names: bool = True) -> list[tuple[str, Span]]:
    """The findings about people in ``text``: ``(kind, span)`` with kind ``birth_date``,
    ``name_address``, ``address`` or ``name``, in reading order."""
    found: list[tuple[str, Span]] = []
    low = text.lower()
    if any(k in low for k in _BIRTH_KEYS):
        found += [("birth_date", s) for s in find_birth_dates(text)]
    has_digit = any(d in text for d in "0123456789")
    addresses, postcodes = find_addresses(text) if has_digit else ([], [])
    who = find_names(text) if names else []
    # a first name that begins a street's name ("Ferdinand Bolstraat 12") is the street's
    starts = [a[0] for a in addresses]
    who = [n for n in who if not _in_street(text, n, addresses, starts)]
    ends = [n[1] for n in who]
    named: set[Span] = set()
    for place in sorted(addresses + postcodes):
        # the names that end in the NEAR characters before the place or start in those after
        # it (names do not overlap, so a binary search finds the few there are)
        i = bisect.bisect_left(ends, place[0] - NEAR)
        near = []
        while i < len(who) and who[i][0] <= place[1] + NEAR:
            if who[i][1] <= place[0] or who[i][0] >= place[1]:
                near.append(who[i])
            i += 1
        if near:
            found.append(("name_address", place))
            named.update(near)
        elif place in addresses:
            found.append(("address", place))
    dated = {s for _, s in found if _ == "birth_date"}
    for n in who:
        m = _DATE_AFTER_NAME.match(text, n[1])
        if m and _year(m) <= dt.date.today().year - 2 and m.span("date") not in dated:
            found.append(("birth_date", m.span("date")))
            named.add(n)
    found += [("name", n) for n in who if n not in named]
    return sorted(found, key=lambda kind_span: kind_span[1])


def _in_street(text: str, name: Span, addresses: list[Span], starts: list[int]) -> bool:
    """Whether ``name`` lies in an address, or only particles and a space part it from the
    start of the next one."""
    i = bisect.bisect_right(starts, name[0])
    if i and name[1] <= addresses[i - 1][1]:
        return True
    return i < len(addresses) and bool(_IN_STREET.fullmatch(text, name[1], addresses[i][0]))


def _disjoint(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            continue
        out.append((start, end))
    return out


__all__ = [
    "find_addresses",
    "find_birth_dates",
    "find_names",
    "find_vnumbers",
    "first_names",
    "people",
]
