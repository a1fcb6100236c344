"""The personal-data scanner for free text: contact details, identity numbers, people.

The product stores counts and stories, never contact details or identity numbers (design
brief, section 5). Every text a user types (the columns marked ``free_text`` in
``data/sections.yaml``, the profile's name and place among them, and text indicator values)
is passed through ``scan_text`` on upload (``scanner_for`` picks the scan per field). An
e-mail address (also spelled out: "jan [at] gmail [dot] com"), phone number, IBAN, BSN,
V-nummer, date of birth, or a name with an address refuses the upload with a located message
(codes ``personal_<kind>``, strings in ``problems-safety.yaml`` and ``problems-privacy.yaml``);
a name alone or an address alone is a warning that says how to write it instead
(``privacy_people``). Public service numbers (0800, 0900, 112, 14 plus area code) are not
personal data.

Every check reads the text normalised (``privacy_normal``: NFKC, invisible characters
removed), so a zero-width space or full-width digits hide nothing; findings are reported
against the text as the user typed it.

The scanner is tuned to flag what looks like contact or identity data and to stay quiet on
what reports are full of: years (2025), dates (3-2-2025, 2025-01-31), amounts (1.234,50),
counts and periods (2025-Q1). Numbers are checked, not just matched: an IBAN must pass
ISO 13616's mod-97 check and a BSN the eleven-test, so a random 9-digit count is flagged
only when it happens to pass the eleven-test (about one in eleven such numbers do; a report
rarely has 9-digit counts). Each kind is searched in turn and its hits masked out, so the
digits of an IBAN or an e-mail address are not reported again as a phone number or BSN.

The scan is linear in the length of the text: every pattern does a bounded amount of work at
each position, the masks are applied in one pass per kind, and overlap between the two IBAN
patterns is found by binary search (``benchmarks/hostile.py`` and ``benchmarks/privacy.py``
time 256 KB to 2 MB of text; ``tests/test_privacy_linear.py`` holds the number finders to the
findings of the earlier, quadratic scanner).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal, cast

from evaluation.ingest.privacy_normal import normalise
from evaluation.ingest.privacy_people import find_vnumbers, first_names, people
from evaluation.problems import Problem

Kind = Literal[
    "email", "phone", "iban", "bsn", "vnumber", "birth_date", "name_address", "address", "name"
]

PROBLEM_CODES: dict[str, str] = {
    "email": "personal_email",
    "phone": "personal_phone",
    "iban": "personal_iban",
    "bsn": "personal_bsn",
    "vnumber": "personal_vnumber",
    "birth_date": "personal_birth_date",
    "name_address": "personal_name_address",
    "address": "personal_address",
    "name": "personal_name",
}
# a name alone, or an address alone, is said but does not refuse the upload
WARNING_KINDS = frozenset({"address", "name"})


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
    def severity(self) -> Literal["error", "warning"]:
        """A name or an address alone is a warning; everything else refuses the upload."""
        return "warning" if self.kind in WARNING_KINDS else "error"

    @property
    def masked(self) -> str:
        """The match with most characters hidden, so a message can point at it without
        repeating (and storing) the personal data itself."""
        text = self.match
        if self.kind == "email":
            local, at, domain = text.partition("@")
            if not at:  # spelled out: "jan [at] gmail [dot] com"
                text = normalise(text).text
                local, at, domain = text.partition("@")
                spelled = None if at else _AT_WORD.search(text)
                if spelled:
                    local, domain = text[: spelled.start()], text[spelled.start() :]
            return f"{local[:1]}***{'@' if at else ''}{domain}"
        if self.kind == "name":
            # initials, the way the hint suggests writing the name: "Jan de Vries" -> "J. de V."
            return " ".join(w[0] + "." if w[:1].isupper() else w for w in text.split())
        if self.kind in ("address", "name_address", "birth_date"):
            return "".join("*" if ch.isdigit() else ch for ch in text)
        visible = 2 if self.kind in ("iban", "phone") else 0
        keep_end = 2
        head, rest = text[:visible], text[visible:]
        body = "".join("*" if ch.isalnum() else ch for ch in rest[:-keep_end])
        return head + body + rest[-keep_end:]


# --- e-mail -----------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}(?![\w-])"
)
# spelled out or spaced to get past a filter: "jan [at] gmail [dot] com", "jan(at)gmail.com",
# "sara at hotmail dot com", "jan @ gmail . com" (a bare "at" only with a spelled-out "dot")
_AT_WORD = re.compile(r"[ ]?[\[({<][ ]?(?i:at)[ ]?[\])}>][ ]?|[ ]+@[ ]*|@[ ]+|[ ](?i:at)[ ]")
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
    grouped: tuple[list[int], list[tuple[int, int]]] = ([], [])
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
            if candidate and not _inside(grouped, start):
                spans.append((start, start + len(candidate)))
        if pattern is _IBAN:
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


def _find_bsns(text: str) -> list[tuple[int, int]]:
    low = text.lower()
    named = []
    if "bsn" in low or "burgerservice" in low or "sofi" in low:
        named = [m.span("num") for m in _BSN_NAMED.finditer(text)]
    if not named:
        return [m.span() for m in _BSN.finditer(text) if bsn_is_valid(m.group(0))]
    hidden = _blank(text, named)
    found = [m.span() for m in _BSN.finditer(hidden) if bsn_is_valid(m.group(0))]
    return sorted(found + named)


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


def candidate_pattern() -> str:
    """The column gate for long sheets, as one RE2 pattern (pyarrow's regex engine) that
    Python's ``re`` reads alike: an ASCII text that does not match it (and has no "@") can
    hold no finding, so the scanner need not see it. It is wider than the scanner's own
    gates: seven digits held together (a V-nummer's least; every phone number, IBAN and BSN
    has eight), the word "at", a birth keyword, a street word or postcode before a digit or
    a place, a form of address, or a first name in any case. Texts with other scripts always
    go to the scanner. Each case-blind part says so in its own group (``(?i:...)``): a bare
    ``(?i)`` reaches to the end of an RE2 pattern, and made the postcode (capitals, as the
    scanner reads it) match "2025 kw", sending every note with a date to the scanner."""
    names = "|".join(sorted(re.escape(n) for n in first_names() if n.isascii()))
    return "|".join(
        [
            r"\d(?:(?:[ \t]?[-./][ \t]?|[ \t()]{1,3})?\d){6}",
            r"(?i:\bat\b|geb|born|birth|d\.?o\.?b)",
            r"(?i:straat|laan|weg|plein|gracht|kade|singel|dijk|steeg|dreef|plantsoen"
            r"|boulevard|allee|street|road|avenue|lane) {1,3}\d",
            r"[1-9]\d{3} ?[A-Z]{2}",
            r"(?i:\b(?:mevrouw|meneer|mevr|mw|dhr|heer|familie|fam|mr|mrs|ms|miss|mister|madam"
            r"|madame)\b)",
            rf"(?i:\b(?:{names})\b)",
        ]
    )


def _has_long_number(text: str) -> bool:
    """Whether some run of digits and separators holds eight digits or more.

    Every phone number, BSN and IBAN has one (an IBAN's account part does), while "3-2-2025,
    48 mensen, 1.234,50 euro" does not; so a text with many short numbers skips the finders.
    """
    if not text.isascii():
        text = text.translate(_TO_ASCII_DIGITS)
    return any(len(c) >= 8 and _digit_count(c) >= 8 for c in _NUMBER_CLUSTER.findall(text))


def scan_text(text: str, *, names: bool = True) -> list[Finding]:
    """Every piece of personal data in ``text``, in reading order: e-mail addresses, phone
    numbers, IBANs, BSNs, V-nummers and dates of birth (errors), and names and addresses
    (``privacy_people``; a name with an address is an error). ``names`` False leaves out the
    name checks (for a field that holds a name by design, such as the initiative's).

    Every check reads the normalised text (``privacy_normal``); each finding's ``match`` is
    the text as the user typed it, invisible characters and full-width forms included."""
    if not isinstance(text, str) or not text:
        return []
    norm = normalise(text)
    # digits of other scripts (Arabic-Indic, Persian) read as 0-9, one character for one, so
    # positions in ``work`` are positions in the normalised text
    work = norm.text if norm.text.isascii() else norm.text.translate(_TO_ASCII_DIGITS)
    # Cheap gates first: most notes have no "@" and fewer than eight digits, and then no
    # number finder can match (every phone number, IBAN and BSN has at least eight digits).
    has_at = "@" in work
    low = work.lower()
    spelled = any(k in low for k in ("at]", "at)", "at}", "at>", " at "))
    digits = _digit_count(work)
    has_digits = digits >= 8 and _has_long_number(work)
    found: list[tuple[int, Finding]] = []

    def add(kind: Kind, spans: list[tuple[int, int]]) -> None:
        for start, end in spans:
            o_start, o_end = norm.span(start, end)
            found.append((o_start, Finding(kind=kind, match=text[o_start:o_end])))

    finders: list[tuple[Kind, Callable[[str], list[tuple[int, int]]]]] = []
    if has_at or spelled:
        finders.append(("email", _find_emails))
    if has_digits:
        finders += [("iban", _find_ibans)]
    if digits >= 7:
        finders += [("vnumber", find_vnumbers)]
    if has_digits:
        finders += [("phone", _find_phones), ("bsn", _find_bsns)]
    for kind, finder in finders:
        spans = finder(work)
        add(kind, spans)
        hide = spans
        if kind == "iban":
            # an IBAN-shaped string that fails mod-97 is not a phone number or BSN either
            hide = spans + [m.span() for p in (_IBAN, _IBAN_SOLID) for m in p.finditer(work)]
        work = _blank(work, hide)  # hide what was found from the later finders
    for person_kind, span in people(work, names=names):
        add(cast(Kind, person_kind), [span])  # birth_date, name_address, address or name
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def _find_emails(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _EMAIL.finditer(text)] if "@" in text else []
    low = text.lower()
    if not any(k in low for k in (" @", "@ ", "at]", "at)", "at}", "at>", " at ")):
        return spans
    spelled = [m.span() for m in _EMAIL_SPELLED.finditer(_blank(text, spans))]
    return sorted(spans + spelled) if spelled else spans


def scanner_for(section: str, column: str) -> Callable[[str], list[Finding]]:
    """The scan for one field: the initiative's name and place are names by design, so the
    name checks are left out there (contact and identity data are still refused)."""
    if section == "profile" and column in ("name", "city"):
        return partial(scan_text, names=False)
    return scan_text


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
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


CANDIDATE_PATTERN = candidate_pattern()


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
            severity=finding.severity,
            sheet=sheet,
            cell=cell,
            column=column,
            value=finding.masked,
        )
        for finding in scan_text(text)
    ]


__all__ = [
    "CANDIDATE_PATTERN",
    "LONG_NUMBER_PATTERN",
    "PROBLEM_CODES",
    "Finding",
    "bsn_is_valid",
    "iban_is_valid",
    "scan_text",
    "scanner_for",
    "text_problems",
]
