"""/tiendo of an area made of communes is summed per cell by the database (core.area_cells):
on generated areas and every way of setting targets, it must show exactly what the reference
(core.progress.area_progress over figures per village) shows, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import handlers.area
from bot.app import open_app_store
from core.indicators import DEFAULT_INDICATORS
from core.models import Role, Target
from core.parsing import ReportItem
from core.periods import DEFAULT_PERIODS
from core.progress import AreaProgress, area_progress
from core.units import UnitDirectory, parse_units_csv
from handlers.area import load_progress
from storage import SqlStore
from tests.postgres import fresh_schema, postgres_url, schema_url

TODAY = date(2026, 11, 26)
AT = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
END = date(2027, 12, 31)

# Six pre-2025 communes become three: Cũ 3 is split between Mới 2 and Mới 3, Cũ 5 has no
# villages listed, Cũ 6 has one.
UNITS = """level,name,parent,current_commune,aliases,note
district,Tỉnh Thử,Việt Nam,,,
commune,Cũ 1,Tỉnh Thử,Mới 1,,
commune,Cũ 2,Tỉnh Thử,Mới 1,,
commune,Cũ 3,Tỉnh Thử,Mới 2,,
commune,Cũ 4,Tỉnh Thử,Mới 2,,
commune,Cũ 5,Tỉnh Thử,Mới 3,,
commune,Cũ 6,Tỉnh Thử,Mới 3,,
"""
VILLAGES = {"Cũ 1": 5, "Cũ 2": 4, "Cũ 3": 6, "Cũ 4": 3, "Cũ 6": 1}


def _units() -> UnitDirectory:
    return parse_units_csv(_units_csv())


def _units_csv() -> str:
    lines = [UNITS.strip()]
    for commune, count in VILLAGES.items():
        number = commune.split()[-1]
        for i in range(count):
            current = {"1": "Mới 1", "2": "Mới 1", "4": "Mới 2", "6": "Mới 3"}.get(number)
            current = current or ("Mới 2" if i < 4 else "Mới 3")
            lines.append(f"village,Bản {number}-{i},{commune},{current},,")
    return "\n".join(lines) + "\n"


def _village(units: UnitDirectory, commune: str, i: int) -> str:
    return next(v.code for v in units.villages if v.name == f"Bản {commune}-{i}")


def _layouts(units: UnitDirectory) -> dict[str, list[Target]]:
    villages = [v.code for v in units.villages]
    every = [
        # Equal shares among untouched villages: ties go in directory order.
        Target("housing", v, 10 + (i % 3) * 5, END, baseline=i % 4 if i % 2 else 0)
        for i, v in enumerate(villages)
    ]
    every.append(Target("training", villages[3], 0, END, baseline=2))  # zero: never behind
    return {
        "none": [],
        "villages": every,
        "communes": [
            Target("housing", "c:cu-1", 40, END, baseline=3),
            Target("housing", "n:moi-2", 90, date(2027, 6, 30)),
            Target("graduated", "c:cu-3", 25, END),
            Target("training", "d:tinh-thu", 500, END, baseline=7),
        ],
        # A commune's target and its villages' both: the commune's counts, its villages not.
        "mixed": [
            *every[:12],
            Target("housing", "c:cu-2", 70, date(2028, 3, 1), baseline=5),
            Target("housing", "n:moi-1", 120, END),
            Target("graduated", "c:cu-1", 15, END),
            Target("graduated", _village(units, "1", 0), 4, END),
        ],
        # A target on a one-village commune: the reference's answer all the same.
        "one village": [*every, Target("housing", "c:cu-6", 9, END)],
    }


async def _fill(store: SqlStore, units: UnitDirectory, seed: int) -> None:
    chance = random.Random(seed)
    villages = [v.code for v in units.villages]
    for n in range(120):
        village = chance.choice(villages[:-6])  # the last villages have no report at all
        indicator = chance.choice(("housing", "graduated", "training"))
        day = TODAY - timedelta(days=chance.choice((0, 1, 3, 6, 7, 12, 27, 28, 40, 200, 300)))
        added = await store.reports.add(
            [ReportItem(indicator, chance.randint(1, 9), village, None, day)],
            reporter_id=1,
            received_at=AT,
            source=f"gen:{n}",
        )
        if n % 17 == 0:
            await store.reports.cancel(added.reports[0].id, actor_id=1, at=AT)


@pytest.fixture(params=["sqlite", "postgresql"])
async def area(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlStore]:
    async def ready(store: SqlStore) -> SqlStore:
        units = _units()
        await store.units.replace(units, actor_id=None, at=AT)  # the shipped targets go
        leader = [("Lãnh đạo", "84912000002", Role.LEADER, "d:tinh-thu")]
        await store.people.upsert_roster(leader, actor_id=None, at=AT)
        await _fill(store, units, seed=2026)
        return store

    if request.param == "sqlite":
        store = await ready(await open_app_store(tmp_path / "area.sqlite3", now=AT))
        yield store
        await store.close()
        return
    async with fresh_schema() as schema:
        store = await ready(await open_app_store(schema_url(postgres_url(), schema), now=AT))
        yield store
        await store.close()


async def _both(
    store: SqlStore,
    monkeypatch: pytest.MonkeyPatch,
    code: str,
    *,
    merged: bool,
    period: str = "2026-2030",
    today: date = TODAY,
) -> tuple[AreaProgress, AreaProgress, bool]:
    """The area's figures by cells and by the reference, and whether cells answered."""
    units = await store.units.load()
    used: list[bool] = []
    cells_progress = handlers.area.cells_progress

    def spy(*args: object, **kwargs: object) -> AreaProgress:
        used.append(True)
        return cells_progress(*args, **kwargs)  # type: ignore[arg-type]

    async def load() -> AreaProgress:
        return await load_progress(
            store,
            units,
            DEFAULT_INDICATORS,
            units[code],
            merged=merged,
            today=today,
            period=DEFAULT_PERIODS.find(period) or DEFAULT_PERIODS.current(today),
        )

    with monkeypatch.context() as patch:
        patch.setattr(handlers.area, "cells_progress", spy)
        fast = await load()
    with monkeypatch.context() as patch:
        patch.setattr(handlers.area, "plan_cells", lambda *args, **kwargs: None)
        reference = await load()
    return fast, reference, bool(used)


@pytest.mark.parametrize("layout", ["none", "villages", "communes", "mixed", "one village"])
async def test_the_sums_per_cell_show_what_the_figures_per_village_show(
    area: SqlStore, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    units = await area.units.load()
    await area.targets.set_many(_layouts(units)[layout], actor_id=None, at=AT)
    for code, merged in (("d:tinh-thu", True), ("d:tinh-thu", False), ("n:moi-2", False)):
        fast, reference, by_cells = await _both(area, monkeypatch, code, merged=merged)
        assert fast == reference, (code, merged)
        # Cells answer unless a target sits on a unit of one village inside the area.
        assert by_cells == (layout != "one village" or code == "n:moi-2"), (code, merged)
    district = (await _both(area, monkeypatch, "d:tinh-thu", merged=True))[0]
    assert any(line.achieved for line in district.indicators)
    if layout == "villages":
        housing = district.indicators[0]
        assert housing.behind_by_share
        assert len(housing.behind) == 3


async def test_other_periods_and_maps_fall_back_to_the_figures_per_village(
    area: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = await area.units.load()
    await area.targets.set_many(_layouts(units)["mixed"], actor_id=None, at=AT)
    # Reports dated in 2025 lie outside the current period: its counts are not the running
    # totals, and the reference reads them.
    await area.reports.add(
        [ReportItem("housing", 4, _village(units, "2", 1), None, date(2025, 12, 30))],
        reporter_id=1,
        received_at=AT,
        source="old",
    )
    fast, reference, by_cells = await _both(area, monkeypatch, "d:tinh-thu", merged=True)
    assert fast == reference
    assert not by_cells
    past, reference, by_cells = await _both(
        area, monkeypatch, "d:tinh-thu", merged=False, period="2021-2025"
    )
    assert past == reference
    assert not by_cells
    # A current commune on the current map lists its villages: the reference's work, with
    # only the targets inside the commune; the province's others change nothing.
    fast, reference, by_cells = await _both(area, monkeypatch, "n:moi-1", merged=True)
    assert fast == reference
    assert not by_cells
    codes = [v.code for v in units.villages_in("n:moi-1")]
    every_target = area_progress(
        units,
        DEFAULT_INDICATORS,
        await area.targets.all("2026-2030"),
        units["n:moi-1"],
        merged=True,
        totals=await area.reports.period_totals(codes, date(2026, 1, 1), TODAY),
        daily=await area.reports.daily_totals(codes, TODAY - timedelta(days=27), TODAY),
        today=TODAY,
        period="2026-2030",
        week=await area.reports.period_totals(codes, TODAY - timedelta(days=6), TODAY),
    )
    assert fast == every_target


async def test_the_targets_follow_a_village_moved_to_another_commune(
    area: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = await area.units.load()
    await area.targets.set_many(_layouts(units)["villages"], actor_id=None, at=AT)
    # Bản 1-0 (target 10 of Cũ 1's 70) now belongs to Cũ 4 and Mới 2: its target goes with it.
    moved = _units_csv().replace("village,Bản 1-0,Cũ 1,Mới 1,,", "village,Bản 1-0,Cũ 4,Mới 2,,")
    await area.units.replace(parse_units_csv(moved), actor_id=None, at=AT)
    for code, merged in (("d:tinh-thu", True), ("d:tinh-thu", False), ("n:moi-2", False)):
        fast, reference, by_cells = await _both(area, monkeypatch, code, merged=merged)
        assert fast == reference, (code, merged)
        assert by_cells
    old_map = (await _both(area, monkeypatch, "d:tinh-thu", merged=False))[0]
    housing = {part.code: part for part in old_map.indicators[0].groups}
    assert housing["c:cu-1"].target is not None
    assert housing["c:cu-1"].target.value == 60
    # A target changed later is summed again in its cell.
    village = _village(units, "4", 0)
    await area.targets.set(Target("housing", village, 100, END), actor_id=None, at=AT)
    fast, reference, by_cells = await _both(area, monkeypatch, "d:tinh-thu", merged=False)
    assert fast == reference
    assert by_cells
