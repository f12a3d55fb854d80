"""The demo database: a roster of four and one open task, so `make run` has something to show."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.models import Role
from core.phones import normalize_phone
from core.ports import Store
from core.tasks import NewTask
from core.units import find_units

__all__ = ["DEMO_ROSTER", "DEMO_TASK", "is_demo_or_empty", "seed_demo"]

DEMO_ROSTER = (
    ("Quản trị viên", "0912000001", Role.ADMIN, "huyện Mèo Vạc"),
    ("Lãnh đạo huyện", "0912000002", Role.LEADER, "huyện Mèo Vạc"),
    ("Cán bộ thôn Sà Lủng", "0912000003", Role.CADRE, "thôn Sà Lủng"),
    ("Cán bộ thôn Xà Phìn", "0912000004", Role.CADRE, "thôn Xà Phìn"),
)
# One open task, so that /nhiemvu and the weekly reminder have something to show: due at the
# end of the year the demo is seeded in (within the current programme period).
DEMO_TASK = ("thôn Sà Lủng", "housing", 5)
DEMO_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def is_demo_or_empty(store: Store) -> bool:
    """True when nobody but the demo roster is registered (a real roster is never touched)."""
    demo = {normalize_phone(phone) for _, phone, _, _ in DEMO_ROSTER}
    return all(p.phone in demo for p in await store.people.all())


async def seed_demo(store: Store, *, now: datetime) -> None:
    """The demo roster (admin, district leader, two village cadres) and one task."""
    units = await store.units.load()
    entries = []
    for name, phone, role, unit in DEMO_ROSTER:
        (found,) = find_units(units, unit)
        entries.append((name, normalize_phone(phone), role, found.code))
    await store.people.upsert_roster(entries, actor_id=None, at=now)
    village, indicator, count = DEMO_TASK
    (found,) = find_units(units, village)
    start = now.astimezone(DEMO_TZ).date()
    due = date(start.year, 12, 31)
    await store.tasks.add(
        [NewTask(found.code, indicator, count, start, due)], actor_id=None, at=now
    )
