"""The text the personal-data checks read: NFKC-normalised, invisible characters removed,
with a map back to the text as the user typed it.

A zero-width space inside a phone number, full-width digits or a full-width "@", soft hyphens
in an IBAN, no-break spaces between digit groups: each defeats a pattern that reads the text
as typed, and none changes what a reader sees. So every check reads ``Normalised.text``: the
NFKC form (full-width and other compatibility forms become their plain letters, digits and
punctuation; no-break and thin spaces become spaces), without the characters that show
nothing (zero-width space, joiners, word joiner, soft hyphen, byte-order mark, direction marks).

Findings are reported against the original: ``Normalised.span`` turns a span of the checked
text into the span of the characters the user typed, so a message and its mask point at what
is in the cell, invisible characters included.

The work is linear in the length of the text: ASCII text is its own normal form (no work),
and only the runs of other characters are looked at, one pass each.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

# characters that show nothing (or only a break opportunity) and are dropped before checking
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\u3164\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c"
    "\ufe0d\ufe0e\ufe0f\ufeff\uffa0"
)
_INVISIBLE_SET = frozenset(INVISIBLE)
_INVISIBLE_RUN = re.compile(f"[{INVISIBLE}]+")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


@dataclass
class Normalised:
    """The checked text, and where each of its pieces came from in the original."""

    text: str
    # pieces of ``text``: where each starts in ``text`` and in the original, how long it is in
    # each, and whether it is a copy (then positions inside map one to one)
    starts: list[int] = field(default_factory=list)
    pieces: list[tuple[int, int, int, bool]] = field(default_factory=list)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the span ``start:end`` of ``text`` was made from."""
        if not self.pieces:
            return start, end
        return self._at(start, end=False), self._at(end, end=True)

    def _at(self, pos: int, *, end: bool) -> int:
        probe = pos - 1 if end else pos
        i = max(bisect.bisect_right(self.starts, probe) - 1, 0)
        norm_start = self.starts[i]
        orig_start, _, orig_len, copy = self.pieces[i]
        if copy:
            return orig_start + min(pos - norm_start, orig_len)
        return orig_start + orig_len if end else orig_start


def normalise(text: str) -> Normalised:
    """``text`` in the form every check reads (see the module's docstring)."""
    if text.isascii():
        return Normalised(text)
    runs = list(_NON_ASCII_RUN.finditer(text))
    out: list[str] = []
    starts: list[int] = []
    pieces: list[tuple[int, int, int, bool]] = []
    norm_pos = 0
    orig_pos = 0

    def copy(upto: int) -> None:
        nonlocal norm_pos, orig_pos
        if upto > orig_pos:
            length = upto - orig_pos
            out.append(text[orig_pos:upto])
            starts.append(norm_pos)
            pieces.append((orig_pos, length, length, True))
            norm_pos += length
            orig_pos = upto

    for run in runs:
        start, end = run.span()
        # a combining mark belongs with the letter before it ("e" + U+0301 is "é")
        if start > orig_pos and unicodedata.combining(text[start]):
            start -= 1
        chunk = text[start:end]
        if unicodedata.is_normalized("NFKC", chunk):
            # already in normal form: copy it, leaving out the invisible characters
            for gap in _INVISIBLE_RUN.finditer(chunk):
                copy(start + gap.start())
                orig_pos = start + gap.end()
            copy(end)
            continue
        copy(start)
        for cluster_start, cluster in _clusters(chunk, start):
            kept = "".join(ch for ch in cluster if ch not in _INVISIBLE_SET)
            normal = unicodedata.normalize("NFKC", kept) if kept else ""
            if normal == cluster:
                copy(cluster_start + len(cluster))
                continue
            orig_pos = cluster_start + len(cluster)
            if normal:
                out.append(normal)
                starts.append(norm_pos)
                pieces.append((cluster_start, len(normal), len(cluster), False))
                norm_pos += len(normal)
    copy(len(text))
    normalised = "".join(out)
    if normalised == text:
        return Normalised(text)
    return Normalised(normalised, starts, pieces)


def _clusters(chunk: str, offset: int):
    """``chunk`` as (position in the original, a character with its combining marks)."""
    i = 0
    n = len(chunk)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(chunk[j]):
            j += 1
        yield offset + i, chunk[i:j]
        i = j


__all__ = ["INVISIBLE", "Normalised", "normalise"]
