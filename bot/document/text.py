"""Plain-text helpers shared by what reads, writes back and draws a document."""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """Cut `text` to `limit` characters, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
