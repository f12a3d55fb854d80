"""Whole exchanges as cadres have them: lists, second thoughts, typing on a cheap phone."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest

from core.models import ReportStatus
from handlers import Engine
from storage import SqliteStore
from tests.conftest import Chat, as_person
from tests.fakes import FakeClock


async def test_a_weekly_list_then_one_line_cancelled_by_replying(
    cadre: Chat, store: SqliteStore
) -> None:
    confirmation = await cadre.say(
        "Em báo cáo tuần ạ\n- xong nhà hộ Giàng Mí Lử\n- 2 hộ thoát nghèo\n- 14 người học nghề"
    )
    assert "Đã ghi nhận 3 báo cáo" in confirmation
    (question,) = await cadre.send("huỷ", reply_to_text=confirmation)  # NFC "uỷ" spelling
    assert "hủy báo cáo nào" in question.text
    assert len(question.choices) == 3
    (training,) = [c for c in question.choices if "người" in c.label]
    (done,) = await cadre.send(None, choice=training.data)
    assert "Đã hủy báo cáo" in done.text
    assert "Tổng thôn Sà Lủng: đào tạo nghề 0 người" in done.text
    statuses = [r.status for r in await store.reports.all()]
    assert statuses == [ReportStatus.ACTIVE, ReportStatus.ACTIVE, ReportStatus.CANCELLED]


async def test_commands_typed_with_diacritics_capitals_or_telex(
    cadre: Chat, store: SqliteStore
) -> None:
    await cadre.say("xong 2 nhà")
    assert "2 nhà → 3 nhà" in await cadre.say("/sửa 1 xong 3 nhaf")
    assert "3 nhà → 4 nhà" in await cadre.say("/Sua 1 xong 4 nha")
    assert "Đã hủy" in await cadre.say("/HỦY 1")


async def test_a_redelivered_message_shows_the_report_as_it_is_now(
    cadre: Chat, store: SqliteStore
) -> None:
    await cadre.send("xong 2 nhà", message_id="77")
    await cadre.say("/sua 1 xong 5 nhà")
    (again,) = await cadre.send("xong 2 nhà", message_id="77")
    assert "Nhà ở hoàn thành 5 nhà" in again.text
    assert len(await store.reports.all()) == 1


async def test_replying_to_a_cancelled_reports_confirmation_says_so(cadre: Chat) -> None:
    confirmation = await cadre.say("xong 2 nhà")
    await cadre.say("/huy 1")
    (reply,) = await cadre.send("xong 3 nhà", reply_to_text=confirmation)
    assert "đã hủy trước đó" in reply.text


async def test_a_village_button_pressed_twice_at_once_stores_once(
    leader: Chat, store: SqliteStore
) -> None:
    (question,) = await leader.send("thon Trù Lủng: 3 hộ thoát nghèo")
    data = question.choices[0].data
    first, second = await asyncio.gather(
        leader.send(None, choice=data), leader.send(None, choice=data)
    )
    texts = first[0].text + second[0].text
    assert "Đã ghi nhận 1 báo cáo" in texts
    assert "đã trả lời" in texts
    assert len(await store.reports.all()) == 1


async def test_a_leader_fixes_a_cadres_typo_and_the_cadre_sees_the_new_total(
    engine: Engine, cadre: Chat, leader: Chat, clock: FakeClock
) -> None:
    await cadre.say("hom qua xong 20 nha")  # meant 2
    clock.advance(hours=2)
    reply = await leader.say("/sua 1 xong 2 nhà")
    assert "20 nhà → 2 nhà" in reply
    assert "ngày 25/11/2026" in reply  # the day of the work is kept
    progress = await leader.say("/tiendo")
    assert "Nhà ở hoàn thành: 2 nhà (chưa có chỉ tiêu)" in progress


async def test_an_english_speaker_corrects_and_reads_the_changes_in_english(
    cadre: Chat,
) -> None:
    await cadre.say("/ngonngu en")
    await cadre.say("xong 2 nhà")
    reply = await cadre.say("/sua 1 hôm qua xong 3 nhà")
    assert "Corrected report no. 1:" in reply
    assert "• Count: 2 houses → 3 houses" in reply
    assert "• Date: 26/11/2026 → 25/11/2026" in reply


async def test_a_household_reported_by_another_cadre_before_the_village_changed_hands(
    engine: Engine, store: SqliteStore, clock: FakeClock
) -> None:
    from core.models import Role

    await store.people.upsert_roster(
        [("Cán bộ mới Sà Lủng", "84912000007", Role.CADRE, "v:sa-lung")], actor_id=None, at=clock()
    )
    old = await as_person(engine, "0912000003")
    new = await as_person(engine, "0912000007")
    await old.say("hộ Giàng Seo Chứ thoát nghèo")
    clock.advance(days=40)
    reply = await new.say("hộ Giàng Seo Chứ đã thoát nghèo")
    assert "do Cán bộ thôn Sà Lủng gửi lúc 10:00 ngày 26/11/2026" in reply


async def test_training_under_way_is_an_enrolment_with_indicators_from_the_database(
    cadre: Chat, store: SqliteStore
) -> None:
    # The engine reads its indicators from the database: what the shipped ones say about
    # unfinished work ("đang học nghề" counts, "thoát nghèo" is done) must survive the trip.
    assert "Đã ghi nhận 1 báo cáo" in await cadre.say("đang học nghề 5 người")
    assert "Đã ghi nhận 1 báo cáo" in await cadre.say("hộ Giàng Seo Chứ thoát nghèo chưa lâu")
    indicators = sorted(r.indicator for r in await store.reports.all())
    assert indicators == ["graduated", "training"]


async def test_a_report_the_full_disk_could_not_keep_is_said_to_be_not_stored(
    cadre: Chat, store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The disk fills: the cadre must learn the report was NOT stored (so they send it
    # again), not a vague apology; once there is space the same message is stored.
    connection = store.db.connection
    execute = connection.execute
    full = [True]

    def commit_on_a_full_disk(sql: str, *args: Any) -> Any:
        if sql == "COMMIT" and full[0]:
            raise sqlite3.OperationalError("database or disk is full")
        return execute(sql, *args)

    monkeypatch.setattr(connection, "execute", commit_on_a_full_disk)
    answer = await cadre.say("xong 2 nhà")
    assert "CHƯA được ghi" in answer
    full[0] = False
    assert await store.reports.all() == []
    assert "Đã ghi nhận 1 báo cáo" in await cadre.say("xong 2 nhà")
