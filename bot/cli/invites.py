"""`invites`: a fresh invite code for every roster person not registered on any channel yet,
written to a workbook a commune hands out at a meeting (Zalo shares no phone numbers)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.app import open_app
from bot.cli.common import missing_db, settings_of
from bot.exports.workbook import build_workbook
from core.models import Invite, Person, Role
from core.phones import display_phone
from core.render import ColumnKind, Sheet
from core.units import UnitDirectory, find_units
from handlers.registration import INVITE_VALID, new_invite_code

__all__ = ["CHANNELS", "cmd_invites"]

# Every channel a person can be linked on; someone linked on none of them gets a code.
CHANNELS = ("telegram", "zalo", "console")


def _ancestors(units: UnitDirectory, code: str) -> set[str]:
    """The unit and every unit above it, on the old map and the new one."""
    seen: set[str] = set()
    todo = [code]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        unit = units.get(current)
        if unit is not None:
            todo += [c for c in (unit.parent, unit.current) if c]
    return seen


def _unit(units: UnitDirectory, text: str) -> str | None:
    if units.get(text) is not None:
        return text
    found = find_units(units, text)
    return found[0].code if len(found) == 1 else None


async def _invites(args: argparse.Namespace) -> Sheet | None:
    """One row per invited person; None (said why) when nothing can be done."""
    settings = settings_of(args)
    if missing_db(settings):
        return None
    async with open_app(settings) as app:
        units = app.engine.units
        wanted = None
        if args.unit:
            wanted = _unit(units, args.unit)
            if wanted is None:
                print(f"No single unit is named {args.unit!r}.", file=sys.stderr)
                return None
        people = await app.store.people.all()
        admins = [p for p in people if p.role == Role.ADMIN]
        chosen: list[Person] = []
        for person in people:
            if wanted is not None and wanted not in _ancestors(units, person.scope):
                continue
            linked = [await app.store.people.identities(person.id, ch) for ch in CHANNELS]
            if not any(linked):
                chosen.append(person)
        now = app.clock()
        expires = now + INVITE_VALID
        rows: list[list[object]] = []
        for person in chosen:
            # Made by the roster's first admin (an invite names who made it).
            creator = admins[0].id if admins else person.id
            invite = await app.store.people.add_invite(
                Invite(new_invite_code(), person.phone, creator, expires), now
            )
            unit = units.get(person.scope)
            rows.append(
                [
                    person.name,
                    display_phone(person.phone),
                    unit.name if unit else person.scope,
                    invite.code,
                    expires.astimezone(settings.tz).date(),
                ]
            )
        _ = app.engine.translators[settings.default_locale].gettext
        return Sheet(
            title=_("Mã mời"),
            headers=[_("Họ tên"), _("Số điện thoại"), _("Đơn vị"), _("Mã mời"), _("Hạn dùng")],
            rows=rows,
            kinds=[None, None, None, None, ColumnKind.DATE],
        )


def cmd_invites(args: argparse.Namespace) -> int:
    sheet = asyncio.run(_invites(args))
    if sheet is None:
        return 2
    out = Path(args.out)
    try:
        (count,) = build_workbook([sheet], out, title=sheet.title)
    except OSError as error:
        print(f"Cannot write {out}: {error}", file=sys.stderr)
        return 2
    print(f"{count} invite codes (valid 7 days) written to {out}")
    return 0
