"""Contact details and identity numbers in a text, for the scanner (``privacy.scan_text``).

Each finder reads the normalised text (``privacy_normal``) and gives the spans it found:
e-mail addresses (also spelled out or spaced: "jan [at] gmail [dot] com"), IBANs (that pass
ISO 13616's mod-97 check), Dutch and international phone numbers (not public service numbers,
not dates), and BSNs (that pass the eleven-test). The digit gates say cheaply when no number
finder can match: every phone number, IBAN and BSN has a run of at least eight digits.
Every pattern does a bounded amount of work at each position, and ``blank`` masks what was
found in one pass, so the finders stay linear in the length of the text.
"""

from __future__ import annotations

import bisect
import re

# --- e-mail -----------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}(?![\w-])"
)
# spelled out or spaced to get past a filter: "jan [at] gmail [dot] com", "jan(at)gmail.com",
# "sara at hotmail dot com", "jan @ gmail . com" (a bare "at" only with a spelled-out "dot")
AT_WORD = re.compile(r"[ ]?[\[({<][ ]?(?i:at)[ ]?[\])}>][ ]?|[ ]+@[ ]*|@[ ]+|[ ](?i:at)[ ]")
_DOT_BRACKET = r"[ ]?[\[({<][ ]?(?i:dot|punt)[ ]?[\])}>][ ]?"
_EMAIL_SPELLED = re.compile(
    rf"""(?<![\w.%+-])[\w.%+-]{{1,64}}
    (?:
        (?:[ ]?[\[({{<][ ]?(?i:at)[ ]?[\])}}>][ ]?|[ ]+@[ ]*|@[ ]+)
        (?:[^\W_][\w-]{{0,62}}(?:{_DOT_BRACKET}|[ ]?\.[ ]?|[ ](?i:dot|punt)[ ]))+
      | [ ](?i:at)[ ](?:[^\W_][\w-]{{0,62}}(?:{_DOT_BRACKET}|[ ](?i:dot|punt)[ ]))+
    )
    [^\W\d_]{{2,24}}(?![\w-])""",
    re.VERBOSE,
)

# --- IBAN -------------------------------------------------------------------------------------

# two letters, two check digits, then 11 to 30 letters or digits, written solid or in groups
IBAN = re.compile(
    r"(?<![\w])([A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?)(?![\w])"
)
IBAN_SOLID = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}(?![\w])")


def iban_is_valid(text: str) -> bool:
    """ISO 13616 mod-97: move the first four characters to the end, letters to 10..35."""
    iban = re.sub(r"\s+", "", text).upper()
    if not (15 <= len(iban) <= 34) or not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", iban):
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def find_ibans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    grouped: tuple[list[int], list[tuple[int, int]]] = ([], [])
    for pattern in (IBAN, IBAN_SOLID):
        for m in pattern.finditer(text):
            start, end = m.span()
            candidate = m.group(0)
            # a grouped IBAN may have swallowed a following word: drop groups until valid
            while candidate and not iban_is_valid(candidate):
                if " " not in candidate.strip():
                    candidate = ""
                    break
                candidate = candidate.rstrip().rsplit(" ", 1)[0]
            if candidate and not _inside(grouped, start):
                spans.append((start, start + len(candidate)))
        if pattern is IBAN:
            # the grouped finds, in order and apart: a solid find is dropped when it starts
            # inside one (a binary search, so many IBANs cost n log n, not n squared)
            grouped = [s for s, _ in spans], spans[:]
    return spans


def _inside(spans: tuple[list[int], list[tuple[int, int]]], at: int) -> bool:
    """Whether ``at`` lies in one of ``spans`` (sorted, not overlapping; with their starts)."""
    starts, pairs = spans
    i = bisect.bisect_right(starts, at) - 1
    return i >= 0 and at < pairs[i][1]


# --- phone numbers ----------------------------------------------------------------------------

_SEP = r"(?:[ \t]?[-.][ \t]?|[ \t])"
# Dutch numbers have ten digits: 06 plus eight, or an area code (0XX or 0XXX) plus the rest.
# Free and paid service numbers (0800, 0900, 0906, 0909: helplines, the police's 0900-8844)
# are public, as are 112 and the municipalities' 14 plus area code; none is personal data.
_NL_PHONE = re.compile(
    rf"""(?<![\w.,/+-])
    (?!\(?0800|\(?090\d)
    (?:
        06{_SEP}?(?:\d{_SEP}?){{7}}\d
      | \(?0[1-9]\d\)?{_SEP}?(?:\d{_SEP}?){{6}}\d
      | \(?0[1-9]\d{{2}}\)?{_SEP}?(?:\d{_SEP}?){{5}}\d
    )
    (?![\w]|[.,]\d)""",
    re.VERBOSE,
)
# International: + or 00, a country code, then groups; 8 to 15 digits (E.164) in all.
_INTL_PHONE = re.compile(
    r"(?<![\w+.,/-])(?:\+|00)[1-9]\d{0,3}(?:[ \t]?\(0\))?(?:[ \t]?-?[ \t]?\(?\d{1,5}\)?){1,7}"
)
# a date at the start of a candidate: 06-02-2025 followed by a count is not a phone number;
# but "06.12.34.56.78" is one, not 6 December '34 and two counts (the separator goes on)
_DATE_START = re.compile(
    r"^\(?\d{1,2}([-/.])\d{1,2}\1(?:(?:19|20)\d{2}(?!\d)|\d{2}(?!\d)(?!\1\d\d\1\d))"
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def find_phones(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _NL_PHONE.finditer(text):
        if not _DATE_START.match(m.group(0)):
            spans.append(m.span())
    for m in _INTL_PHONE.finditer(text):
        start, end = m.span()
        candidate = m.group(0)
        number = candidate.replace("(0)", "")
        digits = _digits(number)
        if number.startswith("00"):
            digits = digits[2:]
        # a greedy match may run into the next number: drop trailing groups past 15 digits
        while len(digits) > 15 and re.search(r"[ \t-]", candidate.rstrip()):
            candidate = re.split(r"[ \t-]+(?=\(?\d+\)?$)", candidate.rstrip())[0]
            number = candidate.replace("(0)", "")
            digits = _digits(number)[2:] if number.startswith("00") else _digits(number)
        if 8 <= len(digits) <= 15 and not _DATE_START.match(candidate.lstrip("+")):
            spans.append((start, start + len(candidate.rstrip(" \t-"))))
    return spans


# --- BSN --------------------------------------------------------------------------------------

_BSN = re.compile(
    r"(?<![\w.,/+-])(?:\d{3}([ .-]?)\d{3}\1\d{3}|\d{8})(?![\w]|[.,/-]\d)",
)
# after its name a BSN is one even written against it or failing the eleven-test
# ("BSN123456782", "burgerservicenummer: 123 456 789"): it was meant as one
_BSN_NAMED = re.compile(
    r"(?i:\bbsn|burgerservicenummer|sofi-?nummer)[ \t]*(?:is|was|:|\#|=|nr\.?)?[ \t:.#=-]{0,3}"
    r"(?P<num>\d{3}([ .-]?)\d{3}\2\d{3}|\d{8,9})(?![\w]|[.,/-]\d)"
)


def bsn_is_valid(text: str) -> bool:
    """The eleven-test: weights 9..2 and -1 over nine digits (an eight-digit number is read
    with its lost leading zero); the sum must be a multiple of 11, and not all zeros."""
    digits = _digits(text)
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or not digits.strip("0"):
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def find_bsns(text: str) -> list[tuple[int, int]]:
    low = text.lower()
    named = []
    if "bsn" in low or "burgerservice" in low or "sofi" in low:
        named = [m.span("num") for m in _BSN_NAMED.finditer(text)]
    if not named:
        return [m.span() for m in _BSN.finditer(text) if bsn_is_valid(m.group(0))]
    hidden = blank(text, named)
    found = [m.span() for m in _BSN.finditer(hidden) if bsn_is_valid(m.group(0))]
    return sorted(found + named)


# --- the digit gates ----------------------------------------------------------------------

_DIGIT_RUNS = re.compile(r"\d+")
TO_ASCII_DIGITS = {
    zero + i: ord("0") + i for zero in (0x0660, 0x06F0, 0x07C0, 0x0966, 0xFF10) for i in range(10)
}


def digit_count(text: str) -> int:
    """How many digits ``text`` holds; ``str.count`` is far faster than a regex on ASCII.

    Other scripts' digits (Arabic-Indic, for one) count too: ``\\d`` in the finders matches them.
    """
    if text.isascii():
        return len(text) - len(text.encode("ascii").translate(None, b"0123456789"))
    return sum(map(len, _DIGIT_RUNS.findall(text)))


# digits held together by the separators numbers are written with: "06-1234 5678",
# "+31 (0)20 123", "123.456.782", the account part of "NL91 ABNA 0417 1643 00"
_NUMBER_CLUSTER = re.compile(r"\d(?:(?:[ \t]?[-./][ \t]?|[ \t()]{1,3})?\d)*")


# the same test for a whole column at once, as an RE2 pattern (pyarrow's regex engine): some
# chain of eight digits, each joined to the next by one of the cluster's separators; a text
# (of ASCII) matches it exactly when ``has_long_number`` is true (a test keeps them in step)
LONG_NUMBER_PATTERN = r"\d(?:(?:[ \t]?[-./][ \t]?|[ \t()]{1,3})?\d){7}"


def has_long_number(text: str) -> bool:
    """Whether some run of digits and separators holds eight digits or more.

    Every phone number, BSN and IBAN has one (an IBAN's account part does), while "3-2-2025,
    48 mensen, 1.234,50 euro" does not; so a text with many short numbers skips the finders.
    """
    if not text.isascii():
        text = text.translate(TO_ASCII_DIGITS)
    return any(len(c) >= 8 and digit_count(c) >= 8 for c in _NUMBER_CLUSTER.findall(text))


# --- e-mail, spelled out too -----------------------------------------------------------------


def find_emails(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _EMAIL.finditer(text)] if "@" in text else []
    low = text.lower()
    if not any(k in low for k in (" @", "@ ", "at]", "at)", "at}", "at>", " at ")):
        return spans
    spelled = [m.span() for m in _EMAIL_SPELLED.finditer(blank(text, spans))]
    return sorted(spans + spelled) if spelled else spans


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with every span replaced by as many spaces, built once: one pass over the text
    however many spans there are (replacing them one by one copied the text each time, which
    made a long text full of numbers quadratic)."""
    if not spans:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        pieces += [text[pos:start], " " * (end - start)]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)
