"""Decisions on household categories, on both backends: a step with its number and date, an
undo that keeps the step, and reported graduations matched to registry households."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.decisions import Decision, Movement
from core.households import Category, HouseholdRecord
from core.parsing import ReportItem
from storage import SqlStore

AT = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


async def _registry(store: SqlStore) -> dict[str, int]:
    lines = [
        (2, HouseholdRecord("v:sa-lung", "Giàng Seo Chứ", Category.POOR, 2025, 1978)),
        (3, HouseholdRecord("v:sa-lung", "Lò Văn Sính", Category.POOR, 2025, 1985)),
        (4, HouseholdRecord("v:xa-phin", "Vàng Mí Kỷ", Category.POOR, 2025)),
    ]
    await store.households.import_records(lines, [], actor_id=None, at=AT)
    return {h.name: h.id for h in await store.households.in_villages()}


async def test_a_decision_moves_the_household_and_can_be_undone(store: SqlStore) -> None:
    ids = await _registry(store)
    (leader,) = [p for p in await store.people.all() if p.phone.endswith("912000002")]
    near = Decision(Category.NEAR_POOR, "12/QĐ-UBND", date(2026, 11, 20))
    assert (
        await store.decisions.record(
            ids["Giàng Seo Chứ"], near, expected=Category.NEAR_POOR, actor_id=leader.id, at=AT
        )
        is None
    )  # not what the leader saw: nothing changes
    step = await store.decisions.record(
        ids["Giàng Seo Chứ"], near, expected=Category.POOR, actor_id=leader.id, at=AT
    )
    assert step is not None
    assert (step.before, step.category, step.year, step.movement) == (
        Category.POOR,
        Category.NEAR_POOR,
        2026,
        Movement.LEFT_POVERTY,
    )
    assert (step.decided_on, step.source, step.actor_id) == (date(2026, 11, 20), "chat", leader.id)
    middle = Decision(Category.MIDDLE, "13/QĐ-UBND", date(2026, 11, 25))
    later = await store.decisions.record(
        ids["Giàng Seo Chứ"], middle, expected=Category.NEAR_POOR, actor_id=leader.id, at=AT
    )
    assert later is not None
    assert later.movement == Movement.LEFT_NEAR_POVERTY
    # Only the latest standing step can be undone.
    assert await store.decisions.cancel(step.id, actor_id=leader.id, at=AT) is None
    back = await store.decisions.cancel(later.id, actor_id=leader.id, at=AT)
    assert back is not None
    assert back.id == step.id
    (household,) = [h for h in await store.households.in_villages() if h.id == back.household_id]
    assert (household.category, household.year, household.decision) == (
        Category.NEAR_POOR,
        2026,
        "12/QĐ-UBND",
    )
    steps = await store.decisions.steps(["v:sa-lung"])
    assert [(s.category, s.cancelled) for s in steps if s.household_id == household.id] == [
        (Category.POOR, False),
        (Category.NEAR_POOR, False),
        (Category.MIDDLE, True),
    ]
    out = store.decisions.households_out_of_poverty
    assert await out(["v:sa-lung"], 2026, 2030) == 1  # the cancelled step does not count
    assert await out(["v:sa-lung"], 2021, 2025) == 0
    assert await out(["v:xa-phin"], 2026, 2030) == 0
    assert await store.decisions.steps(["v:xa-phin"]) != []
    assert await store.decisions.steps([]) == []
    actions = [e.action for e in await store.audit.events(entity="household")]
    assert actions[-3:] == ["decided", "decided", "decision_cancelled"]


async def test_reported_graduations_say_whether_a_decision_followed(store: SqlStore) -> None:
    ids = await _registry(store)
    (cadre,) = [p for p in await store.people.all() if p.phone.endswith("912000003")]
    for household, day in (("giang seo chu", 3), ("Lò Văn Sính", 4), ("Sùng A Páo", 5), (None, 6)):
        await store.reports.add(
            [ReportItem("graduated", 1, "v:sa-lung", household, date(2026, 11, day))],
            reporter_id=cadre.id,
            received_at=AT,
            source=f"test:{day}",
            once_per_household=("graduated",),
        )
    decision = Decision(Category.NONE, "1/QĐ", date(2026, 11, 20))
    await store.decisions.record(
        ids["Giàng Seo Chứ"], decision, expected=Category.POOR, actor_id=cadre.id, at=AT
    )
    found = await store.decisions.reported_graduations(["v:sa-lung"])
    assert [(r.household, r.decided, r.listed) for r in found] == [
        (None, False, False),
        ("Sùng A Páo", False, False),
        ("Lò Văn Sính", False, True),
        ("giang seo chu", True, True),
    ]
    within = await store.decisions.reported_graduations(
        ["v:sa-lung"], date(2026, 11, 4), date(2026, 11, 5)
    )
    assert [r.done_on.day for r in within] == [5, 4]
    assert await store.decisions.reported_graduations(["v:xa-phin"]) == []


async def test_an_older_list_imported_again_does_not_undo_a_later_decision(
    store: SqlStore,
) -> None:
    ids = await _registry(store)
    (leader,) = [p for p in await store.people.all() if p.phone.endswith("912000002")]
    near = Decision(Category.NEAR_POOR, "12/QĐ-UBND", date(2026, 11, 20))
    await store.decisions.record(
        ids["Giàng Seo Chứ"], near, expected=Category.POOR, actor_id=leader.id, at=AT
    )
    old_list = [
        (2, HouseholdRecord("v:sa-lung", "Giàng Seo Chứ", Category.POOR, 2025, 1978, "Mông")),
        (3, HouseholdRecord("v:sa-lung", "Lò Văn Sính", Category.NEAR_POOR, 2026, 1985)),
    ]
    done = await store.households.import_records(old_list, [], actor_id=None, at=AT)
    assert (done.kept, done.moved, done.updated) == (1, 1, 2)
    households = {h.name: h for h in await store.households.in_villages(["v:sa-lung"])}
    chu = households["Giàng Seo Chứ"]
    assert (chu.category, chu.year, chu.decision, chu.ethnicity) == (
        Category.NEAR_POOR,
        2026,
        "12/QĐ-UBND",
        "Mông",
    )
    assert households["Lò Văn Sính"].category == Category.NEAR_POOR  # a newer line moves it
