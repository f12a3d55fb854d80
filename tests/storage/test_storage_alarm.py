"""A full disk is said clearly: in the log at ERROR and to the admins directly."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field

import pytest

from bot.alerts import COOLDOWN, StorageAlarm
from core.outbox import Delivery, DeliveryStatus
from handlers import Engine
from storage import SqliteStore
from tests.conftest import ADMIN, CADRE_SA_LUNG
from tests.fakes import FakeClock


@dataclass
class RecordingSender:
    sent: list[tuple[str, str]] = field(default_factory=list)

    async def deliver(self, address: str, text: str) -> Delivery:
        self.sent.append((address, text))
        return Delivery(DeliveryStatus.OK)


async def test_a_full_disk_is_logged_and_told_to_the_admins_once_in_a_while(
    engine: Engine, store: SqliteStore, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    for phone, chat in ((ADMIN, "9001"), (CADRE_SA_LUNG, "9003")):
        person = await store.people.by_phone("84" + phone[1:])
        assert person is not None
        await store.people.link(person.id, "telegram", chat, clock())
    sender = RecordingSender()
    alarm = StorageAlarm(store, {"telegram": sender}, engine.translators["vi"], clock=clock)
    store.db.on_write_error = alarm
    full = sqlite3.OperationalError("database or disk is full")
    with caplog.at_level(logging.ERROR):
        alarm(full)
        await alarm.idle()
    assert "database or disk is full" in caplog.text
    assert [address for address, _ in sender.sent] == ["9001"]  # the admin, not the cadre
    assert "ổ đĩa đã đầy" in sender.sent[0][1]
    alarm(full)  # the next failed commit, moments later: logged, not sent again
    await alarm.idle()
    assert len(sender.sent) == 1
    clock.advance(seconds=COOLDOWN.total_seconds())
    alarm(full)
    await alarm.idle()
    assert len(sender.sent) == 2
