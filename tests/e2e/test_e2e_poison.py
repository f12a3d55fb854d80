"""An update python-telegram-bot cannot read does not take the bot down (real process).

The update is recorded, marked failed, acknowledged, listed by `python -m bot inbox --failed`
(its content only with --show) and never written to a log; the updates around it are
stored and answered, in polling and in webhook mode.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.botprocess import ROOT, TOKEN, Bots, bot_env, contact, message
from tests.e2e.test_e2e_polling import seeded_db
from tests.fake_bot_api import FakeBotApi, free_port

CADRE, STRANGER = 7301, 7302
# Personal data of the bad update: it must appear in no log and in no listing without --show.
SECRET_NAME = "Zzqvuong Poisonname"


def old_sticker(user: int, message_id: int) -> dict[str, Any]:
    """A sticker in an older shape: without the is_video and type fields PTB now requires."""
    sticker = {
        "file_id": "CAACAgIAAx0",
        "file_unique_id": "AgADxyz",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "set_name": "ZzqSecretStickers",
    }
    update = message(user, message_id, sticker=sticker)
    update["message"]["from"]["first_name"] = SECRET_NAME
    return update


def answers(api: FakeBotApi, chat: int, text: str) -> int:
    return sum(1 for s in api.sent if s.chat_id == chat and text in s.text)


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


async def inbox_cli(db: Path, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "inbox",
        "--db",
        str(db),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=ROOT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def check_listing(db: Path, bad: int) -> None:
    code, listing = await inbox_cli(db, "--failed")
    assert code == 0, listing
    assert str(bad) in listing
    assert "sticker" in listing  # its kind
    assert "TypeError" in listing  # why it failed
    assert SECRET_NAME not in listing
    assert "ZzqSecret" not in listing
    code, shown = await inbox_cli(db, "--failed", "--show")
    assert code == 0
    assert SECRET_NAME in shown


async def test_polling_goes_on_after_an_unreadable_update(
    tmp_path: Path, api: FakeBotApi, bots: Bots
) -> None:
    db = await seeded_db(tmp_path)
    env = bot_env(api.base_url, RATE_LIMIT_PER_MINUTE="0")
    api.push(contact(CADRE, 1, "0912000003"))
    # The bad update, then a report in the same batch.
    bad = api.push(old_sticker(STRANGER, 1))
    api.push(message(CADRE, 2, "xong 2 nhà"))

    run = await bots.start(["run", "--db", str(db)], env)
    await api.wait_for(lambda: answers(api, CADRE, "Nhà ở hoàn thành 2 nhà") == 1, 60, "report")
    # Acknowledged: Telegram forgets it, and the next updates are served too.
    api.push(message(CADRE, 3, "xong 3 nhà"))
    await api.wait_for(lambda: answers(api, CADRE, "Nhà ở hoàn thành 3 nhà") == 1, 60, "next")
    assert run.running
    assert not api.queue
    assert api.delivered.count(bad) == 1
    assert await run.terminate() == 0

    assert rows(db, f"SELECT status FROM inbox WHERE update_id = {bad}") == [("failed",)]
    assert rows(db, "SELECT count(*), sum(count) FROM reports") == [(2, 5)]
    output = run.output()
    assert SECRET_NAME not in output
    assert "ZzqSecret" not in output
    assert TOKEN not in output
    await check_listing(db, bad)


async def test_the_webhook_acknowledges_an_unreadable_update_and_goes_on(
    tmp_path: Path, api: FakeBotApi, bots: Bots
) -> None:
    db = await seeded_db(tmp_path)
    port = free_port()
    secret = "webhook-secret-456"
    env = bot_env(
        api.base_url,
        WEBHOOK_URL="https://bot.example.org/hook",
        WEBHOOK_SECRET=secret,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    hook = f"http://127.0.0.1:{port}/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    run = await bots.start(["run", "--webhook", "--db", str(db)], env)
    await api.wait_for(lambda: bool(api.method_calls("setWebhook")), 60, "setWebhook")
    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
        for update in (
            {"update_id": 601, **contact(CADRE, 1, "0912000003")},
            {"update_id": 602, **old_sticker(STRANGER, 1)},
            {"update_id": 603, **message(CADRE, 2, "xong 2 nhà")},
        ):
            response = await client.post(hook, json=update, headers=headers)
            # 200 for the bad one too: otherwise Telegram repeats it for a day.
            assert response.status_code == 200, update["update_id"]
    await api.wait_for(lambda: answers(api, CADRE, "Nhà ở hoàn thành 2 nhà") == 1, 60, "report")
    assert run.running
    assert await run.terminate() == 0
    assert rows(db, "SELECT update_id, status FROM inbox ORDER BY update_id") == [
        (601, "done"),
        (602, "failed"),
        (603, "done"),
    ]
    output = run.output()
    assert SECRET_NAME not in output
    assert "ZzqSecret" not in output
    await check_listing(db, 602)


async def test_a_malformed_getupdates_answer_is_not_logged_and_polling_goes_on(
    tmp_path: Path, api: FakeBotApi, bots: Bots
) -> None:
    db = await seeded_db(tmp_path)
    env = bot_env(api.base_url, RATE_LIMIT_PER_MINUTE="0")
    broken = {
        "update_id": 1,
        "message": {"text": "xong 9 nhà", "from": {"first_name": SECRET_NAME}},
    }
    api.garbage.append(json.dumps({"ok": True, "result": [broken]}).encode()[:-3])
    api.push(contact(CADRE, 1, "0912000003"))
    api.push(message(CADRE, 2, "xong 2 nhà"))
    run = await bots.start(["run", "--db", str(db)], env)
    await api.wait_for(lambda: answers(api, CADRE, "Nhà ở hoàn thành 2 nhà") == 1, 60, "report")
    assert not api.garbage
    assert run.running
    assert await run.terminate() == 0
    output = run.output()
    assert SECRET_NAME not in output
    assert "xong 9" not in output
