"""The household registry's commands: import a commune's list (and, later, export it)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.app import open_app, utc_now
from bot.cli.common import settings_of
from bot.household_import import HouseholdFileError, import_household_file

__all__ = ["cmd_import_households"]


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
