"""What every command shares: settings from the environment and --db, and a missing database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import Settings, sqlite_path

__all__ = ["db_path", "missing_db", "settings_of"]


def settings_of(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if getattr(args, "db", None):
        settings = settings.model_copy(update={"database_url": f"sqlite:///{args.db}"})
    return settings


def db_path(settings: Settings) -> Path:
    return sqlite_path(settings.database_url)


def missing_db(settings: Settings) -> bool:
    """Say so when the database file does not exist (a mistyped --db must not make a new one)."""
    path = db_path(settings)
    if path.exists():
        return False
    print(
        f"No database at {path}. Check --db or DATABASE_URL; a new one is made by"
        " seed-demo, import-units or import-roster.",
        file=sys.stderr,
    )
    return True
