"""The linear personal-data scan finds exactly what the earlier, quadratic one found.

``tests/privacy_oracle.py`` is a copy of ``evaluation/ingest/privacy.py`` as it was before
issue 16; it is the oracle here and nowhere else. Hypothesis builds texts from the pieces the
scanner cares about (e-mail addresses, Dutch and international phone numbers, valid and
invalid IBANs, BSNs that pass and fail the eleven-test, dates, amounts, separators, other
scripts' digits) so that hits sit next to, inside and across each other, and the two scanners
must agree on every finding: kind, text and mask, in order.

One difference is on purpose (issue 16, point 6): public service numbers (0800, 0900, 0906,
0909) are no longer phone numbers, so they are not among the pieces and
``test_public_service_numbers_are_the_one_difference`` holds the change instead.

How long a scan takes is measured by ``benchmarks/hostile.py`` (256 KB to 2 MB), not here.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.privacy_oracle as oracle
from evaluation.ingest import privacy

PIECES = [
    "fatima.h@example.nl", "a@b.co", "x@y", "@", "info@buurt-huis.amsterdam", "jan@@mail.nl",
    "06-12345678", "06 1234 5678", "020-1234567", "(020) 123 45 67", "0700 012", "0612",
    "+31 6 12345678", "+31 (0)20 123 4567", "0031 20 1234567", "+1 555 123 4567 8901 2345",
    "NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "NL91 ABNA 0417 1643 00 extra",
    "NL12ABNA0123456789", "GB82WEST12345698765432", "DE89 3704 0044 0532 0130 00",
    "111222333", "111.222.333", "111-222-333", "123456789", "12345678", "999999999",
    "3-2-2025", "06-02-2025", "2025-01-31", "1.234,50", "2025-Q1", "48", "12", "0",
    "\u0660\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",  # Arabic-Indic digits
    "\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18",  # full-width digits
    "buren", "koken", "é", "-", ".", ",", "/", "(", ")", "+", " ", "\t", "\n", "  ",
]  # fmt: skip
GLUE = ["", " ", "-", ".", "/", ", ", "\n", "(", ")", "+", "a", "0"]


def _text(parts: list[tuple[str, str]]) -> str:
    return "".join(piece + glue for piece, glue in parts)


texts = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GLUE)), max_size=12).map(_text)


def _findings(module, text: str) -> list[tuple[str, str, str]]:
    return [(f.kind, f.match, f.masked) for f in module.scan_text(text)]


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(texts)
def test_same_findings_and_masks_as_the_earlier_scanner(text):
    assert _findings(privacy, text) == _findings(oracle, text)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from("0123456789 -./()+@abNL\u0660\uff10"), max_size=200))
def test_same_findings_on_dense_digit_soup(text):
    """Runs of digits and separators, where the finders' spans touch and overlap most."""
    assert _findings(privacy, text) == _findings(oracle, text)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES[:26]), min_size=50, max_size=200))
def test_same_findings_when_hits_are_dense(pieces):
    """Many hits in one text: the masks are applied in one pass, with the same result."""
    text = " ".join(pieces)
    assert _findings(privacy, text) == _findings(oracle, text)


def test_public_service_numbers_are_the_one_difference():
    for text in ("bel 0800-0113", "0900 1234", "0900-8844 (politie)", "0906-1234567"):
        assert [f.kind for f in oracle.scan_text(text)] == ["phone"]
        assert privacy.scan_text(text) == []
    assert [f.kind for f in privacy.scan_text("bel 0800-0113 of 06-12345678")] == ["phone"]


def test_text_problems_carry_the_same_masked_values():
    text = "Bel 06-12345678 of mail fatima.h@example.nl; rekening NL91 ABNA 0417 1643 00."
    new = privacy.text_problems(text, sheet="Verhalen", cell="Verhalen!C3")
    old = oracle.text_problems(text, sheet="Verhalen", cell="Verhalen!C3")
    assert new == old
    assert [p.code for p in new] == ["personal_phone", "personal_email", "personal_iban"]
