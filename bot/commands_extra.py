"""Commands that run the app against Slack or look after its data."""

from __future__ import annotations
