"""`python -m bot migrate-db --to postgresql://…`: move a SQLite deployment to PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.cli.common import db_path, missing_db, settings_of
from bot.settings import is_postgres

__all__ = ["cmd_migrate_db"]


def cmd_migrate_db(args: argparse.Namespace) -> int:
    from storage.postgres import describe_url
    from storage.postgres.copy import copy_sqlite_to_postgres

    settings = settings_of(args)
    if is_postgres(settings.database_url):
        print(
            "migrate-db copies a SQLite database: name it with --db PATH (DATABASE_URL is"
            " PostgreSQL already).",
            file=sys.stderr,
        )
        return 2
    if not is_postgres(args.to):
        print("--to must be a postgresql:// URL", file=sys.stderr)
        return 2
    if missing_db(settings):
        return 2
    source = db_path(settings)
    where = describe_url(args.to)
    summary = asyncio.run(copy_sqlite_to_postgres(source, args.to, where=where))
    copied = sum(summary.rows.values())
    print(
        f"Copied {source} into PostgreSQL {where}: {copied} rows in {len(summary.rows)} tables"
        f" ({summary.rows.get('reports', 0)} reports, {summary.rows.get('events', 0)} events,"
        f" {summary.rows.get('inbox', 0)} inbox updates); row counts and totals checked"
        f" ({summary.report_total} reported in all). Now set DATABASE_URL to the new database."
    )
    return 0
