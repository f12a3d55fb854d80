"""The Telegram path: Updates answered through the engine, Bot API answered offline."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ExtBot

from bot.channels.telegram.answer import answer_update
from bot.channels.telegram.sender import split_text
from handlers import Engine
from tests.fakes import OfflineRequest, offline_bot

TOKEN = "123456:TEST-token-that-must-never-be-logged"
CADRE_USER = 7001
LEADER_USER = 7002


class TelegramHarness:
    def __init__(self, bot: ExtBot[None], engine: Engine, request: OfflineRequest) -> None:
        self.bot = bot
        self.engine = engine
        self.request = request
        self._update_id = 0
        self._message_id = 0

    async def feed(self, payload: dict[str, Any]) -> list[str]:
        """Process one update; return the texts the bot sent in answer."""
        before = len(self.request.sent)
        self._update_id += 1
        payload = {"update_id": self._update_id, **payload}
        update = Update.de_json(payload, self.bot)
        await answer_update(self.bot, self.engine, update)
        return [c.text for c in self.request.sent[before:]]

    def message(self, user: int, text: str | None = None, **extra: Any) -> dict[str, Any]:
        self._message_id += 1
        body: dict[str, Any] = {
            "message_id": self._message_id,
            "date": 1_790_000_000,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Cán bộ"},
            **extra,
        }
        if text is not None:
            body["text"] = text
        return {"message": body}

    async def send(self, user: int, text: str) -> list[str]:
        return await self.feed(self.message(user, text))

    async def share_contact(self, user: int, phone: str, owner: int | None = None) -> list[str]:
        contact = {"phone_number": phone, "first_name": "A", "user_id": owner or user}
        return await self.feed(self.message(user, contact=contact))


@pytest.fixture
async def telegram(engine: Engine) -> AsyncIterator[TelegramHarness]:
    request = OfflineRequest()
    bot = offline_bot(request, TOKEN)
    await bot.initialize()
    yield TelegramHarness(bot, engine, request)
    await bot.shutdown()


async def test_an_unregistered_person_is_asked_to_share_their_phone(
    telegram: TelegramHarness,
) -> None:
    replies = await telegram.send(CADRE_USER, "xong 2 nhà")
    assert len(replies) == 1
    assert "chưa đăng ký" in replies[0]
    markup = telegram.request.sent[-1].params["reply_markup"]
    assert "request_contact" in str(markup)


async def test_a_cadre_registers_by_contact_and_reports(telegram: TelegramHarness) -> None:
    welcome = await telegram.share_contact(CADRE_USER, "+84 912 000 003")
    assert "thôn Sà Lủng" in welcome[0]
    replies = await telegram.send(CADRE_USER, "xong 2 nhà")
    assert "Đã ghi nhận" in replies[0]
    assert "Nhà ở hoàn thành 2 nhà" in replies[0]
    assert "thôn Sà Lủng" in replies[0]
    again = await telegram.send(CADRE_USER, "3 hộ thoát nghèo")
    assert "3 hộ" in again[0]


async def test_someone_elses_contact_does_not_register(telegram: TelegramHarness) -> None:
    replies = await telegram.share_contact(CADRE_USER, "0912000003", owner=9999)
    assert "chính bạn" in replies[0]
    assert "chưa đăng ký" in (await telegram.send(CADRE_USER, "xong 1 nhà"))[0]


async def test_a_phone_not_in_the_roster_is_told_to_ask_the_admin(
    telegram: TelegramHarness,
) -> None:
    replies = await telegram.share_contact(CADRE_USER, "0987 654 321")
    assert "0987 654 321" in replies[0]
    assert "chưa có trong danh sách" in replies[0]


async def test_the_same_message_delivered_twice_is_stored_once(
    telegram: TelegramHarness, engine: Engine
) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    update = telegram.message(CADRE_USER, "xong 2 nhà")
    first = await telegram.feed(update)
    second = await telegram.feed(update)
    assert first == second
    reports = await engine.store.reports.all()
    assert len(reports) == 1


async def test_a_leader_sees_progress_in_vietnamese_formats(telegram: TelegramHarness) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    await telegram.send(CADRE_USER, "xong 2 nhà ngày 5/5/2025")
    await telegram.share_contact(LEADER_USER, "0912000002")
    replies = await telegram.send(LEADER_USER, "/tiendo 2021-2025")
    assert "2/1.733 nhà (0,12%)" in replies[0]
    assert "huyện Mèo Vạc" in replies[0]


async def test_a_cadre_may_not_see_progress(telegram: TelegramHarness) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    replies = await telegram.send(CADRE_USER, "/tiendo")
    assert "không có quyền" in replies[0]


async def test_language_switch_by_button(telegram: TelegramHarness) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    await telegram.send(CADRE_USER, "/ngonngu")
    buttons = str(telegram.request.sent[-1].params["reply_markup"])
    assert "lang:en" in buttons
    callback = {
        "callback_query": {
            "id": "cb1",
            "from": {"id": CADRE_USER, "is_bot": False, "first_name": "A"},
            "chat_instance": "x",
            "data": "lang:en",
            "message": telegram.message(CADRE_USER, "…")["message"],
        }
    }
    replies = await telegram.feed(callback)
    assert replies == ["Switched to English."]
    assert any(c.method == "answerCallbackQuery" for c in telegram.request.calls)
    assert "Recorded" in (await telegram.send(CADRE_USER, "xong 1 nha"))[0]


async def test_photos_and_group_chats_never_crash(telegram: TelegramHarness) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    photo = telegram.message(
        CADRE_USER, photo=[{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
    )
    replies = await telegram.feed(photo)
    # A photo is evidence of a report: with none to go to, it is explained, not stored.
    assert "Ảnh chưa được ghi" in replies[0]
    group = telegram.message(CADRE_USER, "xong 1 nhà")
    group["message"]["chat"] = {"id": -100, "type": "group", "title": "Thôn"}
    assert await telegram.feed(group) == []


def test_long_replies_are_split_below_telegrams_limit() -> None:
    text = "\n".join(f"dòng {i} " + "x" * 50 for i in range(200))
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text


# --- buttons, replies and edits of reports ----------------------------------------------


def buttons(telegram: TelegramHarness) -> list[tuple[str, str]]:
    """(label, callback data) of the inline keyboard of the bot's last message."""
    markup = telegram.request.sent[-1].params["reply_markup"]
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


async def press(telegram: TelegramHarness, user: int, data: str) -> list[str]:
    callback = {
        "callback_query": {
            "id": f"cb-{data}",
            "from": {"id": user, "is_bot": False, "first_name": "A"},
            "chat_instance": "x",
            "data": data,
            "message": telegram.message(user, "…")["message"],
        }
    }
    return await telegram.feed(callback)


async def test_an_ambiguous_village_is_chosen_with_an_inline_button(
    telegram: TelegramHarness, engine: Engine
) -> None:
    await telegram.share_contact(LEADER_USER, "0912000002")
    question = await telegram.send(LEADER_USER, "thon Pa Vi xong 2 nha")
    assert "nhiều thôn" in question[0]
    offered = buttons(telegram)
    assert [label for label, _ in offered] == ["thôn Pả Vi Hạ", "thôn Pả Vi Thượng"]
    assert all(len(data.encode()) <= 64 for _, data in offered)
    stored = await press(telegram, LEADER_USER, offered[0][1])
    assert "thôn Pả Vi Hạ" in stored[0]
    again = await press(telegram, LEADER_USER, offered[1][1])
    assert "đã trả lời" in again[0]
    (report,) = await engine.store.reports.all()
    assert report.village == "v:pa-vi-ha"


async def test_store_again_is_asked_and_answered_with_inline_buttons(
    telegram: TelegramHarness, engine: Engine
) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    await telegram.send(CADRE_USER, "xong 2 nhà")
    question = await telegram.send(CADRE_USER, "xong 2 nhà")
    assert "đúng tin này" in question[0]
    offered = dict(buttons(telegram))
    await press(telegram, CADRE_USER, offered["Ghi thêm"])
    await press(telegram, CADRE_USER, offered["Ghi thêm"])
    assert len(await engine.store.reports.all()) == 2


async def test_replying_to_the_confirmation_in_telegram_corrects_it(
    telegram: TelegramHarness, engine: Engine
) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    (confirmation,) = await telegram.send(CADRE_USER, "xong 2 nhà")
    bot_message = {
        "message_id": 101,
        "date": 1_790_000_000,
        "chat": {"id": CADRE_USER, "type": "private"},
        "from": {"id": 5000, "is_bot": True, "first_name": "Mèo Vạc"},
        "text": confirmation,
    }
    replies = await telegram.feed(
        telegram.message(CADRE_USER, "xong 3 nhà", reply_to_message=bot_message)
    )
    assert "2 nhà → 3 nhà" in replies[0]
    (report,) = await engine.store.reports.all()
    assert report.count == 3


async def test_editing_the_message_in_telegram_corrects_its_report(
    telegram: TelegramHarness, engine: Engine
) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    original = telegram.message(CADRE_USER, "xong 2 nhà")
    await telegram.feed(original)
    edited = {"edited_message": {**original["message"], "text": "xong 4 nhà", "edit_date": 1}}
    replies = await telegram.feed(edited)
    assert "2 nhà → 4 nhà" in replies[0]
    (report,) = await engine.store.reports.all()
    assert report.count == 4
