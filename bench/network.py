"""Reminders over a network with a round trip: a stand-in Bot API that answers each call
after ``rtt`` seconds, the real Telegram sender (with python-telegram-bot's rate limiter, as
the bot runs it), and the outbox drain at Telegram's pace (25/s). Real clock, real waits."""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from core.models import Role
from core.units import parse_units_csv
from storage import open_store
from tests.fakes import OfflineRequest

START = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)

Sizes = dict[str, int]


class RoundTripRequest(OfflineRequest):
    """Answers like the offline Bot API, ``rtt`` seconds after each request."""

    def __init__(self, rtt: float) -> None:
        super().__init__()
        self.rtt = rtt

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(self.rtt)
        return await super().do_request(url, method, *args, **kwargs)


async def fanout_rtt(sizes: Sizes) -> dict[str, float]:
    from telegram.ext import AIORateLimiter, ExtBot

    from bench.scenarios import synthetic_units_csv
    from bot.channels.telegram.sender import TelegramSender
    from locales.translator import load_translators
    from scheduler.delivery import DrainPolicy
    from scheduler.service import ReminderService

    rate, rtt, cadres = 25.0, sizes.get("rtt_ms", 150) / 1000, sizes["fanout_rtt"]
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(Path(tmp) / "fanout.sqlite3")
        units = parse_units_csv(synthetic_units_csv())
        await store.units.replace(units, actor_id=None, at=START)
        villages = units.villages
        roster = [
            (f"Cán bộ {i}", f"8491300{i:04d}", Role.CADRE, villages[i % len(villages)].code)
            for i in range(cadres)
        ]
        await store.people.upsert_roster(roster, actor_id=None, at=START)
        await store.db.connection.execute(
            "INSERT INTO identities (channel, external_id, person_id, linked_at)"
            " SELECT 'telegram', CAST(20000 + id AS TEXT), id, ? FROM people",
            (START.isoformat(),),
        )
        monday = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # 07:30 in Hà Nội
        origin = time.perf_counter()

        def clock() -> datetime:  # real seconds, counted from Monday 07:30
            return monday + timedelta(seconds=time.perf_counter() - origin)

        service = ReminderService(
            store,
            translators=load_translators(),
            default_locale="vi",
            tz=ZoneInfo("Asia/Ho_Chi_Minh"),
            clock=clock,
            policy=DrainPolicy(rate=rate),
        )
        queued = await service.enqueue(monday)
        bot: ExtBot[None] = ExtBot(
            "1:bench",
            request=RoundTripRequest(rtt),
            rate_limiter=AIORateLimiter(max_retries=3),  # type: ignore[arg-type]
        )
        await bot.initialize()
        started = time.perf_counter()
        report = await service.drain({"telegram": TelegramSender(bot)})
        elapsed = time.perf_counter() - started
        await bot.shutdown()
        await store.close()
    if report is None or report.sent != queued or queued < cadres:
        raise RuntimeError(f"queued {queued}, sent {report and report.sent}")
    return {"fanout_rate_rtt150": report.sent / elapsed / rate}
