"""Pairing entries of two versions of a document: exact keys first, then the most similar.

The importer pairs deliverables by title and items by text with these; a text edited a little, or
one that only grew at its end, still pairs with its old self.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import TypeVar

TITLE_SIMILARITY = 0.75
ITEM_SIMILARITY = 0.8


def normalise(text: str) -> str:
    """Casefolded, without markdown emphasis or code marks, spaces folded: what two versions are compared on."""
    return " ".join(text.casefold().replace("*", "").replace("`", "").split())


def similarity(a: str, b: str) -> float:
    """How alike two normalised texts are; a text that only grew at its end counts as the same."""
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 8 and long_.startswith(short):
        return max(0.9, SequenceMatcher(None, a, b).ratio())
    return SequenceMatcher(None, a, b).ratio()


T = TypeVar("T")
U = TypeVar("U")


def match(
    new: Sequence[T],
    old: Sequence[U],
    key_new: Callable[[T], str],
    key_old: Callable[[U], str],
    threshold: float,
    bonus: Callable[[T, U], bool] | None = None,
) -> dict[int, int]:
    """Pair new and old entries: exact keys first, then the most similar above `threshold`."""
    pairs: dict[int, int] = {}
    by_key: dict[str, list[int]] = {}
    for index, previous in enumerate(old):
        by_key.setdefault(key_old(previous), []).append(index)
    taken: set[int] = set()
    for index, entry in enumerate(new):
        candidates = [c for c in by_key.get(key_new(entry), []) if c not in taken]
        if bonus and len(candidates) > 1:
            candidates.sort(key=lambda c: not bonus(entry, old[c]))
        if candidates:
            pairs[index] = candidates[0]
            taken.add(candidates[0])
    left_old = [i for i in range(len(old)) if i not in taken]
    for index, entry in enumerate(new):
        if index in pairs or not left_old:
            continue
        wanted = key_new(entry)
        best, best_score = None, threshold
        for candidate in left_old:
            score = similarity(wanted, key_old(old[candidate]))
            if bonus and bonus(entry, old[candidate]):
                score += 0.15
            if score >= best_score:
                best, best_score = candidate, score
        if best is not None:
            pairs[index] = best
            left_old.remove(best)
    return pairs
