"""Settings: defaults of the contract, clear errors, secrets never printed."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings, parse_workdays


def test_defaults_follow_the_contract() -> None:
    settings = load_settings(_env_file=None)
    assert settings.database_url == "sqlite:///deliverables.db"
    assert settings.deliverables_file == "seeds/ENTREGABLES_PENDIENTES.md"
    assert settings.digest_schedule == "0 9 * * 1-5"
    assert settings.reminder_time == "09:00"
    assert settings.workday_numbers == frozenset({0, 1, 2, 3, 4})
    assert settings.timezone == "UTC"
    assert settings.language == "auto"
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.slack_bot_token is None and not settings.slack_enabled


def test_postgres_urls_from_hosting_platforms_are_accepted() -> None:
    settings = load_settings(_env_file=None, database_url="postgres://app:pw@db.internal:5432/app")
    assert settings.database_url == "postgresql+psycopg://app:pw@db.internal:5432/app"


def test_tokens_are_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-111-222-abcdefsecret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "8f7e6d5c4b3a")
    settings = load_settings(_env_file=None)
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-111-222-abcdefsecret"
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    assert "abcdefsecret" not in shown and "8f7e6d5c4b3a" not in shown


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("reminder_time", "25:00", "REMINDER_TIME"),
        ("reminder_time", "nine", "REMINDER_TIME"),
        ("language", "fr", "LANGUAGE"),
        ("workdays", "mon-funday", "WORKDAYS"),
        ("timezone", "Mars/Olympus", "TIMEZONE"),
        ("digest_schedule", "every morning", "DIGEST_SCHEDULE"),
    ],
)
def test_invalid_values_get_one_clear_line(name: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None, **{name: value})
    message = str(error.value)
    assert says in message and "Traceback" not in message
    assert value in message or name == "language"


def test_workdays_accept_ranges_and_lists() -> None:
    assert parse_workdays("mon-fri") == {0, 1, 2, 3, 4}
    assert parse_workdays("sun-thu") == {6, 0, 1, 2, 3}
    assert parse_workdays("mon,wed, fri") == {0, 2, 4}


def test_admins_are_a_set() -> None:
    settings = load_settings(_env_file=None, admin_user_ids="U1, U2,,U3")
    assert settings.admins == {"U1", "U2", "U3"}
