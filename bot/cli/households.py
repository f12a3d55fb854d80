"""The household registry's commands: import a commune's list, export an area's."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.app import open_app, utc_now
from bot.cli.common import missing_db, settings_of
from bot.household_import import HouseholdFileError, import_household_file

__all__ = ["cmd_export_households", "cmd_import_households"]


def cmd_import_households(args: argparse.Namespace) -> int:
    """Import FILE.xlsx or FILE.csv whole or, naming every bad line, not at all."""
    settings = settings_of(args)
    path = Path(args.file)

    async def run() -> int:
        async with open_app(settings) as app:
            t = app.engine.translators[settings.default_locale]
            try:
                summary = await import_household_file(
                    app.store.households, app.engine.units, path, t, at=utc_now()
                )
            except HouseholdFileError as error:
                print(error, file=sys.stderr)
                return 2
        print(summary)
        return 0

    return asyncio.run(run())


def cmd_export_households(args: argparse.Namespace) -> int:
    """Write the registry of an area (the district by default) to OUT.xlsx."""
    from core.units import DISTRICT, find_units
    from handlers.household_export import write_household_workbook

    settings = settings_of(args)
    if missing_db(settings):
        return 2
    out = Path(args.out)

    async def run() -> int:
        async with open_app(settings) as app:
            units = app.engine.units
            if args.area:
                area = units.get(args.area)
                found = [area] if area is not None else find_units(units, args.area)
            else:
                found = units.of_level(DISTRICT)[:1]
            if len(found) != 1:
                known = ", ".join(f"{u.code} ({u.name})" for u in found) or "none"
                print(f"--area {args.area!r} names no single unit; found: {known}", file=sys.stderr)
                return 2
            t = app.engine.translators[settings.default_locale]
            today = app.clock().astimezone(settings.tz).date()
            households, awaiting = await write_household_workbook(
                app.store,
                units,
                t,
                settings.tz,
                found[0],
                out,
                today=today,
                renderers=app.engine.renderers,
            )
        print(
            f"Wrote {households} households, their category history and {awaiting} reported"
            f" graduations awaiting a decision to {out}"
        )
        return 0

    try:
        return asyncio.run(run())
    except OSError as error:
        print(f"Cannot write {out}: {error}", file=sys.stderr)
        return 2
