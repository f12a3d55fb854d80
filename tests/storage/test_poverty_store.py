"""The poverty rate's inputs on both backends: the path as set, the registry's history."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

from core.households import Category, HouseholdRecord
from core.poverty_rate import EVERY_UNIT, Baseline, PathStep, Step
from storage import SqlStore

AT = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


async def test_baselines_and_steps_are_set_once_with_events(store: SqlStore) -> None:
    shipped = await store.poverty.baselines()
    assert [(b.unit, b.year) for b in shipped] == [("d:meo-vac", 2021)]
    new = [Baseline("v:sa-lung", 2022, Fraction(3125, 10000), 35, 112)]
    step = [PathStep("2026-2030", EVERY_UNIT, Fraction(45, 1000))]
    assert await store.poverty.set_path(new, step, actor_id=None, at=AT) == 2
    assert await store.poverty.set_path(new, step, actor_id=None, at=AT) == 0
    changed = [Baseline("v:sa-lung", 2022, Fraction(30, 100))]
    assert await store.poverty.set_path(changed, [], actor_id=None, at=AT) == 1
    assert changed[0] in await store.poverty.baselines()
    assert PathStep("2026-2030", "", Fraction(45, 1000)) in await store.poverty.path_steps()
    events = await store.audit.events(entity="poverty_baseline")
    assert [e.entity_id for e in events][-2:] == ["v:sa-lung/2022", "v:sa-lung/2022"]


async def test_the_registry_is_read_with_each_households_history(store: SqlStore) -> None:
    def rec(category: Category, year: int) -> HouseholdRecord:
        return HouseholdRecord("v:sa-lung", "Giàng Seo Chứ", category, year, code="SL-1")

    for category, year in ((Category.POOR, 2021), (Category.NONE, 2023)):
        await store.households.import_records([(2, rec(category, year))], [], actor_id=None, at=AT)
    steps, current = await store.poverty.registry(["v:sa-lung", "v:xa-phin"])
    (household,) = {s.household for s in steps}
    assert steps == [
        Step(household, "v:sa-lung", Category.POOR, 2021),
        Step(household, "v:sa-lung", Category.NONE, 2023),
    ]
    assert current == [("v:sa-lung", Category.NONE)]
    assert await store.poverty.registry([]) == ([], [])
