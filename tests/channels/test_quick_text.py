"""A private text message read straight from its JSON gives exactly what the library gives.

The bot reads the commonest update (a cadre's report) without building python-telegram-bot's
Update; anything else goes through the library. Either way the engine must get the same
message, from the same person, for the same chat.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Update

from bot.channels.telegram.answer import read_update
from bot.channels.telegram.updates import QuickText, inbound_from_update, lane_key, quick_text
from tests.fakes import OfflineRequest, offline_bot

BOT = offline_bot(OfflineRequest())


def _plain(text: str = "xong 2 nha", **message: Any) -> dict[str, Any]:
    return {
        "update_id": 7,
        "message": {
            "message_id": 41,
            "date": 1_790_000_000,
            "text": text,
            "chat": {"id": 5005, "type": "private", "first_name": "Chứ"},
            "from": {"id": 5005, "is_bot": False, "first_name": "Chứ", "language_code": "vi"},
            **message,
        },
    }


def _library(payload: dict[str, Any]) -> tuple[Any, Any, Any]:
    update = Update.de_json(copy.deepcopy(payload), BOT)
    chat = update.effective_chat
    return inbound_from_update(update), chat.id if chat else None, lane_key(update)


def _same_as_library(payload: dict[str, Any]) -> QuickText:
    quick = quick_text(payload)
    assert quick is not None, "a plain private text is read without the library"
    assert (quick.inbound, quick.chat_id, lane_key(quick)) == _library(payload)
    return quick


def test_a_report_is_read_with_its_sender_chat_time_and_text() -> None:
    quick = _same_as_library(_plain("Bản Sà Lủng xong 2 nhà"))
    assert quick.inbound.sender_id == "5005"
    assert quick.inbound.message_id == "5005:41"
    assert quick.inbound.text == "Bản Sà Lủng xong 2 nhà"
    assert quick.inbound.received_at.isoformat() == "2026-09-21T14:13:20+00:00"


def test_a_command_with_its_entities_is_read_the_same() -> None:
    entity = [{"type": "bot_command", "offset": 0, "length": 7}]
    _same_as_library(_plain("/tiendo", entities=entity))


@pytest.mark.parametrize(
    "payload",
    [
        _plain(reply_to_message=_plain()["message"]),  # a correction by reply
        _plain(forward_origin={"type": "hidden_user", "sender_user_name": "A", "date": 1}),
        _plain(media_group_id="9"),
        _plain(photo=[{"file_id": "f", "file_unique_id": "u", "width": 9, "height": 9}]),
        _plain(link_preview_options={"is_disabled": True}),
        _plain(""),
        {"update_id": 7, "edited_message": _plain()["message"]},
        {**_plain(), "callback_query": {"id": "1", "from": _plain()["message"]["from"]}},
        {"update_id": 7, "message": {**_plain()["message"], "chat": {"id": -9, "type": "group"}}},
        {
            "update_id": 7,
            "message": {
                **_plain()["message"],
                "from": {"id": 5005, "is_bot": True, "first_name": "B"},
            },
        },
        {"update_id": 7, "message": {**_plain()["message"], "from": {"id": 5005, "is_bot": False}}},
        {"update_id": 7, "message": {**_plain()["message"], "message_id": "41"}},
        {"update_id": 7, "message": {**_plain()["message"], "date": 10**20}},
        {"update_id": 7, "message": {**_plain()["message"], "text": 5}},
    ],
    ids=[
        "reply",
        "forwarded",
        "album",
        "photo",
        "unknown-field",
        "empty-text",
        "edited",
        "button",
        "group",
        "from-a-bot",
        "no-first-name",
        "id-not-a-number",
        "date-out-of-range",
        "text-not-a-string",
    ],
)
def test_anything_else_is_left_to_the_library(payload: dict[str, Any]) -> None:
    assert quick_text(payload) is None
    update, _ = read_update(payload, BOT)
    assert not isinstance(update, QuickText)


_TEXT = st.text(min_size=1, max_size=80)
_ID = st.integers(min_value=1, max_value=2**52)


@given(text=_TEXT, user=_ID, chat=_ID, number=_ID, sent=st.integers(0, 4_000_000_000))
def test_any_plain_text_reads_as_the_library_reads_it(
    text: str, user: int, chat: int, number: int, sent: int
) -> None:
    payload = _plain(text, message_id=number, date=sent)
    payload["message"]["from"]["id"] = user
    payload["message"]["chat"]["id"] = chat
    _same_as_library(payload)
