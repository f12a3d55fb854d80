"""Configuration from the environment or `.env`, validated once at start-up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "is_postgres", "sqlite_path"]

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_ZALO_TOKEN = re.compile(r"[0-9]+:[^\s,]+")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    # sqlite:///relative/path, sqlite:////absolute/path, or postgresql://user:pass@host:5432/db
    database_url: str = "sqlite:///data/meovac.sqlite3"
    # PostgreSQL: connections this process may hold (see the README on several processes).
    database_pool_size: int = Field(default=10, ge=1, le=200)
    # PostgreSQL with several processes: how long an update a process took stays its own if
    # that process dies (then another one handles it).
    inbox_lease_seconds: float = Field(default=120, gt=0)
    timezone: str = "Asia/Ho_Chi_Minh"
    default_locale: Literal["vi", "en"] = "vi"
    # Weekly reminders, as a cron expression in TIMEZONE (minute hour day month weekday).
    reminder_cron: str = "30 7 * * mon"
    # Messages per second the reminder outbox may send (Telegram allows about 30 in all).
    reminder_rate: float = Field(default=25.0, gt=0, le=30)
    # Messages a person may send per minute before the bot stops answering them; 0: no limit.
    rate_limit_per_minute: int = Field(default=20, ge=0)
    # The largest file the bot sends on Telegram, in MB: 50 for the cloud Bot API; a local
    # Bot API server (TELEGRAM_API_BASE_URL) takes up to 2000.
    telegram_max_file_mb: float = Field(default=50.0, gt=0, le=2000)
    # Megabytes all stored photos may take (the admins are told when it is reached); 0: no cap.
    photo_storage_mb: int = Field(default=2048, ge=0)
    # Webhook mode (python -m bot run --webhook).
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    # Zalo Bot Platform: one token or several, comma-separated (a free bot serves ~50 users).
    zalo_bot_token: SecretStr | None = None
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com/bot"
    # Zalo webhook mode: set both; otherwise the Zalo bots poll.
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: SecretStr | None = None
    # People one Zalo bot serves on its plan (free: about 50); admins are told near it.
    zalo_users_per_bot: int = Field(default=50, ge=1)
    # Where the bot's HTTP server is reachable from outside (links to charts and workbooks).
    public_base_url: str | None = None

    @field_validator(
        "telegram_bot_token",
        "webhook_secret",
        "webhook_url",
        "zalo_bot_token",
        "zalo_webhook_url",
        "zalo_webhook_secret",
        "public_base_url",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token; checked here so that a bad one is a clear
        # configuration error, not a failed start. (After validation: never echo the value.)
        if value is not None and not _SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")
        return value

    @field_validator("zalo_bot_token")
    @classmethod
    def _zalo_tokens(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        tokens = [part.strip() for part in value.get_secret_value().split(",")]
        if not all(_ZALO_TOKEN.fullmatch(token) for token in tokens):
            raise ValueError(
                "ZALO_BOT_TOKEN must be one or more tokens of the form 123456789:secret,"
                " separated by commas"
            )
        if len(set(tokens)) != len(tokens):
            raise ValueError("ZALO_BOT_TOKEN lists the same token twice")
        return SecretStr(",".join(tokens))

    @field_validator("zalo_webhook_secret")
    @classmethod
    def _zalo_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Zalo's rule for secret_token; checked at start-up, never echoed.
        if value is not None and not 8 <= len(value.get_secret_value()) <= 256:
            raise ValueError("ZALO_WEBHOOK_SECRET must be 8-256 characters")
        return value

    @model_validator(mode="after")
    def _zalo_webhook_pair(self) -> Settings:
        # Half a webhook configuration would silently poll: say so instead.
        if bool(self.zalo_webhook_url) != (self.zalo_webhook_secret is not None):
            raise ValueError("ZALO_WEBHOOK_URL and ZALO_WEBHOOK_SECRET go together: set both")
        return self

    @property
    def zalo_tokens(self) -> list[str]:
        """Every configured Zalo bot token (none: Zalo is off)."""
        if self.zalo_bot_token is None:
            return []
        return self.zalo_bot_token.get_secret_value().split(",")

    def secrets(self) -> list[str]:
        """Values that must never appear in a log line."""
        values = [*self.zalo_tokens]
        for secret in (self.telegram_bot_token, self.webhook_secret, self.zalo_webhook_secret):
            if secret is not None:
                values.append(secret.get_secret_value())
        return values

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("reminder_cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        try:
            CronTrigger.from_crontab(value)
        except ValueError as error:
            raise ValueError(
                f"REMINDER_CRON {value!r} is not a cron expression: {error}"
            ) from error
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not is_postgres(value):
            sqlite_path(value)
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def sqlite_path(url: str) -> Path:
    """'sqlite:///data/x.db' → data/x.db (relative); 'sqlite:////srv/x.db' → /srv/x.db."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        # Never the URL itself in the message: it may hold a password.
        raise ValueError(
            "DATABASE_URL must start with sqlite:/// (a file) or postgresql:// (a server)"
        )
    path = url[len(prefix) :]
    if not path:
        raise ValueError("DATABASE_URL names no file")
    return Path(path)
