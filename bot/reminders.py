"""`python -m bot reminders`: the weekly reminders at a given moment, on this terminal.

With --dry-run it prints what planning and draining at that moment would send and changes
nothing. Without, it plans the week into the outbox and prints what it queued; sending is the
running bot's job (its drain job delivers them on Telegram within a minute, outside quiet
hours). Printing is never taken for sending: a reminder shown here still reaches the person.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.app import open_app_store, utc_now
from bot.channels.console import format_outgoing
from bot.settings import Settings
from core.tasks import iso_period
from locales.translator import load_translators
from scheduler.clock import SimulatedClock
from scheduler.delivery import DrainPolicy
from scheduler.service import ReminderService

__all__ = ["run_reminders"]


def _header(at: datetime, settings: Settings) -> str:
    local = at.astimezone(settings.tz)
    return f"At {local:%Y-%m-%d %H:%M} {settings.timezone} (period {iso_period(local.date())})"


async def run_reminders(
    settings: Settings,
    path: Path,
    *,
    at: datetime | None,
    dry_run: bool,
    output: TextIO | None = None,
) -> int:
    """Preview or run the reminders on the existing database at ``path``."""
    out = output or sys.stdout
    store = await open_app_store(path)
    try:
        clock = SimulatedClock(at or utc_now())
        service = ReminderService(
            store,
            translators=load_translators(),
            default_locale=settings.default_locale,
            tz=settings.tz,
            clock=clock,
            sleep=clock.sleep,
            policy=DrainPolicy(rate=settings.reminder_rate),
        )
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
    finally:
        await store.close()
