"""The same household twice, the same message twice, the same text twice."""

from __future__ import annotations

import asyncio
import re

from core.models import Role
from handlers import Engine, Reply
from storage import SqliteStore
from tests.conftest import CADRE_XA_PHIN, Chat, as_person
from tests.fakes import FakeClock


def button(reply: Reply, label: str) -> str:
    (choice,) = [c for c in reply.choices if c.label == label]
    return choice.data


# --- households -----------------------------------------------------------------------


async def test_a_household_completes_housing_only_once_and_the_bot_says_who_and_when(
    engine: Engine, cadre: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    await cadre.say("xong nhà hộ Giàng Seo Chứ")  # 10:00 local time
    clock.advance(days=1, hours=4, minutes=30)
    await store.people.upsert_roster(
        [("Phó chủ tịch xã", "84912000006", Role.LEADER, "n:meo-vac")], actor_id=None, at=clock()
    )
    commune_leader = await as_person(engine, "0912000006")
    reply = await commune_leader.say("thôn Sà Lủng: hộ Giang Seo Chu xong nhà")
    assert "Hộ Giàng Seo Chứ ở thôn Sà Lủng đã được báo cáo nhà ở hoàn thành rồi" in reply
    assert "báo cáo số 1, do Cán bộ thôn Sà Lủng gửi lúc 10:00 ngày 26/11/2026" in reply
    assert "/sua 1" not in reply  # only the reporter is told how to fix their own report
    assert len(await store.reports.all()) == 1
    own = await cadre.say("xong nhà hộ Giàng Seo Chứ")
    assert "/sua 1" in own


async def test_household_limits_are_per_indicator_and_village(
    engine: Engine, cadre: Chat, store: SqliteStore
) -> None:
    await cadre.say("xong nhà hộ Giàng Seo Chứ")
    # Graduating is another indicator; training may be reported again and again.
    assert "Đã ghi nhận" in await cadre.say("hộ Giàng Seo Chứ thoát nghèo")
    assert "Đã ghi nhận" in await cadre.say("hộ Giàng Seo Chứ 2 người học nghề")
    assert "Đã ghi nhận" in await cadre.say("hộ Giàng Seo Chứ 1 người học nghề")
    assert "đã được báo cáo hộ thoát nghèo rồi" in await cadre.say(
        "gia đình GIÀNG SEO CHỨ thoát nghèo"
    )
    # The same name in another village is another household.
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    assert "Đã ghi nhận" in await xa_phin.say("xong nhà hộ Giàng Seo Chứ")
    assert len(await store.reports.all()) == 5


async def test_a_household_twice_in_one_message_is_refused_whole(
    cadre: Chat, store: SqliteStore
) -> None:
    reply = await cadre.say("hộ Vàng Mí Già xong nhà, hộ Vàng Mí Già xong nhà")
    assert "hai lần" in reply
    assert await store.reports.all() == []


async def test_after_a_cancel_the_household_can_be_reported_again(
    cadre: Chat, store: SqliteStore
) -> None:
    await cadre.say("hộ Sùng A Páo thoát nghèo")
    await cadre.say("/huy 1")
    assert "Đã ghi nhận" in await cadre.say("hộ Sùng A Páo thoát nghèo hôm qua")


async def test_a_correction_cannot_make_a_household_count_twice(
    cadre: Chat, store: SqliteStore
) -> None:
    await cadre.say("xong nhà hộ Giàng Seo Chứ")
    await cadre.say("xong nhà hộ Lò Văn Tú")
    reply = await cadre.say("/sua 2 xong nhà hộ Giàng Seo Chứ")
    assert "đã được báo cáo nhà ở hoàn thành rồi: báo cáo số 1" in reply
    report = await store.reports.get(2)
    assert report is not None
    assert report.household == "Lò Văn Tú"
    # Correcting a report to what it already says is not a duplicate of itself.
    assert "không có gì thay đổi" in await cadre.say("/sua 2 xong nhà hộ Lò Văn Tú")


async def test_two_people_reporting_one_household_at_the_same_moment_store_it_once(
    engine: Engine, cadre: Chat, leader: Chat, store: SqliteStore
) -> None:
    replies = await asyncio.gather(
        cadre.say("hộ Thào Mí Dế xong nhà"), leader.say("thôn Sà Lủng hộ Thào Mí Dế xong nhà")
    )
    assert sum("Đã ghi nhận" in r for r in replies) == 1
    assert sum("đã được báo cáo" in r for r in replies) == 1
    assert len(await store.reports.all()) == 1


# --- the same channel message twice -------------------------------------------------------


async def test_a_message_delivered_twice_is_stored_once(cadre: Chat, store: SqliteStore) -> None:
    first = await cadre.send("xong 2 nhà", message_id="42")
    again = await cadre.send("xong 2 nhà", message_id="42")
    assert first == again
    assert len(await store.reports.all()) == 1


async def test_a_message_delivered_twice_at_once_is_stored_once(
    cadre: Chat, store: SqliteStore
) -> None:
    first, second = await asyncio.gather(
        cadre.send("xong 2 nhà, 1 hộ thoát nghèo", message_id="43"),
        cadre.send("xong 2 nhà, 1 hộ thoát nghèo", message_id="43"),
    )
    assert first == second
    assert len(await store.reports.all()) == 2


# --- the same text again within minutes ---------------------------------------------------


async def test_the_same_text_within_ten_minutes_is_asked_about(
    cadre: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    await cadre.say("xong 2 nhà")
    clock.advance(minutes=3)
    (question,) = await cadre.send("Xong 2 nha.")  # the same, typed a little differently
    assert "Bạn vừa gửi đúng tin này lúc 10:00 (báo cáo số 1)" in question.text
    assert [c.label for c in question.choices] == ["Ghi thêm", "Bỏ qua"]
    assert len(await store.reports.all()) == 1
    (stored,) = await cadre.send(None, choice=button(question, "Ghi thêm"))
    assert "Tổng thôn Sà Lủng: nhà ở hoàn thành 4 nhà" in stored.text
    (twice,) = await cadre.send(None, choice=button(question, "Ghi thêm"))
    assert "đã trả lời câu hỏi này rồi" in twice.text
    assert len(await store.reports.all()) == 2


async def test_skipping_a_repeat_stores_nothing(cadre: Chat, store: SqliteStore) -> None:
    await cadre.say("3 người học nghề")
    (question,) = await cadre.send("3 người học nghề")
    (skipped,) = await cadre.send(None, choice=button(question, "Bỏ qua"))
    assert "bỏ qua" in skipped.text
    (late,) = await cadre.send(None, choice=button(question, "Ghi thêm"))
    assert "đã trả lời" in late.text
    assert len(await store.reports.all()) == 1


async def test_pressing_store_again_twice_at_once_stores_once(
    cadre: Chat, store: SqliteStore
) -> None:
    await cadre.say("xong 1 nhà")
    (question,) = await cadre.send("xong 1 nhà")
    data = button(question, "Ghi thêm")
    await asyncio.gather(cadre.send(None, choice=data), cadre.send(None, choice=data))
    assert len(await store.reports.all()) == 2


async def test_no_question_after_ten_minutes_for_other_text_or_after_a_cancel(
    cadre: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    await cadre.say("xong 2 nhà")
    clock.advance(minutes=10, seconds=1)
    assert "Đã ghi nhận" in await cadre.say("xong 2 nhà")
    assert "Đã ghi nhận" in await cadre.say("xong 3 nhà")
    await cadre.say("/huy 3")
    assert "Đã ghi nhận" in await cadre.say("xong 3 nhà")
    assert len(await store.reports.all()) == 4


async def test_another_persons_same_text_is_not_a_repeat(engine: Engine, cadre: Chat) -> None:
    await cadre.say("thôn Sà Lủng xong 2 nhà")
    leader = await as_person(engine, "0912000002")
    assert "Đã ghi nhận" in await leader.say("thôn Sà Lủng xong 2 nhà")


async def test_no_message_text_is_kept_once_a_question_is_answered(
    cadre: Chat, store: SqliteStore
) -> None:
    await cadre.say("hộ Giàng Mí Lử xong nhà")
    (question,) = await cadre.send("hộ Giàng Mí Lử 2 người học nghề")
    assert "Đã ghi nhận" in question.text
    await cadre.say("đào tạo nghề 2 người")
    (ask,) = await cadre.send("đào tạo nghề 2 người")
    await cadre.send(None, choice=button(ask, "Bỏ qua"))
    rows = await store.db.fetchall("SELECT text, used_at FROM pending")
    assert rows
    assert all(r["text"] == "" and r["used_at"] for r in rows)
    columns = [r["name"] for r in await store.db.fetchall("PRAGMA table_info(reports)")]
    assert "text" not in columns


async def test_a_button_of_one_question_does_not_answer_another(
    cadre: Chat, store: SqliteStore
) -> None:
    await cadre.say("xong 1 nhà")
    (question,) = await cadre.send("xong 1 nhà")
    key = button(question, "Ghi thêm").split(":")[1]
    (forged,) = await cadre.send(None, choice=f"village:{key}:0")
    assert "không còn dùng được" in forged.text
    (stored,) = await cadre.send(None, choice=button(question, "Ghi thêm"))
    assert "Đã ghi nhận" in stored.text


async def test_a_named_household_counts_as_one(cadre: Chat, engine: Engine) -> None:
    reply = await cadre.say("3 hộ Giàng Seo Chứ thoát nghèo")
    assert "chỉ tính là 1" in reply
    assert await engine.store.reports.all() == []
    stored = await cadre.say("hộ Giàng Seo Chứ thoát nghèo")
    report_id = re.search(r"Số (\d+)", stored)
    assert report_id is not None
    assert "chỉ tính là 1" in await cadre.say(f"/sua {report_id[1]} 3")
    assert await engine.store.reports.totals(["v:sa-lung"]) == {"graduated": 1}
