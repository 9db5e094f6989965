"""Time parsing a 2,000-deliverable document: `python -m bench.parse_bench [N]`. Prints, never asserts."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from bench.generate import generate_document
from bot.document.charset import repair
from bot.document.export import render_markdown
from bot.document.plan import Language
from bot.document.read import parse_document


def _timings(function: Callable[[str], object], argument: str, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function(argument)
        timings.append(time.perf_counter() - start)
    return timings


def main(n: int = 2000, runs: int = 5) -> None:
    """Generate a document with `n` deliverables and print how long repairing and parsing take."""
    languages: tuple[Language, ...] = ("es", "en")
    for language in languages:
        text = generate_document(n, language)
        plan = parse_document(text)
        print(f"{language}: {n} deliverables, {len(text.splitlines())} lines, {len(text) / 1024:.0f} KiB")
        for name, function in (("repair", repair), ("parse_document", parse_document)):
            timings = _timings(function, text, runs)
            median, best = statistics.median(timings) * 1000, min(timings) * 1000
            print(f"  {name:<15} median {median:7.1f} ms, best {best:7.1f} ms")
        start = time.perf_counter()
        render_markdown(plan)
        print(f"  {'render_markdown':<15} once   {(time.perf_counter() - start) * 1000:7.1f} ms")
        items = sum(len(d.items) for d in plan.deliverables)
        print(f"  parsed: {len(plan.deliverables)} deliverables, {items} items")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
