"""manifest.yml creates an app with everything the features need, and nothing more."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.conftest import ROOT, SHARED

SCHEMA = SHARED / "slack" / "manifest.schema.1.0.0.json"


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


@pytest.mark.skipif(not SCHEMA.exists(), reason="Slack's manifest schema is in ../shared/slack, absent here")
def test_manifest_validates_against_slacks_schema() -> None:
    import jsonschema

    jsonschema.validate(manifest(), json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_manifest_has_the_command_interactivity_home_and_socket_mode() -> None:
    data = manifest()
    assert [c["command"] for c in data["features"]["slash_commands"]] == ["/deliverables"]
    assert data["features"]["slash_commands"][0]["should_escape"] is True  # mentions arrive as <@U…>
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert data["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert data["settings"]["socket_mode_enabled"] is True


def test_bot_scopes_are_the_minimum_the_features_use() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "commands",
        "chat:write",
        "users:read",
        "usergroups:read",
        "files:read",
        "im:history",
        "im:write",
        "channels:history",
        "groups:history",
    }


def test_the_oauth_install_asks_for_the_manifest_scopes() -> None:
    from bot.slack.oauth import BOT_SCOPES

    assert sorted(BOT_SCOPES) == sorted(manifest()["oauth_config"]["scopes"]["bot"])
