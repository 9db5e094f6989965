"""Modals: handing in evidence and importing a new version of the document."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Modal listeners are added with the evidence feature."""
