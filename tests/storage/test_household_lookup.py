"""Households looked up for their card: by name or code within villages, their reports, and
the reports naming a household the village's list does not have."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.households import Category, HouseholdRecord
from core.parsing import ReportItem
from storage import SqlStore
from storage.database import _migrations, _split_statements

AT = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
DAY = date(2026, 11, 25)


async def _registry(store: SqlStore) -> dict[str, int]:
    lines = [
        (2, HouseholdRecord("v:sa-lung", "Giàng Seo Chứ", Category.POOR, 2025, 1978, code="SL-1")),
        (3, HouseholdRecord("v:sa-lung", "Giàng Mí Già", Category.POOR, 2025, 1990)),
        (4, HouseholdRecord("v:sa-lung", "Giàng Mí Già", Category.NONE, 2025, 1962)),
        (5, HouseholdRecord("v:xa-phin", "Giàng Seo Chứ", Category.POOR, 2025, 1950)),
    ]
    await store.households.import_records(lines, [], actor_id=None, at=AT)
    return {f"{h.village}/{h.birth_year}": h.id for h in await store.households.in_villages()}


async def _report(store: SqlStore, household: str, household_id: int | None = None) -> int:
    item = ReportItem("graduated", 1, "v:sa-lung", household, DAY, household_id)
    added = await store.reports.add([item], reporter_id=3, received_at=AT, source=None)
    return added.reports[0].id


async def test_find_ignores_case_diacritics_spacing_and_keeps_to_the_villages(
    store: SqlStore,
) -> None:
    ids = await _registry(store)
    for text in ("giang seo chu", "GiàngSeo  Chứ", "sl-1", "SL-1 "):
        found = await store.households.find(text, ["v:sa-lung"])
        assert [h.id for h in found] == [ids["v:sa-lung/1978"]], text
    both = await store.households.find("Giang Seo Chu", ["v:sa-lung", "v:xa-phin"])
    assert len(both) == 2
    assert await store.households.find("Giàng Seo Chứ", ["v:lung-pu"]) == []
    assert await store.households.find("Giàng", ["v:sa-lung"]) == []


async def test_a_households_reports_by_id_and_by_its_name_before_it_was_listed(
    store: SqlStore,
) -> None:
    ids = await _registry(store)
    chu = await store.households.get(ids["v:sa-lung/1978"])
    assert chu is not None
    mine = await _report(store, "Giàng Seo Chứ", chu.id)
    typed = await _report(store, "giang seo  chu")  # stored before the list had it
    other = await store.households.get(ids["v:sa-lung/1990"])
    assert other is not None
    await _report(store, "Giàng Mí Già", other.id)
    by_id = await store.households.reports_of(chu, by_name=False)
    assert [r.id for r in by_id] == [mine]
    by_name = await store.households.reports_of(chu, by_name=True)
    assert [r.id for r in by_name] == [mine, typed]


async def test_unlisted_reports_are_those_whose_name_the_villages_list_lacks(
    store: SqlStore,
) -> None:
    await _registry(store)
    unlisted = await _report(store, "Sùng Mí Páo")
    await _report(store, "giang seo chu")  # on the list, only not matched when stored
    found = await store.households.unlisted_reports(["v:sa-lung", "v:xa-phin"])
    assert [r.id for r in found] == [unlisted]
    assert await store.households.unlisted_reports(["v:xa-phin"]) == []


async def test_the_migration_links_earlier_reports_to_the_one_household_of_their_name(
    store: SqlStore,
) -> None:
    ids = await _registry(store)
    chu = await _report(store, "Giàng Seo Chứ")
    gia = await _report(store, "Giàng Mí Già")  # two households of that name: not linked
    (sql,) = [sql for version, sql in _migrations() if version == 15]
    async with store.db.transaction() as conn:
        for statement in _split_statements(sql):
            if statement.lstrip().startswith("UPDATE"):
                await conn.execute(statement)
    reports = {r.id: r for r in await store.reports.all()}
    assert reports[chu].household_id == ids["v:sa-lung/1978"]
    assert reports[gia].household_id is None
