"""The personal-data guard on long text (issue 16, point 6): seconds per size, 256 KB to 2 MB,
and the ratio per doubling (about 2 for a linear scan, 4 for a quadratic one).

Three texts, each with personal data sprinkled in (5 % of the words):

- ``plain``: Dutch words, dates, amounts and counts with names, addresses, dates of birth,
  V-nummers, phone numbers and e-mail addresses (spelled out too);
- ``hidden``: the same with zero-width spaces and full-width digits, so that the normalising
  step does its slow path on every piece;
- ``names``: capitalised words and first names only, the name check's worst case.

Also the scan of the 85-odd cases of ``tests/data/privacy_corpus.yaml`` (milliseconds for
all), and the module's import time in a fresh interpreter.

    .venv/bin/python benchmarks/privacy.py [--max-kb 2048]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ["buren", "koken", "samen", "avond", "taal", "2025", "3-2-2025", "48", "1.234,50",
         "nieuwkomer", "tafel", "verhaal", "De", "Het", "Kalverstraat", "op", "12",
         "Q1"]  # fmt: skip
HITS = ["Fatima", "Jan de Vries, Kalverstraat 12", "geboren op 12-03-1987", "V-nummer 1234567890",
        "06-12345678", "jan [at] gmail [dot] com", "fatima@example.nl", "1012 AB Amsterdam",
        "bel 0800-0113", "BSN123456782"]  # fmt: skip


def long_text(size: int, kind: str, seed: int = 16) -> str:
    rnd = random.Random(seed)
    parts: list[str] = []
    n = 0
    while n < size:
        if kind == "names":
            w = rnd.choice(["Fatima", "Mohammed", "Olena", "De", "Kalverstraat", "Buurt", "Jan"])
        else:
            w = rnd.choice(HITS) if rnd.random() < 0.05 else rnd.choice(WORDS)
        if kind == "hidden":
            w = w.replace("1", "\uff11").replace("a", "a\u200b")
        parts.append(w)
        n += len(w) + 1
    return " ".join(parts)[:size]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-kb", type=int, default=2048)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import evaluation.ingest.privacy"], check=True, cwd=ROOT)
    print(f"import of evaluation.ingest.privacy in a fresh interpreter: "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip

    from evaluation.catalogue import load_yaml
    from evaluation.ingest.privacy import scan_text, scanner_for

    cases = load_yaml(ROOT / "tests" / "data" / "privacy_corpus.yaml")["cases"]
    start = time.perf_counter()
    for case in cases:
        scanner_for(*case["field"].split("."))(case["text"])
    print(f"corpus of {len(cases)} cases: {(time.perf_counter() - start) * 1000:.1f} ms")

    for kind in ("plain", "hidden", "names"):
        print(f"scan of one long text, {kind} (seconds; ratio to the size before)")
        previous = None
        size = 256 * 1024
        while size <= args.max_kb * 1024:
            text = long_text(size, kind)
            start = time.perf_counter()
            found = scan_text(text)
            seconds = time.perf_counter() - start
            ratio = f"{seconds / previous:5.2f}x" if previous else "     -"
            print(f"   {size // 1024:5d} KB: {seconds:8.3f} s  {ratio}  ({len(found)} findings)")
            previous = seconds
            size *= 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
