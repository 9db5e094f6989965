"""Deliverables: a Slack app that turns a team's deliverables document into daily work."""

__version__ = "0.1.0"
