"""The demo database: a roster of four, one open task and two reports awaiting approval, so
`make run` has something to show."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from bot.photos import prepare_photo
from core.evidence import MAX_PHOTOS_PER_REPORT
from core.indicators import DEFAULT_INDICATORS
from core.models import Role
from core.parsing import ReportItem
from core.phones import normalize_phone
from core.ports import Store
from core.tasks import NewTask
from core.units import find_units

__all__ = [
    "DEMO_ROSTER",
    "DEMO_TASK",
    "is_demo_or_empty",
    "seed_demo",
    "seed_demo_households",
    "seed_demo_reviews",
]

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


# Two houses of thôn Sà Lủng reported by its cadre, one with a photo: /duyet shows them.
DEMO_REVIEWS = (("Giàng Seo Chứ", True), ("Sùng Mí Páo", False))


def _demo_photo() -> bytes:
    """A drawn house: a roof and a wall, enough to show how evidence looks in /duyet."""
    image = Image.new("RGB", (480, 360), (170, 205, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 170, 360, 330), fill=(200, 170, 120))
    draw.polygon([(100, 180), (240, 70), (380, 180)], fill=(150, 50, 40))
    draw.rectangle((215, 250, 265, 330), fill=(90, 60, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def seed_demo_reviews(store: Store, *, now: datetime) -> None:
    """Two housing reports awaiting approval; nothing when the database has reports."""
    if await store.reports.all():
        return
    units = await store.units.load()
    (village,) = find_units(units, "thôn Sà Lủng")
    cadre = await store.people.by_phone(normalize_phone(DEMO_ROSTER[2][1]))
    if cadre is None:
        return
    approval = [i.code for i in DEFAULT_INDICATORS if i.needs_approval]
    once = [i.code for i in DEFAULT_INDICATORS if i.per_household]
    for index, (household, with_photo) in enumerate(DEMO_REVIEWS):
        at = now - timedelta(days=len(DEMO_REVIEWS) - index)  # the first waits longest
        item = ReportItem("housing", 1, village.code, household, at.astimezone(DEMO_TZ).date())
        added = await store.reports.add(
            [item],
            reporter_id=cadre.id,
            received_at=at,
            source=f"demo:{household}",
            once_per_household=once,
            needs_approval=approval,
        )
        if with_photo:
            await store.evidence.attach(
                [r.id for r in added.reports],
                [prepare_photo(_demo_photo())],
                actor_id=cadre.id,
                at=at,
                per_report=MAX_PHOTOS_PER_REPORT,
            )


async def seed_demo_households(store: Store, *, now: datetime) -> None:
    """The sample household registry and year-end totals (bot/data/*_sample.csv); importing
    them again changes nothing."""
    from core.household_table import read_household_rows
    from core.tables import table_rows

    units = await store.units.load()
    data = Path(__file__).parent / "data"
    for name in ("households_sample.csv", "household_totals_sample.csv"):
        table = read_household_rows(table_rows((data / name).read_text("utf-8-sig")), units)
        if not table.problems:
            await store.households.import_records(
                table.records, table.totals, actor_id=None, at=now
            )
