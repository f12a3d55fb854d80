"""The admin's data commands: CSV imports, exports, the audit trail and backups."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import TextIO

from bot.app import open_app
from bot.audit import format_events
from bot.cli.common import db_exists, db_name, db_path, missing_db, settings_of
from bot.exports.photos import write_photos
from bot.exports.table import csv_writer
from bot.imports import (
    CsvImport,
    ImportProblem,
    import_indicators,
    import_periods,
    import_roster,
    import_targets,
    import_tasks,
    import_units,
)
from bot.settings import Settings, is_postgres
from bot.spreadsheet import SpreadsheetError, table_text
from core.units import DISTRICT
from handlers.report_rows import export_pages
from storage.backup import BackupError, backup_database

__all__ = [
    "cmd_audit",
    "cmd_backup",
    "cmd_export",
    "cmd_import_indicators",
    "cmd_import_periods",
    "cmd_import_roster",
    "cmd_import_targets",
    "cmd_import_tasks",
    "cmd_import_units",
]


def _import_csv(args: argparse.Namespace, load: CsvImport) -> int:
    """Read FILE (.csv, or .xlsx: its first sheet), then import it whole or, naming the bad
    lines, not at all."""
    file = Path(args.file)
    try:
        text = table_text(file.read_bytes())
    except (OSError, SpreadsheetError) as error:
        print(f"Cannot read {file}: {error}", file=sys.stderr)
        return 2
    settings = settings_of(args)

    async def run() -> int:
        async with open_app(settings) as app:
            try:
                summary = await load(app.store, app.engine.units, text, settings)
            except ImportProblem as error:
                print(f"Cannot import {file}; nothing was imported:\n{error}", file=sys.stderr)
                return 2
        print(summary)
        return 0

    return asyncio.run(run())


def cmd_import_units(args: argparse.Namespace) -> int:
    return _import_csv(args, import_units)


def cmd_import_roster(args: argparse.Namespace) -> int:
    return _import_csv(args, import_roster)


def cmd_import_tasks(args: argparse.Namespace) -> int:
    return _import_csv(args, import_tasks)


def cmd_import_targets(args: argparse.Namespace) -> int:
    return _import_csv(args, import_targets)


def cmd_import_periods(args: argparse.Namespace) -> int:
    return _import_csv(args, import_periods)


def cmd_import_indicators(args: argparse.Namespace) -> int:
    return _import_csv(args, import_indicators)


async def _export_xlsx(
    settings: Settings, out: Path, *, merged: bool, period_code: str | None
) -> int | None:
    from handlers.area_workbook import write_area_workbook

    async with open_app(settings) as app:
        units = app.engine.units
        districts = units.of_level(DISTRICT)
        if not districts:
            print("The units list has no district to export.", file=sys.stderr)
            return None
        today = app.clock().astimezone(settings.tz).date()
        periods = app.engine.periods
        period = periods.find(period_code) if period_code else periods.current(today)
        if period is None:
            known = ", ".join(p.code for p in periods)
            print(f"No period {period_code!r}; the periods are: {known}", file=sys.stderr)
            return None
        return await write_area_workbook(
            app.store,
            units,
            app.engine.indicators,
            app.engine.translators[settings.default_locale],
            settings.tz,
            districts[0],
            out,
            merged=merged,
            today=today,
            renderers=app.engine.renderers,
            period=period,
        )


async def _export_csv(settings: Settings, out: TextIO) -> None:
    """Every report, a page at a time: memory stays flat however many there are."""
    async with open_app(settings) as app:
        writer = csv_writer(out)
        async for rows in export_pages(app.store, app.engine.units, settings.tz):
            writer.writerows(rows)


def cmd_export(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    if missing_db(settings):
        return 2
    if args.photos:
        return _export_photos(settings, Path(args.photos))
    if args.format == "xlsx":
        if not args.out:
            print("An Excel file needs --out FILE.xlsx", file=sys.stderr)
            return 2
        try:
            made = asyncio.run(
                _export_xlsx(
                    settings, Path(args.out), merged=not args.pre_2025, period_code=args.period
                )
            )
        except OSError as error:
            print(f"Cannot write {args.out}: {error}", file=sys.stderr)
            return 2
        if made is None:
            return 2
        print(f"Wrote the summary and {made} reports to {args.out}")
        return 0
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8-sig", newline="") as out:
                asyncio.run(_export_csv(settings, out))
        except OSError as error:
            print(f"Cannot write {args.out}: {error}", file=sys.stderr)
            return 2
    else:
        asyncio.run(_export_csv(settings, sys.stdout))
    return 0


def _export_photos(settings: Settings, folder: Path) -> int:
    async def run() -> int:
        async with open_app(settings) as app:
            return await write_photos(app.store.evidence, folder)

    try:
        written = asyncio.run(run())
    except OSError as error:
        print(f"Cannot write the photos into {folder}: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {written} photos to {folder}")
    return 0


async def _audit(settings: Settings, entity: str | None, since: date | None) -> list[str]:
    async with open_app(settings) as app:
        start = datetime.combine(since, time(), settings.tz) if since else None
        events = await app.store.audit.events(entity=entity, since=start)
        names = {p.id: p.name for p in await app.store.people.all()}
    return format_events(events, names, settings.tz)


def cmd_audit(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            print(f"--since {args.since!r}: use a date like 2026-11-26", file=sys.stderr)
            return 2
    if not db_exists(settings):
        print(f"{db_name(settings)} does not exist", file=sys.stderr)
        return 2
    for line in asyncio.run(_audit(settings, args.entity, since)):
        print(line)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    if is_postgres(settings.database_url):
        return _backup_postgres(settings, Path(args.out))
    source = db_path(settings)
    try:
        summary = backup_database(source, Path(args.out))
    except (BackupError, OSError) as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 2
    print(
        f"Backup written to {args.out}: schema {summary.schema_version}, {summary.reports}"
        f" reports, {summary.people} people, {summary.events} events; integrity ok"
    )
    return 0


def _backup_postgres(settings: Settings, out: Path) -> int:
    from storage.postgres import describe_url
    from storage.postgres.backup import backup_postgres

    url = settings.database_url
    try:
        backup_postgres(url, out, url_shown=describe_url(url))
    except (BackupError, OSError) as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 2
    print(f"Backup written to {out} by pg_dump (restore with pg_restore)")
    return 0
