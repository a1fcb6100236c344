"""The column gate before the personal-data scan lets through every text with a finding.

A long sheet's free-text cells go to ``privacy.scan_text`` only when the gate
(``validate._candidates``: an "@", other scripts, or ``privacy.CANDIDATE_PATTERN`` in Arrow)
says they may hold personal data; a text the gate stops is reported as clean. So the gate
must be wider than the scanner: here every text of the committed corpus and of generated
mixes of the pieces the scanner looks for that has a finding passes it, and the pattern
reads the same in Arrow's RE2 and Python's ``re``.
"""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.ingest import privacy
from evaluation.ingest.validate import _candidates
from tests.test_privacy_corpus import cases
from tests.test_privacy_linear import GLUE, PIECES

PEOPLE = [
    "Jan", "jan", "Fatima", "de Vries", "van der Berg", "Kalverstraat 12", "Dorpsweg 3a",
    "1012 AB", "1012AB", "1012 ab", "Amsterdam", "Utrecht", "geboren op", "born", "d.o.b.",
    "12-03-1987", "(1987)", "mevrouw", "Dhr.", "de heer", "fam.", "[at]", "(at)", " at ",
    "[dot]", "gmail", "V-nummer", "v-nr", "1234567890", "2025 kwamen", "BSN",
]  # fmt: skip
mixed = st.lists(
    st.tuples(st.sampled_from(PIECES + PEOPLE), st.sampled_from([*GLUE, " ", ". "])),
    max_size=10,
).map(lambda parts: "".join(piece + glue for piece, glue in parts))


def _passes(texts: list[str]) -> list[bool]:
    return _candidates(pd.Series(texts, dtype=object)).tolist()


def test_every_corpus_text_with_a_finding_passes_the_gate():
    texts = [c["text"] for c in cases()]
    found = [bool(privacy.scan_text(t)) for t in texts]
    assert any(found)
    for text, hit, gate in zip(texts, found, _passes(texts), strict=True):
        assert gate or not hit, text


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(mixed, min_size=1, max_size=20))
def test_every_generated_text_with_a_finding_passes_the_gate(texts):
    for text, gate in zip(texts, _passes(texts), strict=True):
        assert gate or not privacy.scan_text(text), text


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(mixed, min_size=1, max_size=20))
def test_the_pattern_reads_the_same_in_arrow_and_python(texts):
    pattern = re.compile(privacy.CANDIDATE_PATTERN)
    ascii_texts = [t for t in texts if t.isascii() and "@" not in t]
    expected = [pattern.search(t) is not None for t in ascii_texts]
    assert _passes(ascii_texts) == expected


def test_a_note_with_a_date_and_an_amount_does_not_need_the_scanner():
    note = "Op 3-2-2025 kwamen er 45 mensen, samen 1.234,50 euro aan boodschappen."
    assert _passes([note, "Postcode 1012 AB", "Kalverstraat 12"]) == [False, True, True]
