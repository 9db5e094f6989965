"""Run the masker over the evidence corpus and print recall, false positives and timings.

    python -m bench.masking_corpus [--verbose]

Prints, never asserts: tests/test_masking.py holds the bar.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.masking.mask import mask

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "evidence_corpus.jsonl"
ROUNDS = 20  # timing rounds over the whole corpus, after one warm-up round


def main(verbose: bool = False) -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    expected, caught = Counter[str](), Counter[str]()
    ordinary = untouched = 0
    misses: list[str] = []
    for row in rows:
        result = mask(row["text"])
        spans = {(f.kind, row["text"][f.start : f.end]) for f in result.findings}
        for item in row["sensitive"]:
            expected[item["kind"]] += 1
            # Right kind and exactly the value: not left, not widened into ordinary text.
            if (item["kind"], item["value"]) in spans:
                caught[item["kind"]] += 1
            else:
                misses.append(f"missed {item['kind']}: {row['text']!r} -> {result.text!r}")
        if not row["sensitive"]:
            ordinary += 1
            untouched += result.text == row["text"]
            if result.text != row["text"]:
                misses.append(f"changed ordinary: {row['text']!r} -> {result.text!r}")

    mask(rows[0]["text"])
    times = []
    for _ in range(ROUNDS):
        for row in rows:
            start = time.perf_counter()
            mask(row["text"])
            times.append(time.perf_counter() - start)
    times.sort()
    two_kb = "\n".join(row["text"] for row in rows)[:2048]
    start = time.perf_counter()
    for _ in range(ROUNDS):
        mask(two_kb)
    two_kb_ms = (time.perf_counter() - start) / ROUNDS * 1000

    values = sum(expected.values())
    print(f"strings:                 {len(rows)} ({len(rows) - ordinary} with sensitive values)")
    print(f"sensitive values:        {values}")
    print(f"masked correctly:        {sum(caught.values())} (recall {sum(caught.values()) / values:.1%})")
    print(f"ordinary left untouched: {untouched}/{ordinary} (1 - FP rate {untouched / ordinary:.1%})")
    print(
        f"time per string:         mean {statistics.fmean(times) * 1000:.3f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.3f} ms, max {times[-1] * 1000:.3f} ms"
    )
    print(f"time for a 2 KB text:    {two_kb_ms:.3f} ms")
    print()
    print(f"{'kind':<20}{'values':>8}{'masked':>8}{'recall':>9}")
    for kind in sorted(expected, key=lambda k: -expected[k]):
        print(f"{kind:<20}{expected[kind]:>8}{caught[kind]:>8}{caught[kind] / expected[kind]:>9.1%}")
    if verbose or misses:
        print()
        print("\n".join(misses) or "no misses")


if __name__ == "__main__":
    main(verbose="--verbose" in sys.argv)
