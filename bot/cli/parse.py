"""`parse`: report messages as JSON Lines in, the parser's reading out (see bot/parse_stream)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.app import open_app
from bot.cli.common import settings_of
from bot.reference import load_units_csv, shipped_units
from bot.settings import Settings
from core.indicators import DEFAULT_INDICATORS, IndicatorSet
from core.units import UnitDirectory, UnitError

__all__ = ["cmd_parse"]


async def _stored(settings: Settings) -> tuple[UnitDirectory, IndicatorSet]:
    async with open_app(settings) as app:
        return app.engine.units, app.engine.indicators


def cmd_parse(args: argparse.Namespace) -> int:
    from bot.parse_stream import ParseStream, vietnamese

    indicators = DEFAULT_INDICATORS
    try:
        if args.units:
            units = load_units_csv(Path(args.units))
        elif args.db:
            units, indicators = asyncio.run(_stored(settings_of(args)))
        else:
            units = shipped_units()
    except (OSError, UnitError) as error:
        print(f"Cannot load the units: {error}", file=sys.stderr)
        return 2
    ParseStream(units, vietnamese(), indicators).run(sys.stdin.buffer, sys.stdout.buffer)
    return 0
