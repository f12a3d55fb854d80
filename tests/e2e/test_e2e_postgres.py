"""Two real bot processes in webhook mode on one PostgreSQL database (as behind a reverse
proxy): updates go to both, one is SIGKILLed mid-stream and started again. Every report is
stored once, every message answered, each person's answers in the order they wrote; and
both plan and send the week's reminders, each person's sent exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
import httpx

from bot.app import open_app_store
from bot.demo import seed_demo
from core.phones import normalize_phone
from tests.botprocess import BotProcess, Bots, bot_env, contact, message
from tests.e2e.test_e2e_polling import ANSWER
from tests.fake_bot_api import FakeBotApi, free_port
from tests.postgres import fresh_schema, postgres_url, schema_url

SECRET = "webhook-secret-pg"
ANN, BAO = 7301, 7302  # the demo cadres of Sà Lủng and Xà Phìn
HOUSES = range(1, 7)  # each sends "xong k nhà" for k = 1..6, in this order


def in_order(api: FakeBotApi, chat: int) -> list[int]:
    return [int(m[1]) for s in api.sent if s.chat_id == chat for m in ANSWER.finditer(s.text)]


async def test_two_processes_one_killed_mid_stream_store_and_answer_each_message_once(
    api: FakeBotApi, bots: Bots
) -> None:
    async with fresh_schema() as schema:
        url = schema_url(postgres_url(), schema)
        store = await open_app_store(url)
        await seed_demo(store, now=datetime.now(UTC))
        await store.close()
        ports = [free_port(), free_port()]

        def env(port: int) -> dict[str, str]:
            return bot_env(
                api.base_url,
                DATABASE_URL=url,
                INBOX_LEASE_SECONDS="2",
                WEBHOOK_URL="https://bot.example.org/telegram/hook",
                WEBHOOK_SECRET=SECRET,
                WEBHOOK_LISTEN="127.0.0.1",
                WEBHOOK_PORT=str(port),
            )

        args = ["run", "--webhook"]
        first = await bots.start(args, env(ports[0]))
        await bots.start(args, env(ports[1]))
        await api.wait_for(lambda: len(api.method_calls("setWebhook")) == 2, 60, "two webhooks")
        hooks = [f"http://127.0.0.1:{port}/telegram/hook" for port in ports]
        update_id = 600
        async with httpx.AsyncClient(trust_env=False, timeout=30) as client:

            async def post(process: int, payload: dict[str, object]) -> None:
                nonlocal update_id
                update_id += 1
                answer = await client.post(
                    hooks[process],
                    json={"update_id": update_id, **payload},
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert answer.status_code == 200

            await post(0, contact(ANN, 1, "0912000003"))
            await post(1, contact(BAO, 1, "0912000004"))
            for k in HOUSES:
                if k == 4:
                    # Mid-stream: the first process dies with whatever it holds; its updates
                    # are in the database (they were answered 200) and the other takes them.
                    await first.kill()
                    await bots.start(args, env(ports[0]))
                    await api.wait_for(
                        lambda: len(api.method_calls("setWebhook")) == 3, 60, "the restart"
                    )
                # Each person's messages alternate between the two processes.
                await post(k % 2, message(ANN, 1 + k, f"xong {k} nhà"))
                await post((k + 1) % 2, message(BAO, 1 + k, f"xong {k} nhà"))
            await api.wait_for(
                lambda: all(set(in_order(api, c)) == set(HOUSES) for c in (ANN, BAO)),
                90,
                "every report answered",
            )
        for chat in (ANN, BAO):
            answers = in_order(api, chat)
            # In the order written; a message the killed process had answered but not yet
            # marked may be answered again, never stored again.
            assert sorted(set(answers)) == list(HOUSES)
            assert [k for i, k in enumerate(answers) if k not in answers[:i]] == list(HOUSES)
            assert len(answers) <= len(HOUSES) + 1
        for run in bots.runs:
            if run.running:
                assert await run.terminate() == 0
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch("SELECT reporter_id, count FROM reports ORDER BY id")
            assert sorted(r["count"] for r in rows) == sorted([*HOUSES, *HOUSES])  # once each
            pending = await conn.fetchval("SELECT count(*) FROM inbox WHERE status <> 'done'")
            assert pending == 0
        finally:
            await conn.close()


def midday_zone() -> str:
    """A time zone where it is about noon now: whenever the test runs, the reminders go out
    outside quiet hours (21:00-07:00 local time)."""
    offset = 12 - datetime.now(UTC).hour  # local = UTC + offset, from -11 to +12 hours
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"  # Etc/GMT-5 is UTC+5


async def until(condition: str, check: Callable[[], Awaitable[bool]], within: float = 90) -> None:
    """Until ``check()`` is true (asked every 0.1 s: processes and a database signal nothing)."""

    async def poll() -> None:
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.1)

    try:
        await asyncio.wait_for(poll(), within)
    except TimeoutError:
        raise AssertionError(f"timed out after {within} s waiting for {condition}") from None


async def test_two_processes_send_the_weeks_reminders_exactly_once(
    api: FakeBotApi, bots: Bots
) -> None:
    chats = {"0912000002": 7300, "0912000003": ANN, "0912000004": BAO}  # leader, two cadres
    async with fresh_schema() as schema:
        url = schema_url(postgres_url(), schema)
        store = await open_app_store(url)
        now = datetime.now(UTC)
        await seed_demo(store, now=now)
        for phone, chat in chats.items():
            person = await store.people.by_phone(normalize_phone(phone))
            assert person is not None
            await store.people.link(person.id, "telegram", str(chat), now)
        await store.close()

        def env(port: int) -> dict[str, str]:
            return bot_env(
                api.base_url,
                DATABASE_URL=url,
                WEBHOOK_URL="https://bot.example.org/telegram/hook",
                WEBHOOK_SECRET=SECRET,
                WEBHOOK_LISTEN="127.0.0.1",
                WEBHOOK_PORT=str(port),
                TIMEZONE=midday_zone(),
                # Fired at midnight today: each process plans the week when it starts (the
                # catch-up job, 10 s after the start) and drains the outbox.
                REMINDER_CRON="0 0 * * *",
            )

        args = ["run", "--webhook"]
        runs = [await bots.start(args, env(free_port())) for _ in range(2)]
        conn = await asyncpg.connect(url)
        try:

            async def planned_and_sent(run: list[BotProcess]) -> bool:
                outputs = [r.output() for r in run]
                pending = await conn.fetchval(
                    "SELECT count(*) FROM outbox WHERE status = 'pending'"
                )
                return all("weekly reminders:" in o for o in outputs) and pending == 0

            await until(
                "both processes to plan the week and the outbox to drain",
                lambda: planned_and_sent(runs),
            )
            # The first goes down hard and starts again: its planning adds nothing.
            await runs[0].kill()
            again = await bots.start(args, env(free_port()))
            await until("the restarted process to plan", lambda: planned_and_sent([again]))
            assert "weekly reminders: 0 messages queued" in again.output()
            sent = Counter(s.chat_id for s in api.sent)
            assert sent == Counter(chats.values())  # each person's reminder exactly once
            rows = await conn.fetch("SELECT status, count(*) AS n FROM outbox GROUP BY status")
            assert {r["status"]: r["n"] for r in rows} == {"sent": 3}
        finally:
            await conn.close()
        for run in bots.runs:
            if run.running:
                assert await run.terminate() == 0
