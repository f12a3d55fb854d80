"""The household registry: re-imports update, never duplicate; every change is an event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.household_ports import HouseholdConflict
from core.households import Category, HouseholdRecord, VillageTotal
from storage import SqlStore

AT = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def rec(name: str, category: Category, year: int = 2025, **more: object) -> HouseholdRecord:
    return HouseholdRecord(
        village=str(more.pop("village", "v:sa-lung")),
        name=name,
        category=category,
        year=year,
        **more,  # type: ignore[arg-type]
    )


async def test_a_reimport_updates_by_code_or_by_name_and_birth_year(store: SqlStore) -> None:
    first = [
        (2, rec("Giàng Seo Chứ", Category.POOR, code="SL-1", birth_year=1978)),
        (3, rec("Lò Văn Sính", Category.NEAR_POOR, birth_year=1985)),
    ]
    done = await store.households.import_records(first, [], actor_id=None, at=AT)
    assert (done.added, done.updated) == (2, 0)
    again = [
        # The same code, the name now spelled without diacritics: the same household.
        (2, rec("Giang Seo Chu", Category.NEAR_POOR, 2026, code="SL-1", decision="9/QĐ")),
        # No code: village, name (any case or spacing) and birth year find it.
        (3, rec("LÒ VĂN  SÍNH", Category.NEAR_POOR, birth_year=1985)),
    ]
    done = await store.households.import_records(again, [], actor_id=None, at=AT)
    assert (done.added, done.updated, done.moved, done.unchanged) == (0, 2, 1, 0)
    households = await store.households.in_villages(["v:sa-lung"])
    assert len(households) == 2
    chu = next(h for h in households if h.code == "SL-1")
    assert (chu.category, chu.year, chu.birth_year) == (Category.NEAR_POOR, 2026, 1978)
    history = await store.households.history(chu.id)
    assert [(h.category, h.year) for h in history] == [
        (Category.POOR, 2025),
        (Category.NEAR_POOR, 2026),
    ]
    events = await store.audit.events(entity="household")
    assert [e.action for e in events] == ["created", "created", "category", "updated"]
    done = await store.households.import_records(again, [], actor_id=None, at=AT)
    assert (done.updated, done.unchanged) == (0, 2)


async def test_two_households_of_one_name_are_told_apart_by_birth_year(store: SqlStore) -> None:
    lines = [
        (2, rec("Giàng Mí Già", Category.POOR, birth_year=1990)),
        (3, rec("Giàng Mí Già", Category.NONE, birth_year=1962)),
    ]
    await store.households.import_records(lines, [], actor_id=None, at=AT)
    assert len(await store.households.in_villages(["v:sa-lung"])) == 2
    assert await store.households.in_villages(["v:xa-phin"]) == []


async def test_a_line_matching_two_households_imports_nothing(store: SqlStore) -> None:
    coded = [
        (2, rec("Giàng Mí Già", Category.POOR, code="A")),
        (3, rec("Giàng Mí Già", Category.POOR, code="B")),
    ]
    await store.households.import_records(coded, [], actor_id=None, at=AT)
    later = [
        (2, rec("Vàng Mí Kỷ", Category.POOR)),
        (3, rec("Giàng Mí Già", Category.NONE)),
    ]
    with pytest.raises(HouseholdConflict) as raised:
        await store.households.import_records(later, [], actor_id=None, at=AT)
    assert raised.value.lines == [3]
    assert len(await store.households.in_villages(None)) == 2  # Vàng Mí Kỷ was not added


async def test_year_end_totals_are_set_and_changed_with_events(store: SqlStore) -> None:
    totals = [VillageTotal("v:sa-lung", 2025, 121), VillageTotal("v:xa-phin", 2025, 97)]
    await store.households.import_records([], totals, actor_id=None, at=AT)
    await store.households.import_records(
        [], [VillageTotal("v:sa-lung", 2025, 122)], actor_id=None, at=AT
    )
    assert await store.households.totals(["v:sa-lung"]) == [VillageTotal("v:sa-lung", 2025, 122)]
    assert len(await store.audit.events(entity="household_total")) == 3


async def test_the_demo_registry_loads_once(store: SqlStore) -> None:
    from bot.demo import seed_demo_households

    await seed_demo_households(store, now=AT)
    await seed_demo_households(store, now=AT)
    assert len(await store.households.in_villages(None)) == 6
    assert len(await store.households.totals(["v:sa-lung", "v:xa-phin"])) == 4
