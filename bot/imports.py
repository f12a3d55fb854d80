"""Imports an admin runs from the command line: units, roster, tasks, targets, periods and
indicators.

Each reads the whole file first and raises ``ImportProblem`` naming every bad line, so a
file is imported whole or not at all; on success it returns a one-line summary.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.app import utc_now
from bot.roster import parse_roster_csv
from bot.settings import Settings
from bot.task_import import parse_tasks_csv
from core.indicators import parse_indicators_csv
from core.periods import parse_periods_csv
from core.ports import UnitsInUse
from core.tables import TableError
from core.targets import parse_targets_csv
from core.units import UnitDirectory, UnitError, parse_units_csv
from storage import SqliteStore

__all__ = [
    "CsvImport",
    "ImportProblem",
    "import_indicators",
    "import_periods",
    "import_roster",
    "import_targets",
    "import_tasks",
    "import_units",
]

ImportProblem = (UnitError, UnitsInUse, TableError)
CsvImport = Callable[[SqliteStore, UnitDirectory, str, Settings], Awaitable[str]]


async def import_units(store: SqliteStore, _: UnitDirectory, text: str, __: Settings) -> str:
    units = parse_units_csv(text)
    dropped = await store.units.replace(units, actor_id=None, at=utc_now())
    summary = f"Imported {len(units)} units"
    if dropped:
        summary += f"\nRemoved {dropped} target(s) of units that are no longer listed (see audit)."
    return summary


async def import_roster(store: SqliteStore, units: UnitDirectory, text: str, _: Settings) -> str:
    entries = parse_roster_csv(text, units)
    changed = await store.people.upsert_roster(entries, actor_id=None, at=utc_now())
    return f"Roster: {len(entries)} people read, {changed} added or changed"


async def import_tasks(
    store: SqliteStore, units: UnitDirectory, text: str, settings: Settings
) -> str:
    now = utc_now()
    today = now.astimezone(settings.tz).date()
    indicators, periods = await store.indicators.load(), await store.periods.load()
    tasks = parse_tasks_csv(text, units, indicators, today, periods)
    await store.tasks.add(tasks, actor_id=None, at=now)
    return f"Tasks: {len(tasks)} imported"


async def import_periods(store: SqliteStore, _: UnitDirectory, text: str, __: Settings) -> str:
    periods = parse_periods_csv(text, await store.periods.load())
    await store.periods.set_many(periods, actor_id=None, at=utc_now())
    return f"Periods: {len(periods)} set (a running bot sees them after a restart)"


async def import_indicators(store: SqliteStore, _: UnitDirectory, text: str, __: Settings) -> str:
    indicators = parse_indicators_csv(text, await store.indicators.load())
    await store.indicators.set_many(indicators, actor_id=None, at=utc_now())
    return (
        f"Indicators: {len(indicators)} added or changed (a running bot knows them after a restart)"
    )


async def import_targets(store: SqliteStore, units: UnitDirectory, text: str, _: Settings) -> str:
    indicators = await store.indicators.load()
    targets = parse_targets_csv(text, units, indicators, await store.periods.load())
    await store.targets.set_many(targets, actor_id=None, at=utc_now())
    return f"Targets: {len(targets)} set"
