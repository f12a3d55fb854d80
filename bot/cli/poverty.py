"""The poverty rate's target path: `import-poverty-baselines FILE` and `set-poverty-baseline`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.app import App, open_app, utc_now
from bot.cli.common import settings_of
from bot.poverty_import import BaselineFileError, import_baseline_file, set_one_baseline
from locales.translator import Translator

__all__ = ["cmd_import_poverty_baselines", "cmd_set_poverty_baseline"]


def _run(args: argparse.Namespace, apply: Callable[[App, Translator], Awaitable[str]]) -> int:
    settings = settings_of(args)

    async def run() -> int:
        async with open_app(settings) as app:
            t = app.engine.translators[settings.default_locale]
            try:
                summary = await apply(app, t)
            except BaselineFileError as error:
                print(error, file=sys.stderr)
                return 2
        print(summary)
        return 0

    return asyncio.run(run())


def cmd_import_poverty_baselines(args: argparse.Namespace) -> int:
    """Set every baseline of FILE.xlsx or FILE.csv or, naming every bad line, none."""
    return _run(
        args,
        lambda app, t: import_baseline_file(
            app.store, app.engine.units, app.engine.periods, Path(args.file), t, at=utc_now()
        ),
    )


def cmd_set_poverty_baseline(args: argparse.Namespace) -> int:
    """One baseline: UNIT YEAR RATE [--poor N --total N] [--fall POINTS]."""
    values = {
        "unit": args.unit,
        "year": args.year,
        "rate": args.rate,
        "poor": args.poor or "",
        "total": args.total or "",
        "fall": args.fall or "",
    }
    return _run(
        args,
        lambda app, t: set_one_baseline(
            app.store, app.engine.units, app.engine.periods, t, values, at=utc_now()
        ),
    )
