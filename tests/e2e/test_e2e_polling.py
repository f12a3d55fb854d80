"""The real bot process against a fake Bot API: SIGKILL loses nothing, SIGTERM is clean."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.app import open_app_store
from bot.demo import seed_demo
from tests.botprocess import TOKEN, Bots, bot_env, contact, message
from tests.fake_bot_api import FakeBotApi

CADRE_A, CADRE_B = 7101, 7102  # Telegram user ids of the cadres of Sà Lủng and Xà Phìn
PER_CADRE = 100
ANSWER = re.compile(r"Nhà ở hoàn thành (\d+) nhà — thôn")


async def seeded_db(tmp_path: Path) -> Path:
    db = tmp_path / "bot.sqlite3"
    store = await open_app_store(db)
    await seed_demo(store, now=datetime.now(UTC))
    await store.close()
    return db


def answered(api: FakeBotApi) -> set[tuple[int, int]]:
    """(chat, houses) of every report confirmation the bot sent."""
    return {
        (sent.chat_id, int(match[1])) for sent in api.sent for match in ANSWER.finditer(sent.text)
    }


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


async def test_reports_survive_sigkill_and_sigterm_stored_once_answered_at_least_once(
    tmp_path: Path, api: FakeBotApi, bots: Bots
) -> None:
    db = await seeded_db(tmp_path)
    env = bot_env(api.base_url, RATE_LIMIT_PER_MINUTE="0")
    args = ["run", "--db", str(db)]
    api.push(contact(CADRE_A, 1, "+84912000003"))
    api.push(contact(CADRE_B, 1, "0912000004"))
    # Each cadre reports 1, 2, … PER_CADRE houses: the count tells which message an answer is for.
    expected: set[tuple[int, int]] = set()
    for houses in range(1, PER_CADRE + 1):
        for user in (CADRE_A, CADRE_B):
            api.push(message(user, houses + 1, f"xong {houses} nhà"))
            expected.add((user, houses))
    total = len(expected)

    first = await bots.start(args, env)
    await api.wait_for(lambda: len(answered(api)) >= total // 4, 60, "a quarter answered")
    await first.kill()
    assert len(answered(api)) < total, "SIGKILL came after the end: nothing tested"

    second = await bots.start(args, env)
    await api.wait_for(lambda: len(answered(api)) >= total * 3 // 5, 60, "three fifths answered")
    assert await second.terminate() == 0
    # A clean stop leaves every recorded update either processed (report stored) or pending
    # (nothing stored yet), never in between.
    inbox = query(db, "SELECT status, payload FROM inbox")
    assert {status for status, _ in inbox} <= {"done", "pending"}
    stored = {str(source) for (source,) in query(db, "SELECT DISTINCT source FROM reports")}
    for status, payload in inbox:
        update = json.loads(str(payload))["message"]
        if "text" in update:
            source = (
                f"telegram:{update['from']['id']}:{update['chat']['id']}:{update['message_id']}"
            )
            assert (source in stored) == (status == "done"), (status, source)

    third = await bots.start(args, env)
    await api.wait_for(lambda: answered(api) >= expected, 90, "every report answered")
    assert await third.terminate() == 0

    assert answered(api) == expected
    welcomes = [s for s in api.sent if "Bạn đã đăng ký" in s.text]
    assert {s.chat_id for s in welcomes} == {CADRE_A, CADRE_B}
    per_message = query(db, "SELECT source, count(*), sum(count) FROM reports GROUP BY source")
    assert len(per_message) == total  # every report stored …
    assert all(n == 1 for _, n, _ in per_message)  # … exactly once
    sources = {str(source) for source, _, _ in per_message}
    assert sources == {f"telegram:{user}:{user}:{houses + 1}" for user, houses in expected}
    house_total = PER_CADRE * (PER_CADRE + 1) // 2
    assert query(db, "SELECT village, total FROM village_totals ORDER BY village") == [
        ("v:sa-lung", house_total),
        ("v:xa-phin", house_total),
    ]
    assert query(db, "SELECT status, count(*) FROM inbox GROUP BY status") == [("done", total + 2)]
    # An update the bot confirmed (by a higher offset) is never delivered again.
    assert not api.queue
    for run in bots.runs:
        assert TOKEN not in run.output()
        assert TOKEN.split(":", 1)[1] not in run.output()
    # At start, the log tells the admin which communes have no villages yet.
    assert "WARNING bot.runner: Chưa có danh sách thôn của 7/18 xã" in first.output()
