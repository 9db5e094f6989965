"""Settings from the environment and `.env`, validated once."""

from __future__ import annotations

import re
from datetime import time
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_workdays(value: str) -> frozenset[int]:
    """Turn `mon-fri` or `mon,wed,fri` into weekday numbers (Monday is 0)."""
    days: set[int] = set()
    for part in value.lower().replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            if first not in WEEKDAYS or last not in WEEKDAYS:
                raise ValueError(f"unknown day in {part!r}; use mon, tue, wed, thu, fri, sat, sun")
            start, end = WEEKDAYS.index(first), WEEKDAYS.index(last)
            span = range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)]
            days.update(span)
        elif part in WEEKDAYS:
            days.add(WEEKDAYS.index(part))
        else:
            raise ValueError(f"unknown day {part!r}; use mon, tue, wed, thu, fri, sat, sun")
    if not days:
        raise ValueError("no working days given")
    return frozenset(days)


def parse_clock_time(value: str) -> time:
    """Turn `09:00` (or `9:00`) into a time, refusing anything else."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{value!r} is not a time of day like 09:00")
    return time(int(match[1]), int(match[2]))


class Settings(BaseSettings):
    """Everything the app reads from its environment (see DESIGN.md, runtime contract)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///deliverables.db"
    deliverables_file: str = "seeds/ENTREGABLES_PENDIENTES.md"
    digest_channel: str | None = None
    digest_schedule: str = "0 9 * * 1-5"
    reminder_time: str = "09:00"
    workdays: str = "mon-fri"
    timezone: str = "UTC"
    language: Literal["auto", "es", "en"] = "auto"
    admin_user_ids: str = ""
    port: int = Field(default=3000, ge=1, le=65535)
    web_concurrency: int = Field(default=2, ge=1, le=64)
    escalate_after_days: int = Field(default=2, ge=0)
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    team_id: str = "T0LOCAL"

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_ends_with_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("reminder_time")
    @classmethod
    def _valid_reminder_time(cls, value: str) -> str:
        return parse_clock_time(value).strftime("%H:%M")

    @field_validator("workdays")
    @classmethod
    def _valid_workdays(cls, value: str) -> str:
        parse_workdays(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}; use an IANA name like Europe/Madrid") from exc
        return value

    @field_validator("digest_schedule")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a cron expression like '0 9 * * 1-5'") from exc
        return value

    @field_validator("language", mode="before")
    @classmethod
    def _language_lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def admins(self) -> frozenset[str]:
        """Slack user ids allowed to import, assign and trigger digests."""
        return frozenset(part.strip() for part in self.admin_user_ids.split(",") if part.strip())

    @property
    def reminder_clock_time(self) -> time:
        return parse_clock_time(self.reminder_time)

    @property
    def workday_numbers(self) -> frozenset[int]:
        return parse_workdays(self.workdays)

    @property
    def multi_workspace(self) -> bool:
        """Installed through OAuth in any number of workspaces, rather than with one bot token."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None or self.slack_client_id is not None


class SettingsError(RuntimeError):
    """Settings that cannot be used, with one readable line per problem."""


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's report into a short message."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper() or "settings"
            lines.append(f"{name}: {error['msg'].removeprefix('Value error, ')}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return load_settings()
