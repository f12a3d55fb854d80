"""The contract every storage backend must pass, written against core.ports.Store.

Every test runs on SQLite and on PostgreSQL (TEST_POSTGRES_URL; skipped, saying so, when it
is not set). The tests use nothing but the Protocol's methods.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.reference import shipped_units
from core.evidence import Location, PreparedPhoto, Review
from core.models import Invite, ReportStatus, Role, Target
from core.parsing import ReportItem
from core.ports import HouseholdTaken, Store
from storage import SqlStore, open_store
from tests.postgres import postgres_store

AT = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
SA_LUNG, XA_PHIN = "v:sa-lung", "v:xa-phin"


@asynccontextmanager
async def sqlite_store(folder: Path) -> AsyncIterator[SqlStore]:
    store = await open_store(folder / "contract.sqlite3")
    try:
        yield store
    finally:
        await store.close()


def opened(name: str, folder: Path) -> AbstractAsyncContextManager[SqlStore]:
    return sqlite_store(folder) if name == "sqlite" else postgres_store()


@pytest.fixture(params=["sqlite", "postgresql"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with opened(request.param, tmp_path) as store:
        await store.units.replace(shipped_units(), actor_id=None, at=AT)
        await store.people.upsert_roster(
            [("Cán bộ A", "84912000003", Role.CADRE, SA_LUNG)], actor_id=None, at=AT
        )
        yield store


def item(indicator: str = "housing", count: int = 2, **fields: object) -> ReportItem:
    values: dict[str, object] = {
        "indicator": indicator,
        "count": count,
        "village": SA_LUNG,
        "household": None,
        "date": date(2026, 11, 25),
    }
    values.update(fields)
    return ReportItem(**values)  # type: ignore[arg-type]


async def reporter(store: Store) -> int:
    person = await store.people.by_phone("84912000003")
    assert person is not None
    return person.id


async def test_units_round_trip(backend: Store) -> None:
    units = await backend.units.load()
    assert units == shipped_units()


async def test_people_are_found_by_phone_identity_and_id(backend: Store) -> None:
    person_id = await reporter(backend)
    await backend.people.link(person_id, "telegram", "7001", AT)
    found = await backend.people.by_identity("telegram", "7001")
    assert found is not None
    assert found.id == person_id
    assert found.scope == SA_LUNG
    assert await backend.people.by_identity("telegram", "7002") is None
    assert await backend.people.identities(person_id, "telegram") == ["7001"]


async def test_an_invite_is_taken_once_and_not_after_it_expires(backend: Store) -> None:
    person_id = await reporter(backend)
    week = AT + timedelta(days=7)
    await backend.people.add_invite(Invite("ABC234", "84912000003", person_id, week), AT)
    assert await backend.people.take_invite("ABC234", AT + timedelta(days=8)) is None
    await backend.people.add_invite(Invite("XYZ789", "84912000003", person_id, week), AT)
    taken = await backend.people.take_invite("XYZ789", AT)
    assert taken is not None
    assert taken.phone == "84912000003"
    assert await backend.people.take_invite("XYZ789", AT) is None


async def test_an_invite_taken_for_a_chat_links_it_in_the_same_commit(backend: Store) -> None:
    # A process that dies after the commit leaves the person registered; before it, the code
    # unused: never a used code and nobody linked (the code could not be sent again).
    person_id = await reporter(backend)
    week = AT + timedelta(days=7)
    await backend.people.add_invite(Invite("LNK234", "84912000003", person_id, week), AT)
    taken = await backend.people.take_invite("LNK234", AT, linking=("zalo", "1:ann"))
    assert taken is not None
    found = await backend.people.by_identity("zalo", "1:ann")
    assert found is not None
    assert found.id == person_id


async def test_reports_keep_totals_in_step_through_corrections_and_cancels(
    backend: Store,
) -> None:
    who = await reporter(backend)
    added = await backend.reports.add([item()], reporter_id=who, received_at=AT, source="m:1")
    (first,) = added.reports
    await backend.reports.add([item(count=3)], reporter_id=who, received_at=AT, source="m:2")
    assert await backend.reports.totals([SA_LUNG]) == {"housing": 5}
    changed = await backend.reports.correct(
        first.id, item(count=4, village=XA_PHIN), actor_id=who, at=AT
    )
    assert changed is not None
    assert changed[1].count == 4
    assert await backend.reports.village_totals([SA_LUNG, XA_PHIN]) == {
        (SA_LUNG, "housing"): 3,
        (XA_PHIN, "housing"): 4,
    }
    cancelled = await backend.reports.cancel(first.id, actor_id=who, at=AT)
    assert cancelled is not None
    assert cancelled.status == ReportStatus.CANCELLED
    assert await backend.reports.totals([SA_LUNG, XA_PHIN]) == {"housing": 3}
    assert await backend.reports.cancel(first.id, actor_id=who, at=AT) is None
    days = await backend.reports.daily_totals([SA_LUNG, XA_PHIN], date(2026, 11, 1), AT.date())
    assert days == {("housing", date(2026, 11, 25)): 3}


async def test_one_channel_message_is_stored_once(backend: Store) -> None:
    who = await reporter(backend)
    await backend.reports.add([item()], reporter_id=who, received_at=AT, source="m:1")
    await backend.reports.add([item(count=3)], reporter_id=who, received_at=AT, source="m:2")
    again = await backend.reports.add([item()], reporter_id=who, received_at=AT, source="m:1")
    assert len(await backend.reports.all()) == 2
    assert [r.id for r in again.reports] == [r.id for r in await backend.reports.by_source("m:1")]
    # The totals as they are, the other message's report included; nothing added twice.
    assert again.totals == {(SA_LUNG, "housing"): 5}


async def test_adding_returns_the_running_totals_its_reports_are_part_of(backend: Store) -> None:
    who = await reporter(backend)
    await backend.reports.add([item(count=4)], reporter_id=who, received_at=AT, source="m:1")
    await backend.reports.add(
        [item("training", 9, village=XA_PHIN)], reporter_id=who, received_at=AT, source="m:2"
    )
    added = await backend.reports.add(
        [item(count=2), item(count=1, date=date(2026, 11, 24)), item("training", 12)],
        reporter_id=who,
        received_at=AT,
        source="m:3",
    )
    assert [r.count for r in added.reports] == [2, 1, 12]
    # Per (village, indicator) of the new reports only, all reports of the pair counted.
    assert added.totals == {(SA_LUNG, "housing"): 7, (SA_LUNG, "training"): 12}
    assert await backend.reports.village_totals([SA_LUNG, XA_PHIN]) == {
        (SA_LUNG, "housing"): 7,
        (SA_LUNG, "training"): 12,
        (XA_PHIN, "training"): 9,
    }


async def test_a_household_graduates_once(backend: Store) -> None:
    who = await reporter(backend)
    graduated = item("graduated", 1, household="Giàng Seo Chứ")
    await backend.reports.add(
        [graduated],
        reporter_id=who,
        received_at=AT,
        source="m:1",
        once_per_household=("graduated",),
    )
    with pytest.raises(HouseholdTaken):
        await backend.reports.add(
            [item("graduated", 1, household="giang seo chu")],
            reporter_id=who,
            received_at=AT,
            source="m:2",
            once_per_household=("graduated",),
        )
    assert await backend.reports.totals([SA_LUNG]) == {"graduated": 1}


async def test_targets_are_set_and_replaced_within_their_period(backend: Store) -> None:
    target = Target("housing", "d:meo-vac", 1733, date(2025, 12, 31))
    await backend.targets.set(target, actor_id=None, at=AT)
    await backend.targets.set(
        Target("housing", "d:meo-vac", 1800, date(2025, 6, 30)), actor_id=None, at=AT
    )
    assert [(t.value, t.period) for t in await backend.targets.all()] == [(1800, "2021-2025")]
    # The same indicator and unit in the next period is another target.
    await backend.targets.set(
        Target("housing", "d:meo-vac", 900, date(2030, 12, 31)), actor_id=None, at=AT
    )
    assert [t.value for t in await backend.targets.all("2026-2030")] == [900]
    assert [t.value for t in await backend.targets.all("2021-2025")] == [1800]


async def test_photos_are_kept_once_linked_within_limits_and_located(backend: Store) -> None:
    who = await reporter(backend)
    added = await backend.reports.add(
        [item(), item("training", 3)], reporter_id=who, received_at=AT, source="m:1"
    )
    ids = [r.id for r in added.reports]
    near = Location(23.16, 105.41)
    photo = PreparedPhoto("a" * 64, b"\xff\xd8jpeg", "image/jpeg", 4, 3, location=near)
    other = PreparedPhoto("b" * 64, b"\xff\xd8other", "image/jpeg", 4, 3)
    first = await backend.evidence.attach(ids, [photo], actor_id=who, at=AT, per_report=1)
    assert (first.added, first.counts) == (2, {ids[0]: 1, ids[1]: 1})
    again = await backend.evidence.attach(ids, [photo, other], actor_id=who, at=AT, per_report=1)
    assert (again.added, again.known, again.over_limit) == (0, 2, 2)
    assert [p.content for p in await backend.evidence.photos(ids[0])] == [b"\xff\xd8jpeg"]
    assert len([p async for p in backend.evidence.each()]) == 2
    big = PreparedPhoto("c" * 64, b"\xff\xd8" + b"x" * 20, "image/jpeg", 4, 3)
    full = await backend.evidence.attach(
        ids, [big], actor_id=who, at=AT, per_report=5, total_cap=30
    )
    assert full.storage_full
    assert await backend.evidence.latest_reports(who, AT) == ids
    assert (
        await backend.evidence.set_location(
            ids, near, source="exif", actor_id=who, at=AT, replace=False
        )
        == 2
    )
    assert await backend.evidence.locations(ids) == {ids[0]: near, ids[1]: near}
    assert await backend.evidence.group("album:1", ids[:1], AT) == ids[:1]
    assert await backend.evidence.group("album:1", ids, AT) == ids[:1]
    assert await backend.evidence.known_group("album:2") is None


async def test_reports_are_listed_a_page_at_a_time_oldest_first(backend: Store) -> None:
    who = await reporter(backend)
    for number in range(5):
        village = SA_LUNG if number % 2 == 0 else XA_PHIN
        await backend.reports.add(
            [item(count=number + 1, village=village)],
            reporter_id=who,
            received_at=AT,
            source=f"m{number}",
        )
    (first,) = (
        await backend.reports.add([item()], reporter_id=who, received_at=AT, source="x")
    ).reports
    await backend.reports.cancel(first.id, actor_id=who, at=AT)

    pages = [page async for page in backend.reports.pages(size=2)]
    assert [len(p) for p in pages] == [2, 2, 2]
    assert [r.count for p in pages for r in p] == [1, 2, 3, 4, 5, 2]  # cancelled ones too
    assert pages[-1][-1].status is ReportStatus.CANCELLED
    of_xa_phin = [p[0].count async for p in backend.reports.pages([XA_PHIN], size=1)]
    assert of_xa_phin == [2, 4]
    assert [p async for p in backend.reports.pages([])] == []
    assert await backend.reports.count() == 6
    assert await backend.reports.count([XA_PHIN]) == 2
    assert await backend.reports.count([]) == 0


async def area_approval(backend: Store) -> tuple[dict[str, int], int, datetime | None]:
    """What /tiendo reads of the approval of Sa Lủng's commune, by its former commune and by
    its current one: the same."""
    village = (await backend.units.load())[SA_LUNG]
    assert village.parent
    assert village.current
    first, last = date(2000, 1, 1), date(2100, 1, 1)
    by_parent = await backend.reviews.area_approval([village.parent], [], first, last)
    by_current = await backend.reviews.area_approval([], [village.current], first, last)
    assert by_parent == by_current
    return by_parent


async def test_reviews_decide_once_keep_totals_and_aggregates(backend: Store) -> None:
    who = await reporter(backend)
    added = await backend.reports.add(
        [item(count=2), item("training", 3)],
        reporter_id=who,
        received_at=AT,
        source="m:r",
        needs_approval=["housing"],
    )
    house, training = added.reports
    assert (house.review, training.review) == (Review.AWAITING, None)
    assert await backend.reviews.summary([SA_LUNG]) == (1, AT)
    assert await area_approval(backend) == ({}, 1, AT)
    assert await backend.reviews.waiting_by_village() == {SA_LUNG: (1, AT)}
    assert [r.id for r in await backend.reviews.awaiting([SA_LUNG])] == [house.id]
    later = AT + timedelta(hours=1)
    rejected = await backend.reviews.decide(
        house.id, Review.REJECTED, reviewer_id=who, at=later, reason="thiếu ảnh"
    )
    assert rejected is not None
    assert (
        await backend.reviews.decide(house.id, Review.APPROVED, reviewer_id=who, at=later) is None
    )
    assert await backend.reports.totals([SA_LUNG]) == {"housing": 0, "training": 3}
    info = (await backend.reviews.infos([house.id]))[house.id]
    assert (info.review, info.reviewer_id, info.reviewed_at, info.reason) == (
        Review.REJECTED,
        who,
        later,
        "thiếu ảnh",
    )
    # The same values again send a rejected report back, into the totals.
    changed = await backend.reports.correct(
        house.id, item(count=2), actor_id=who, at=later, needs_approval=["housing"]
    )
    assert changed is not None
    assert changed[1].review == Review.AWAITING
    assert await backend.reports.totals([SA_LUNG]) == {"housing": 2, "training": 3}
    assert await backend.reviews.decide(house.id, Review.APPROVED, reviewer_id=who, at=later)
    assert await backend.reviews.approved_totals([SA_LUNG]) == {"housing": 2}
    assert await backend.reviews.approved_totals([SA_LUNG], AT.date(), AT.date()) == {}
    assert await backend.reviews.summary([SA_LUNG]) == (0, None)
    assert await area_approval(backend) == ({"housing": 2}, 0, None)
    await backend.reports.cancel(house.id, actor_id=who, at=later)
    assert await backend.reviews.approved_totals([SA_LUNG]) == {}
