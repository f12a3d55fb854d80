"""A person who floods the bot gets one polite answer, then silence until the minute passes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import build_engine
from bot.settings import Settings
from core.ratelimit import RateLimiter, Verdict
from handlers import Engine, Inbound, Reply
from locales.translator import Translator
from storage import SqliteStore
from tests.conftest import as_person
from tests.fakes import FakeClock

SLOW_DOWN = "Bạn gửi nhiều tin nhắn quá"


def test_the_limiter_allows_the_limit_then_warns_once_then_is_silent() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, timedelta(minutes=1))
    verdicts = []
    for _ in range(6):
        verdicts.append(limiter.check("a", clock()))
        clock.advance(seconds=1)
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN] + [Verdict.SILENT] * 2
    assert limiter.check("b", clock()) == Verdict.ALLOW  # per sender
    clock.advance(seconds=54)  # the first message is a minute old now, the others not
    assert limiter.check("a", clock()) == Verdict.ALLOW
    assert limiter.check("a", clock()) == Verdict.WARN  # two of the three are still recent


def test_the_limiter_forgets_quiet_senders() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1)
    limiter.PRUNE_AT = 10
    for sender in range(50):
        limiter.check(sender, clock())
        clock.advance(minutes=2)
    assert len(limiter._accepted) <= 11


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RateLimiter(0)


@pytest.fixture
async def limited(
    store: SqliteStore, settings: Settings, translators: dict[str, Translator], clock: FakeClock
) -> Engine:
    settings = settings.model_copy(update={"rate_limit_per_minute": 20})
    engine = await build_engine(store, settings, translators=translators, clock=clock)
    for channel, sender in (("telegram", "7001"), ("telegram", "7002")):
        await as_person(engine, "0912000003")  # links the console identity too
        person = await store.people.by_phone("84912000003")
        assert person is not None
        await store.people.link(person.id, channel, sender, clock())
    return engine


async def _send(engine: Engine, sender: str, number: int, channel: str = "telegram") -> list[Reply]:
    message = Inbound(
        channel=channel,
        sender_id=sender,
        received_at=engine.clock(),
        text=f"xong {number + 1} nhà",  # each different: a repeat would be asked about
        message_id=f"{sender}:{number}",
    )
    return await engine.handle(message)


async def test_a_flood_gets_one_polite_answer_then_silence_and_changes_nothing(
    limited: Engine, clock: FakeClock
) -> None:
    for number in range(20):
        assert "Đã ghi nhận" in (await _send(limited, "7001", number))[0].text
        clock.advance(seconds=1)
    (polite,) = await _send(limited, "7001", 20)
    assert SLOW_DOWN in polite.text
    assert "vui lòng đợi" in polite.text
    for number in range(21, 40):
        assert await _send(limited, "7001", number) == []
    assert len(await limited.store.reports.all()) == 20
    # Someone else is not slowed down by it.
    assert "Đã ghi nhận" in (await _send(limited, "7002", 100))[0].text
    clock.advance(minutes=1)
    assert "Đã ghi nhận" in (await _send(limited, "7001", 40))[0].text


async def test_the_polite_answer_is_in_the_persons_language(
    limited: Engine, clock: FakeClock
) -> None:
    person = await limited.store.people.by_phone("84912000003")
    assert person is not None
    await limited.store.people.set_language(person.id, "en")
    for number in range(20):
        await _send(limited, "7001", number)
    (polite,) = await _send(limited, "7001", 20)
    assert polite.text.startswith("You are sending too many messages")


async def test_strangers_are_limited_too(limited: Engine) -> None:
    replies = [await _send(limited, "666", n) for n in range(25)]
    assert all("chưa đăng ký" in r[0].text for r in replies[:20])
    assert SLOW_DOWN in replies[20][0].text
    assert replies[21:] == [[]] * 4


async def test_a_backlog_delivered_after_downtime_is_not_a_flood(
    limited: Engine, clock: FakeClock
) -> None:
    sent_at = clock()
    clock.advance(minutes=30)  # the bot was down; Telegram kept the messages
    for number in range(30):
        message = Inbound(
            channel="telegram",
            sender_id="7001",
            received_at=sent_at + timedelta(seconds=number),
            text=f"xong {number + 1} nhà",
            message_id=str(number),
        )
        assert "Đã ghi nhận" in (await limited.handle(message))[0].text
    assert len(await limited.store.reports.all()) == 30


async def test_the_local_console_is_not_limited(limited: Engine) -> None:
    for number in range(30):
        replies = await _send(limited, "0912000003", number, channel="console")
        assert "Đã ghi nhận" in replies[0].text
