"""The composition root: opens storage, loads reference data and builds the engine."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.exports import RENDERERS
from bot.settings import Settings
from core.indicators import DEFAULT_INDICATORS
from core.models import Role, Target
from core.phones import normalize_phone
from core.programme import ProgrammeGoal, parse_programme_csv
from core.ratelimit import RateLimiter
from core.tasks import NewTask
from core.units import UnitDirectory, find_units, parse_units_csv
from handlers import Engine, build_router
from locales.translator import Translator, load_translators
from storage import SqliteStore, open_store

__all__ = [
    "DEMO_ROSTER",
    "DEMO_TASK",
    "build_engine",
    "default_targets",
    "is_demo_or_empty",
    "load_units_csv",
    "open_app_store",
    "programme_goals",
    "seed_demo",
    "shipped_units",
    "utc_now",
]

_DATA = resources.files("bot") / "data"

DEMO_ROSTER = (
    ("Quản trị viên", "0912000001", Role.ADMIN, "huyện Mèo Vạc"),
    ("Lãnh đạo huyện", "0912000002", Role.LEADER, "huyện Mèo Vạc"),
    ("Cán bộ thôn Sà Lủng", "0912000003", Role.CADRE, "thôn Sà Lủng"),
    ("Cán bộ thôn Xà Phìn", "0912000004", Role.CADRE, "thôn Xà Phìn"),
)
# One open task, so that /nhiemvu and the weekly reminder have something to show.
DEMO_TASK = ("thôn Sà Lủng", "housing", 5, date(2026, 12, 31))
DEMO_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utc_now() -> datetime:
    return datetime.now(UTC)


def load_units_csv(path: Path) -> UnitDirectory:
    """A deployment's own units file (the same columns as the shipped one)."""
    return parse_units_csv(path.read_text(encoding="utf-8-sig"))


def shipped_units() -> UnitDirectory:
    return parse_units_csv((_DATA / "units.csv").read_text(encoding="utf-8"))


def default_targets(units: UnitDirectory) -> list[Target]:
    """The programme's targets that are counts of what cadres report (bot/data/targets.csv)."""
    targets = []
    text = (_DATA / "targets.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        found = find_units(units, row["unit"])
        if len(found) != 1:
            continue  # a deployment without that unit simply has no such default
        targets.append(
            Target(
                indicator=row["indicator"],
                unit=found[0].code,
                value=int(row["value"]),
                deadline=date.fromisoformat(row["deadline"]),
                baseline=int(row["baseline"] or 0),
            )
        )
    return targets


def programme_goals() -> tuple[ProgrammeGoal, ...]:
    """The programme's goals that cadres do not report (bot/data/programme.csv)."""
    return parse_programme_csv((_DATA / "programme.csv").read_text(encoding="utf-8"))


async def open_app_store(path: Path | str, *, now: datetime | None = None) -> SqliteStore:
    """Open the database; a new one gets the shipped units and the programme's targets."""
    store = await open_store(path)
    at = now or utc_now()
    if not len(await store.units.load()):
        units = shipped_units()
        await store.units.replace(units, actor_id=None, at=at)
        for target in default_targets(units):
            await store.targets.set(target, actor_id=None, at=at)
    return store


async def is_demo_or_empty(store: SqliteStore) -> bool:
    """True when nobody but the demo roster is registered (a real roster is never touched)."""
    demo = {normalize_phone(phone) for _, phone, _, _ in DEMO_ROSTER}
    return all(p.phone in demo for p in await store.people.all())


async def seed_demo(store: SqliteStore, *, now: datetime | None = None) -> None:
    """The demo roster (admin, district leader, two village cadres) and one task."""
    at = now or utc_now()
    units = await store.units.load()
    entries = []
    for name, phone, role, unit in DEMO_ROSTER:
        (found,) = find_units(units, unit)
        entries.append((name, normalize_phone(phone), role, found.code))
    await store.people.upsert_roster(entries, actor_id=None, at=at)
    village, indicator, count, due = DEMO_TASK
    (found,) = find_units(units, village)
    start = min(at.astimezone(DEMO_TZ).date(), due)
    await store.tasks.add([NewTask(found.code, indicator, count, start, due)], actor_id=None, at=at)


async def build_engine(
    store: SqliteStore,
    settings: Settings,
    *,
    translators: dict[str, Translator] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Engine:
    return Engine(
        store=store,
        units=await store.units.load(),
        indicators=DEFAULT_INDICATORS,
        translators=translators or load_translators(),
        default_locale=settings.default_locale,
        tz=settings.tz,
        clock=clock,
        router=build_router(),
        renderers=RENDERERS,
        programme=programme_goals(),
        rate_limiter=(
            RateLimiter(settings.rate_limit_per_minute) if settings.rate_limit_per_minute else None
        ),
    )
