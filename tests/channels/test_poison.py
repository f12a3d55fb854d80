"""An update nobody can read fails on its own: recorded, marked failed with a reason,
listed for an admin, never logged with its content."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import ExtBot

from bot.channels.telegram.inbox import TelegramInbox
from bot.cli.inbox import format_failed, update_kind
from bot.logs import LibraryContentFilter
from core.models import InboxEntry
from handlers import Engine
from storage import SqliteStore
from tests.fakes import FakeClock, OfflineRequest, offline_bot

NAME = "Zzq Secretname"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def message(update_id: int, user: int, **content: Any) -> dict[str, Any]:
    body = {
        "message_id": update_id,
        "date": 1_790_000_000,
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": NAME},
        **content,
    }
    return {"update_id": update_id, "message": body}


CONTACT = {"phone_number": "0912000003", "first_name": "A", "user_id": 7001}
OLD_STICKER = {"file_id": "a", "file_unique_id": "b", "width": 1, "height": 1, "is_animated": False}


@pytest.fixture
def request_double() -> OfflineRequest:
    return OfflineRequest()


@pytest.fixture
async def bot(request_double: OfflineRequest) -> AsyncIterator[ExtBot[None]]:
    bot = offline_bot(request_double, "1:T")
    await bot.initialize()
    yield bot
    await bot.shutdown()


async def test_an_unreadable_update_fails_alone_and_the_batch_is_answered(
    bot: ExtBot[None],
    engine: Engine,
    store: SqliteStore,
    clock: FakeClock,
    request_double: OfflineRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    inbox = TelegramInbox(bot, engine, store.inbox, clock=clock)
    batch = [
        message(
            1, 7001, contact={"phone_number": "0912000003", "first_name": "A", "user_id": 7001}
        ),
        message(2, 7002, sticker=OLD_STICKER),
        message(3, 7001, text="xong 2 nhà"),
    ]
    with caplog.at_level(logging.INFO):
        await inbox.accept(batch, offset=4)
        await inbox.lanes.wait_below(1, asyncio.Event())
    assert await store.inbox.offset("telegram") == 4  # acknowledged with the others
    assert any("2 nhà" in sent.text for sent in request_double.sent)
    rows = await store.db.fetchall("SELECT update_id, status FROM inbox ORDER BY update_id")
    assert [(r["update_id"], r["status"]) for r in rows] == [
        (1, "done"),
        (2, "failed"),
        (3, "done"),
    ]
    (failed,) = await store.inbox.failed()
    assert (failed.update_id, failed.reason) == (2, "unreadable: TypeError")
    assert json.loads(failed.payload) == batch[1]  # as received, for an admin to look at
    assert NAME not in caplog.text
    assert "update 2 cannot be read" in caplog.text


async def test_an_unreadable_recorded_update_fails_at_the_next_start(
    bot: ExtBot[None], engine: Engine, store: SqliteStore, clock: FakeClock
) -> None:
    entries = [
        InboxEntry(1, json.dumps(message(1, 7002, sticker=OLD_STICKER))),
        InboxEntry(2, "not json"),
    ]
    await store.inbox.record("telegram", entries, at=clock(), offset=3)
    inbox = TelegramInbox(bot, engine, store.inbox, clock=clock)
    assert await inbox.resume() == 2
    await inbox.lanes.wait_below(1, asyncio.Event())
    reasons = {f.update_id: f.reason for f in await store.inbox.failed("telegram")}
    assert reasons == {1: "unreadable: TypeError", 2: "unreadable: not an object"}


async def test_failed_updates_are_kept_longer_than_answered_ones(
    store: SqliteStore, clock: FakeClock
) -> None:
    inbox = store.inbox
    entries = [InboxEntry(1, "{}"), InboxEntry(2, "{}")]
    await inbox.record("telegram", entries, at=clock())
    await inbox.finish("telegram", 1, at=clock(), failed=False)
    await inbox.finish("telegram", 2, at=clock(), failed=True, reason="unreadable: TypeError")
    clock.advance(days=8)
    now = clock()
    assert await inbox.prune("telegram", now - timedelta(days=7), failed_before=now - timedelta(30))
    assert [f.update_id for f in await inbox.failed()] == [2]
    clock.advance(days=30)
    now = clock()
    assert await inbox.prune("telegram", now - timedelta(days=7), failed_before=now - timedelta(30))
    assert await inbox.failed() == []


async def test_the_listing_shows_kind_time_and_reason_and_content_only_when_asked(
    store: SqliteStore, clock: FakeClock
) -> None:
    payload = json.dumps(message(5, 7002, sticker=OLD_STICKER))
    await store.inbox.record("telegram", [InboxEntry(5, payload)], at=clock())
    await store.inbox.finish("telegram", 5, at=clock(), failed=True, reason="unreadable: TypeError")
    entries = await store.inbox.failed()
    (line,) = format_failed(entries, TZ, show=False)
    assert "telegram 5" in line
    assert "message.sticker" in line
    assert "unreadable: TypeError" in line
    assert clock().astimezone(TZ).strftime("%Y-%m-%d %H:%M") in line
    assert NAME not in line
    assert NAME in "\n".join(format_failed(entries, TZ, show=True))
    assert format_failed([], TZ, show=False) == ["No failed updates."]


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (message(1, 1, sticker=OLD_STICKER), "message.sticker"),
        (message(1, 1, text="x", entities=[]), "message.text"),
        (message(1, 1, caption="x", photo=[]), "message.photo"),
        ({"update_id": 1, "callback_query": {"id": "1"}}, "callback_query"),
        ({"update_id": 1}, "empty"),
        ([], "not an object"),
    ],
)
def test_the_kind_of_an_update_is_read_from_its_json(payload: object, kind: str) -> None:
    assert update_kind(json.dumps(payload)) == kind
    assert update_kind("{broken") == "not JSON"


def test_library_records_lose_their_arguments_and_exception_details() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(LibraryContentFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    library = logging.getLogger("telegram.ext.Updater")
    ours = logging.getLogger("bot.test")
    for logger in (library, ours):
        logger.addHandler(handler)
        logger.propagate = False
    try:
        raw = [{"update_id": 1, "message": {"from": {"first_name": NAME}}}]
        library.critical("Error while parsing updates! Received data was %r", raw)
        try:
            raise ValueError(f"bad data {raw}")
        except ValueError:
            library.exception("Can not load invalid JSON data: %s", raw)
        ours.warning("update %d failed", 7)
    finally:
        for logger in (library, ours):
            logger.removeHandler(handler)
            logger.propagate = True
    text = out.getvalue()
    assert NAME not in text
    assert "Error while parsing updates" in text
    assert "(ValueError)" in text
    assert "update 7 failed" in text  # the bot's own lines keep their arguments
