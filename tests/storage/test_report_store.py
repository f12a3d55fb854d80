"""The report and pending stores' promises, as the handlers rely on them."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from core.models import ReportStatus
from core.parsing import ReportItem
from core.ports import HouseholdTaken
from storage import SqliteStore
from tests.fakes import FakeClock

DAY = date(2026, 11, 26)


def item(count: int = 1, household: str | None = None, village: str = "v:sa-lung") -> ReportItem:
    return ReportItem("housing", count, village, household, DAY)


async def reporter(store: SqliteStore) -> int:
    person = await store.people.by_phone("84912000003")
    assert person is not None
    return person.id


async def test_add_is_all_or_nothing_when_a_household_is_taken(
    store: SqliteStore, clock: FakeClock
) -> None:
    me = await reporter(store)
    await store.reports.add(
        [item(household="Giàng Seo Chứ")],
        reporter_id=me,
        received_at=clock(),
        source=None,
        once_per_household={"housing"},
    )
    with pytest.raises(HouseholdTaken) as taken:
        await store.reports.add(
            [item(3), item(household="giang seo chu")],
            reporter_id=me,
            received_at=clock(),
            source=None,
            once_per_household={"housing"},
        )
    assert taken.value.report.id == 1
    assert len(await store.reports.all()) == 1
    assert await store.reports.totals(["v:sa-lung"]) == {"housing": 1}
    # Without the rule (e.g. training) the same household may come again.
    await store.reports.add(
        [item(household="Giàng Seo Chứ")], reporter_id=me, received_at=clock(), source=None
    )
    assert len(await store.reports.all()) == 2


async def test_add_stores_a_source_once(store: SqliteStore, clock: FakeClock) -> None:
    me = await reporter(store)
    first = await store.reports.add([item(2)], reporter_id=me, received_at=clock(), source="s")
    second = await store.reports.add([item(5)], reporter_id=me, received_at=clock(), source="s")
    assert first == second
    assert await store.reports.totals(["v:sa-lung"]) == {"housing": 2}


async def test_two_deliveries_of_one_message_at_once_store_it_once(
    store: SqliteStore, clock: FakeClock
) -> None:
    me = await reporter(store)
    first, second = await asyncio.gather(
        *(
            store.reports.add([item(2), item(3)], reporter_id=me, received_at=clock(), source="s")
            for _ in range(2)
        )
    )
    assert first == second
    assert [r.count for r in first.reports] == [2, 3]
    assert first.totals == {("v:sa-lung", "housing"): 5}
    assert await store.reports.totals(["v:sa-lung"]) == {"housing": 5}


async def test_cancel_and_correct_only_active_reports(store: SqliteStore, clock: FakeClock) -> None:
    me = await reporter(store)
    added = await store.reports.add([item(2)], reporter_id=me, received_at=clock(), source=None)
    (report,) = added.reports
    changed = await store.reports.correct(report.id, item(4), actor_id=me, at=clock())
    assert changed is not None
    before, after = changed
    assert (before.count, after.count) == (2, 4)
    cancelled = await store.reports.cancel(report.id, actor_id=me, at=clock())
    assert cancelled is not None
    assert cancelled.status == ReportStatus.CANCELLED
    assert cancelled.count == 4
    assert await store.reports.cancel(report.id, actor_id=me, at=clock()) is None
    assert await store.reports.correct(report.id, item(1), actor_id=me, at=clock()) is None
    assert await store.reports.cancel(999, actor_id=me, at=clock()) is None
    assert await store.reports.totals(["v:sa-lung"]) == {"housing": 0}


async def test_a_recent_report_of_the_same_text_stores_nothing_and_is_returned(
    store: SqliteStore, clock: FakeClock
) -> None:
    me = await reporter(store)
    first = await store.reports.add(
        [item(2)], reporter_id=me, received_at=clock(), source="a", text_key="k"
    )

    async def again(text_key: str, *, by: int = me, since_minutes: float = 10) -> list[int]:
        added = await store.reports.add(
            [item(5)],
            reporter_id=by,
            received_at=clock(),
            source=f"{text_key}:{by}:{since_minutes}",
            text_key=text_key,
            repeat_since=clock() - timedelta(minutes=since_minutes),
        )
        return [r.id for r in added.repeated]

    assert await again("k") == [first.reports[0].id]
    assert await store.reports.totals(["v:sa-lung"]) == {"housing": 2}  # nothing stored
    assert await again("other") == []  # another text
    # A redelivery of the first message is not a repeat of itself: it is answered as stored.
    redelivery = await store.reports.add(
        [item(2)],
        reporter_id=me,
        received_at=clock(),
        source="a",
        text_key="k",
        repeat_since=clock() - timedelta(minutes=10),
    )
    assert redelivery.repeated == ()
    assert redelivery.reports == first.reports
    assert await again("k", since_minutes=-1) == []  # sent before the window: stored


async def test_a_pending_question_is_taken_once_by_its_own_person_in_time(
    store: SqliteStore, clock: FakeClock
) -> None:
    me = await reporter(store)
    key = await store.pending.put(
        person_id=me, kind="repeat", text="xong 2 nhà", data={"a": [1]}, source="s", at=clock()
    )
    assert len(key) <= 12
    day = timedelta(days=1)
    assert (
        await store.pending.take(key, person_id=me, kind="village", at=clock(), max_age=day) is None
    )
    assert (
        await store.pending.take(key, person_id=me + 1, kind="repeat", at=clock(), max_age=day)
        is None
    )
    results = await asyncio.gather(
        *(
            store.pending.take(key, person_id=me, kind="repeat", at=clock(), max_age=day)
            for _ in range(5)
        )
    )
    taken = [r for r in results if r is not None]
    assert len(taken) == 1
    assert taken[0].text == "xong 2 nhà"
    assert taken[0].data == {"a": [1]}
    kept = await store.pending.get(key)
    assert kept is not None
    assert kept.text == ""
    assert kept.used_at == clock()
    late = await store.pending.put(
        person_id=me, kind="repeat", text="x", data={}, source=None, at=clock()
    )
    clock.advance(days=1, seconds=1)
    assert (
        await store.pending.take(late, person_id=me, kind="repeat", at=clock(), max_age=day) is None
    )
