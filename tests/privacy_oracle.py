"""The personal-data scanner as it was before issue 16 (quadratic on long text), kept only as
the oracle of ``tests/test_privacy_linear.py``: the linear scanner must give the same findings
and the same masks. Not imported by the product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from evaluation.problems import Problem

Kind = Literal["email", "phone", "iban", "bsn"]

PROBLEM_CODES: dict[str, str] = {
    "email": "personal_email",
    "phone": "personal_phone",
    "iban": "personal_iban",
    "bsn": "personal_bsn",
}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text, as it was written."""

    kind: Kind
    match: str

    @property
    def code(self) -> str:
        """The problem code for this kind of finding."""
        return PROBLEM_CODES[self.kind]

    @property
    def masked(self) -> str:
        """The match with most characters hidden, so a message can point at it without
        repeating (and storing) the personal data itself."""
        text = self.match
        if self.kind == "email":
            local, _, domain = text.partition("@")
            return f"{local[:1]}***@{domain}"
        visible = 2 if self.kind in ("iban", "phone") else 0
        keep_end = 2
        head, rest = text[:visible], text[visible:]
        body = "".join("*" if ch.isalnum() else ch for ch in rest[:-keep_end])
        return head + body + rest[-keep_end:]


# --- e-mail -----------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}(?![\w-])"
)

# --- IBAN -------------------------------------------------------------------------------------

# two letters, two check digits, then 11 to 30 letters or digits, written solid or in groups
_IBAN = re.compile(
    r"(?<![\w])([A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?)(?![\w])"
)
_IBAN_SOLID = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}(?![\w])")


def iban_is_valid(text: str) -> bool:
    """ISO 13616 mod-97: move the first four characters to the end, letters to 10..35."""
    iban = re.sub(r"\s+", "", text).upper()
    if not (15 <= len(iban) <= 34) or not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", iban):
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def _find_ibans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in (_IBAN, _IBAN_SOLID):
        for m in pattern.finditer(text):
            start, end = m.span()
            candidate = m.group(0)
            # a grouped IBAN may have swallowed a following word: drop groups until valid
            while candidate and not iban_is_valid(candidate):
                if " " not in candidate.strip():
                    candidate = ""
                    break
                candidate = candidate.rstrip().rsplit(" ", 1)[0]
            if candidate and not any(s <= start < e for s, e in spans):
                spans.append((start, start + len(candidate)))
    return spans


# --- phone numbers ----------------------------------------------------------------------------

_SEP = r"(?:[ \t]?[-.][ \t]?|[ \t])"
# Dutch numbers have ten digits: 06 plus eight, or an area code (0XX or 0XXX) plus the rest.
_NL_PHONE = re.compile(
    rf"""(?<![\w.,/+-])
    (?:
        06{_SEP}?(?:\d{_SEP}?){{7}}\d
      | \(?0[1-9]\d\)?{_SEP}?(?:\d{_SEP}?){{6}}\d
      | \(?0[1-9]\d{{2}}\)?{_SEP}?(?:\d{_SEP}?){{5}}\d
      | 0[89]0[069]{_SEP}?\d{{4}}(?:\d{{3}})?
    )
    (?![\w]|[.,]\d)""",
    re.VERBOSE,
)
# International: + or 00, a country code, then groups; 8 to 15 digits (E.164) in all.
_INTL_PHONE = re.compile(
    r"(?<![\w+.,/-])(?:\+|00)[1-9]\d{0,3}(?:[ \t]?\(0\))?(?:[ \t]?-?[ \t]?\(?\d{1,5}\)?){1,7}"
)
# a date at the start of a candidate: 06-02-2025 followed by a count is not a phone number
_DATE_START = re.compile(r"^\(?\d{1,2}([-/.])\d{1,2}\1(?:\d{2}|(?:19|20)\d{2})(?!\d)")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _find_phones(text: str) -> list[tuple[int, int]]:
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


def _find_bsns(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _BSN.finditer(text) if bsn_is_valid(m.group(0))]


# --- the scanner ------------------------------------------------------------------------------

_DIGIT_RUNS = re.compile(r"\d+")
_TO_ASCII_DIGITS = {
    zero + i: ord("0") + i for zero in (0x0660, 0x06F0, 0x07C0, 0x0966, 0xFF10) for i in range(10)
}


def _digit_count(text: str) -> int:
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
# (of ASCII) matches it exactly when ``_has_long_number`` is true (a test keeps them in step)
LONG_NUMBER_PATTERN = r"\d(?:(?:[ \t]?[-./][ \t]?|[ \t()]{1,3})?\d){7}"


def _has_long_number(text: str) -> bool:
    """Whether some run of digits and separators holds eight digits or more.

    Every phone number, BSN and IBAN has one (an IBAN's account part does), while "3-2-2025,
    48 mensen, 1.234,50 euro" does not; so a text with many short numbers skips the finders.
    """
    if not text.isascii():
        text = text.translate(_TO_ASCII_DIGITS)
    return any(len(c) >= 8 and _digit_count(c) >= 8 for c in _NUMBER_CLUSTER.findall(text))


def scan_text(text: str) -> list[Finding]:
    """Every e-mail address, phone number, IBAN and BSN in ``text``, in reading order."""
    if not isinstance(text, str) or not text:
        return []
    # Cheap gates first: most notes have no "@" and fewer than eight digits, and then no
    # finder can match (every phone number, IBAN and BSN has at least eight digits).
    has_at = "@" in text
    has_digits = _digit_count(text) >= 8 and _has_long_number(text)
    if not (has_at or has_digits):
        return []
    found: list[tuple[int, Finding]] = []
    # digits of other scripts (Arabic-Indic, Persian, full-width) read as 0-9, one character
    # for one, so positions in ``work`` are positions in ``text``
    work = text if text.isascii() else text.translate(_TO_ASCII_DIGITS)
    finders = []
    if has_at:
        finders.append(("email", lambda s: [m.span() for m in _EMAIL.finditer(s)]))
    if has_digits:
        finders += [("iban", _find_ibans), ("phone", _find_phones), ("bsn", _find_bsns)]
    for kind, finder in finders:
        spans = finder(work)
        for start, end in spans:
            found.append((start, Finding(kind=kind, match=text[start:end])))
        hide = spans
        if kind == "iban":
            # an IBAN-shaped string that fails mod-97 is not a phone number or BSN either
            hide = spans + [m.span() for p in (_IBAN, _IBAN_SOLID) for m in p.finditer(work)]
        for start, end in hide:  # hide what was found from the later finders
            work = work[:start] + " " * (end - start) + work[end:]
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def text_problems(
    text: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    column: str | None = None,
) -> list[Problem]:
    """One error per finding in ``text``, located at ``cell``.

    The problem's value is the masked match, never the personal data itself, because
    problems are kept with the submission's validation result.
    """
    return [
        Problem(
            code=finding.code,
            severity="error",
            sheet=sheet,
            cell=cell,
            column=column,
            value=finding.masked,
        )
        for finding in scan_text(text)
    ]


__all__ = [
    "LONG_NUMBER_PATTERN",
    "PROBLEM_CODES",
    "Finding",
    "bsn_is_valid",
    "iban_is_valid",
    "scan_text",
    "text_problems",
]
