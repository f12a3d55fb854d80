"""`reminders`: the weekly reminders at a given moment, on this terminal.

With --dry-run it prints what planning and draining at that moment would send and changes
nothing. Without, it plans the week into the outbox and prints what it queued; sending is the
running bot's job (its drain job delivers them on Telegram within a minute, outside quiet
hours). Printing is never taken for sending: a reminder shown here still reaches the person.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.app import open_app, utc_now
from bot.channels.console import format_outgoing
from bot.cli.common import db_path, settings_of
from bot.settings import Settings, is_postgres
from core.tasks import iso_period
from scheduler.clock import SimulatedClock
from storage.database import SCHEMA_VERSION

__all__ = ["cmd_reminders", "moment", "run_reminders"]


def _header(at: datetime, settings: Settings) -> str:
    local = at.astimezone(settings.tz)
    return f"At {local:%Y-%m-%d %H:%M} {settings.timezone} (period {iso_period(local.date())})"


async def run_reminders(
    settings: Settings,
    *,
    at: datetime | None,
    dry_run: bool,
    output: TextIO | None = None,
) -> int:
    """Preview or run the reminders on the existing database at ``path``."""
    out = output or sys.stdout
    clock = SimulatedClock(at or utc_now())
    async with open_app(settings, clock=clock, sleep=clock.sleep) as app:
        store = app.store
        service = app.reminders
        if dry_run:
            preview = await service.preview(clock())
            people = {p.id: p for p in await store.people.all()}
            header = _header(preview.at, settings)
            if preview.quiet:
                print(
                    f"{header}: quiet hours, nothing would be sent;"
                    f" {len(preview.waiting)} message(s) would wait for the morning."
                    " Dry run: nothing was changed.",
                    file=out,
                )
            else:
                print(
                    f"{header}: {len(preview.to_send)} message(s) would be sent."
                    " Dry run: nothing was changed.",
                    file=out,
                )
            for message in preview.waiting + preview.to_send:
                person = people.get(message.recipient)
                print(
                    format_outgoing(person, message.recipient, message.text, message.kind), file=out
                )
            return 0
        start = clock()
        before = await service.preview(start)
        queued = await service.enqueue()
        people = {p.id: p for p in await store.people.all()}
        print(
            f"{_header(start, settings)}: {queued} queued for the bot to send"
            f" ({len(before.to_send) + len(before.waiting)} waiting in the outbox in all).",
            file=out,
        )
        for message in before.waiting + before.to_send:
            print(
                format_outgoing(
                    people.get(message.recipient), message.recipient, message.text, message.kind
                ),
                file=out,
            )
        return 0


def cmd_reminders(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    url = settings.database_url
    if is_postgres(url):
        if asyncio.run(_server_refused(url, args.dry_run)):
            return 2
    elif _refused(db_path(settings), args.dry_run):
        return 2
    at: datetime | None = args.at
    if at is not None:
        at = (at.replace(tzinfo=settings.tz) if at.tzinfo is None else at).astimezone(UTC)
    return asyncio.run(run_reminders(settings, at=at, dry_run=args.dry_run))


def _refused(path: Path, dry_run: bool) -> bool:
    """A SQLite file that a run would create, or (for a preview) migrate."""
    if not path.exists():
        # Opening would create (and seed) a database: a preview must change nothing.
        print(f"No database at {path}", file=sys.stderr)
        return True
    return dry_run and _older(path, _schema_version(path))


async def _server_refused(url: str, dry_run: bool) -> bool:
    """A PostgreSQL database without the bot's tables, or (for a preview) of an older schema;
    a newer one is refused when opened (storage.SchemaTooNew)."""
    from storage.postgres import describe_url, stored_schema_version

    version = await stored_schema_version(url)
    where = describe_url(url)
    if version == 0:
        print(
            f"No bot database at {where} (it has no tables yet):"
            " start the bot once, or move a SQLite database there with migrate-db.",
            file=sys.stderr,
        )
        return True
    return dry_run and _older(where, version)


def _older(where: object, version: int) -> bool:
    if version >= SCHEMA_VERSION:
        return False
    print(
        f"{where} has an older schema; opening it would migrate it."
        " Run without --dry-run (or start the bot) once first.",
        file=sys.stderr,
    )
    return True


def _schema_version(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date-time, e.g. 2026-11-30T07:30+07:00"
        ) from None
