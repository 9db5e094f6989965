"""Installing the app in several workspaces: OAuth with the installation store on our own database.

Single-workspace mode (SLACK_BOT_TOKEN) stays the simple default; with SLACK_CLIENT_ID and
SLACK_CLIENT_SECRET set instead, `/slack/install` and `/slack/oauth_redirect` install the app in any
workspace, and each workspace's plans, roles and deliveries are kept apart by its team id.
"""

from __future__ import annotations

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.engine import Engine

from bot.config import Settings

BOT_SCOPES = [
    "commands",
    "chat:write",
    "users:read",
    "usergroups:read",
    "files:read",
    "im:history",
    "im:write",
    "channels:history",
    "groups:history",
]  # as in manifest.yml


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """Where installations (and their bot tokens) are kept: tables created by migration 0003."""
    assert settings.slack_client_id is not None
    return SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)


def oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    """Bolt's OAuth flow on our database, with the scopes of manifest.yml."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=BOT_SCOPES,
        installation_store=installation_store(settings, engine),
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
    )


def installed_teams(settings: Settings, engine: Engine) -> list[tuple[str, str]]:
    """(team id, bot token) of every workspace that installed the app, newest installation first."""
    from sqlalchemy import select

    store = installation_store(settings, engine)
    seen: dict[str, str] = {}
    with engine.connect() as connection:
        rows = connection.execute(
            select(store.bots.c.team_id, store.bots.c.bot_token)
            .where(store.bots.c.client_id == settings.slack_client_id)
            .order_by(store.bots.c.installed_at.desc())
        )
        for team_id, token in rows:
            if team_id and token and team_id not in seen:
                seen[team_id] = token
    return list(seen.items())
