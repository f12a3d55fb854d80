"""Two households of one village with one name: the cadre is asked which, nothing is stored
before the answer, and the once-per-household rule holds for the household chosen."""

from __future__ import annotations

import pytest

from bot.demo import seed_demo_households
from core.households import Category, HouseholdRecord
from handlers import Engine, Reply
from storage import SqliteStore
from tests.conftest import CADRE_XA_PHIN, Chat, as_person
from tests.fakes import FakeClock


@pytest.fixture
async def registry(store: SqliteStore, clock: FakeClock) -> None:
    # Sà Lủng has two households "Giàng Mí Già": born 1990 (SL-003) and 1962 (SL-004).
    await seed_demo_households(store, now=clock())


def button(reply: Reply, start: str) -> str:
    (choice,) = [c for c in reply.choices if c.label.startswith(start)]
    return choice.data


async def _ids(store: SqliteStore) -> dict[str, int]:
    return {h.code: h.id for h in await store.households.in_villages()}


async def test_the_cadre_chooses_and_only_then_the_report_is_stored(
    registry: None, cadre: Chat, store: SqliteStore
) -> None:
    (question,) = await cadre.send("hộ Giàng Mí Già thoát nghèo")
    assert "thôn Sà Lủng có 2 hộ tên Giàng Mí Già" in question.text
    assert "chưa được ghi" in question.text
    assert [c.label for c in question.choices] == [
        "Giàng Mí Già, sinh 1962, mã SL-004",
        "Giàng Mí Già, sinh 1990, mã SL-003",
    ]
    assert await store.reports.all() == []
    (stored,) = await cadre.send(None, choice=button(question, "Giàng Mí Già, sinh 1990"))
    assert "Đã ghi nhận 1 báo cáo" in stored.text
    (report,) = await store.reports.all()
    assert report.household == "Giàng Mí Già"
    assert report.household_id == (await _ids(store))["SL-003"]


async def test_each_of_two_same_named_households_graduates_once(
    registry: None, cadre: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    for start in ("Giàng Mí Già, sinh 1990", "Giàng Mí Già, sinh 1962"):
        clock.advance(minutes=11)  # not the same text again within minutes
        (question,) = await cadre.send("ho giang mi gia thoat ngheo")
        (stored,) = await cadre.send(None, choice=button(question, start))
        assert "Đã ghi nhận 1 báo cáo" in stored.text
    clock.advance(minutes=11)
    (question,) = await cadre.send("hộ Giàng Mí Già thoát nghèo")
    (again,) = await cadre.send(None, choice=button(question, "Giàng Mí Già, sinh 1990"))
    assert "đã được báo cáo" in again.text
    assert "không ghi" in again.text
    ids = await _ids(store)
    assert sorted(r.household_id or 0 for r in await store.reports.all()) == sorted(
        [ids["SL-003"], ids["SL-004"]]
    )


async def test_a_question_answered_twice_stores_once_and_says_so(
    registry: None, cadre: Chat, store: SqliteStore
) -> None:
    (question,) = await cadre.send("hộ Giàng Mí Già thoát nghèo")
    data = button(question, "Giàng Mí Già, sinh 1962")
    await cadre.send(None, choice=data)
    (second,) = await cadre.send(None, choice=data)
    assert "đã trả lời câu hỏi này rồi" in second.text
    assert len(await store.reports.all()) == 1


async def test_an_unanswered_question_expires_with_a_word_not_silently(
    registry: None, cadre: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    (question,) = await cadre.send("hộ Giàng Mí Già thoát nghèo")
    clock.advance(days=1, minutes=1)
    (late,) = await cadre.send(None, choice=button(question, "Giàng Mí Già, sinh 1962"))
    assert "quá hạn" in late.text
    assert "gửi lại" in late.text
    assert await store.reports.all() == []


async def test_someone_elses_question_changes_nothing(
    registry: None, engine: Engine, cadre: Chat, store: SqliteStore
) -> None:
    (question,) = await cadre.send("hộ Giàng Mí Già thoát nghèo")
    other = await as_person(engine, CADRE_XA_PHIN)
    (forged,) = await other.send(None, choice=button(question, "Giàng Mí Già, sinh 1962"))
    assert "dành cho người khác" in forged.text
    assert await store.reports.all() == []


async def test_a_village_outside_the_scope_is_refused_before_any_household_is_offered(
    registry: None, engine: Engine, store: SqliteStore
) -> None:
    other = await as_person(engine, CADRE_XA_PHIN)
    replies = await other.send("thôn Sà Lủng hộ Giàng Mí Già thoát nghèo")
    text = "\n".join(r.text for r in replies)
    assert "không thuộc địa bàn của bạn" in text
    assert all(not r.choices for r in replies)
    assert "1962" not in text
    assert "SL-00" not in text
    assert await store.reports.all() == []


async def test_a_correction_keeps_the_chosen_household_without_asking_again(
    registry: None, cadre: Chat, store: SqliteStore
) -> None:
    (question,) = await cadre.send("hộ Giàng Mí Già thoát nghèo")
    await cadre.send(None, choice=button(question, "Giàng Mí Già, sinh 1962"))
    (report,) = await store.reports.all()
    (fixed,) = await cadre.send(f"/sua {report.id} hôm qua")
    assert not fixed.choices
    assert f"Đã sửa báo cáo số {report.id}" in fixed.text
    (after,) = await store.reports.all()
    assert after.household_id == report.household_id


async def test_a_correction_naming_the_shared_name_asks_which_household(
    registry: None, cadre: Chat, store: SqliteStore
) -> None:
    await cadre.say("hộ Lò Văn Sính thoát nghèo")
    (report,) = await store.reports.all()
    (question,) = await cadre.send(f"/sua {report.id} hộ Giàng Mí Già thoát nghèo")
    assert len(question.choices) == 2
    (fixed,) = await cadre.send(None, choice=button(question, "Giàng Mí Già, sinh 1990"))
    assert f"Đã sửa báo cáo số {report.id}" in fixed.text
    (after,) = await store.reports.all()
    assert after.household_id == (await _ids(store))["SL-003"]


async def test_a_leader_naming_the_village_reports_a_lower_case_registry_name(
    registry: None, leader: Chat, store: SqliteStore
) -> None:
    reply = await leader.say("thon Sa Lung ho giang seo chu thoat ngheo")
    assert "Đã ghi nhận 1 báo cáo" in reply
    (report,) = await store.reports.all()
    assert (report.household, report.village) == ("Giàng Seo Chứ", "v:sa-lung")
    assert report.household_id == (await _ids(store))["SL-001"]


async def test_a_leader_naming_another_village_does_not_get_this_villages_household(
    registry: None, leader: Chat, store: SqliteStore
) -> None:
    # Vàng Mí Kỷ is on Xà Phìn's list: in Sà Lủng the lower-case words are no name.
    assert "Đã ghi nhận" not in await leader.say("thôn Sà Lủng ho vang mi ky thoat ngheo")
    assert await store.reports.all() == []


async def test_two_shared_names_in_one_message_are_asked_one_after_the_other(
    registry: None, cadre: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    another = HouseholdRecord("v:sa-lung", "Lò Văn Sính", Category.POOR, 2025, 1999, code="SL-009")
    await store.households.import_records([(2, another)], [], actor_id=None, at=clock())
    (first,) = await cadre.send("hộ Giàng Mí Già thoát nghèo, hộ Lò Văn Sính thoát nghèo")
    assert "2 hộ tên Giàng Mí Già" in first.text
    (second,) = await cadre.send(None, choice=button(first, "Giàng Mí Già, sinh 1962"))
    assert "2 hộ tên Lò Văn Sính" in second.text
    assert await store.reports.all() == []
    (stored,) = await cadre.send(None, choice=button(second, "Lò Văn Sính, sinh 1999"))
    assert "Đã ghi nhận 2 báo cáo" in stored.text
    ids = await _ids(store)
    assert [r.household_id for r in await store.reports.all()] == [ids["SL-004"], ids["SL-009"]]


async def test_a_correction_to_a_name_not_on_the_list_says_so(
    registry: None, cadre: Chat, store: SqliteStore
) -> None:
    await cadre.say("hộ Lò Văn Sính thoát nghèo")
    (report,) = await store.reports.all()
    fixed = await cadre.say(f"/sua {report.id} hộ Sùng Mí Páo thoát nghèo")
    assert f"Đã sửa báo cáo số {report.id}" in fixed
    assert "Hộ Sùng Mí Páo chưa có trong danh sách hộ của thôn" in fixed
    (after,) = await store.reports.all()
    assert (after.household, after.household_id) == ("Sùng Mí Páo", None)
