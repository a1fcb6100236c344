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
against the text as the user typed it. The finders of contact details and identity numbers
are ``privacy_numbers``; this module runs them in turn, then ``privacy_people``.

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

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal, cast

from evaluation.ingest.privacy_normal import normalise
from evaluation.ingest.privacy_numbers import (
    AT_WORD,
    IBAN,
    IBAN_SOLID,
    LONG_NUMBER_PATTERN,
    TO_ASCII_DIGITS,
    blank,
    bsn_is_valid,
    digit_count,
    find_bsns,
    find_emails,
    find_ibans,
    find_phones,
    has_long_number,
    iban_is_valid,
)
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
                spelled = None if at else AT_WORD.search(text)
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


# --- the scanner ------------------------------------------------------------------------------


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
    work = norm.text if norm.text.isascii() else norm.text.translate(TO_ASCII_DIGITS)
    # Cheap gates first: most notes have no "@" and fewer than eight digits, and then no
    # number finder can match (every phone number, IBAN and BSN has at least eight digits).
    has_at = "@" in work
    low = work.lower()
    spelled = any(k in low for k in ("at]", "at)", "at}", "at>", " at "))
    digits = digit_count(work)
    has_digits = digits >= 8 and has_long_number(work)
    found: list[tuple[int, Finding]] = []

    def add(kind: Kind, spans: list[tuple[int, int]]) -> None:
        for start, end in spans:
            o_start, o_end = norm.span(start, end)
            found.append((o_start, Finding(kind=kind, match=text[o_start:o_end])))

    finders: list[tuple[Kind, Callable[[str], list[tuple[int, int]]]]] = []
    if has_at or spelled:
        finders.append(("email", find_emails))
    if has_digits:
        finders += [("iban", find_ibans)]
    if digits >= 7:
        finders += [("vnumber", find_vnumbers)]
    if has_digits:
        finders += [("phone", find_phones), ("bsn", find_bsns)]
    for kind, finder in finders:
        spans = finder(work)
        add(kind, spans)
        hide = spans
        if kind == "iban":
            # an IBAN-shaped string that fails mod-97 is not a phone number or BSN either
            hide = spans + [m.span() for p in (IBAN, IBAN_SOLID) for m in p.finditer(work)]
        work = blank(work, hide)  # hide what was found from the later finders
    for person_kind, span in people(work, names=names):
        add(cast(Kind, person_kind), [span])  # birth_date, name_address, address or name
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def scanner_for(section: str, column: str) -> Callable[[str], list[Finding]]:
    """The scan for one field: the initiative's name and place are names by design, so the
    name checks are left out there (contact and identity data are still refused)."""
    if section == "profile" and column in ("name", "city"):
        return partial(scan_text, names=False)
    return scan_text


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
