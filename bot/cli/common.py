"""What every command shares: settings from the environment and --db, and a missing database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import Settings, is_postgres, sqlite_path

__all__ = ["db_exists", "db_name", "db_path", "missing_db", "settings_of"]


def settings_of(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if getattr(args, "db", None):
        settings = settings.model_copy(update={"database_url": f"sqlite:///{args.db}"})
    return settings


def db_path(settings: Settings) -> Path:
    """The SQLite file (only for a sqlite:/// DATABASE_URL)."""
    return sqlite_path(settings.database_url)


def db_name(settings: Settings) -> str:
    """The database for messages: the file, or the server without its password."""
    if is_postgres(settings.database_url):
        from storage.postgres import describe_url

        return f"PostgreSQL {describe_url(settings.database_url)}"
    return str(db_path(settings))


def db_exists(settings: Settings) -> bool:
    """A SQLite file exists; a PostgreSQL database is checked when it is opened."""
    return is_postgres(settings.database_url) or db_path(settings).exists()


def missing_db(settings: Settings) -> bool:
    """Say so when the database file does not exist (a mistyped --db must not make a new one)."""
    if db_exists(settings):
        return False
    print(
        f"No database at {db_path(settings)}. Check --db or DATABASE_URL; a new one is made by"
        " seed-demo, import-units or import-roster.",
        file=sys.stderr,
    )
    return True
