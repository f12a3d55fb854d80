"""Webhook mode of the real bot process: the secret header is required, and an update is
recorded before Telegram gets its 200."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from tests.botprocess import TOKEN, Bots, bot_env, contact, message
from tests.e2e.test_e2e_polling import seeded_db
from tests.fake_bot_api import FakeBotApi, free_port

SECRET = "webhook-secret-123"
USER = 7201


def inbox_ids(db: Path) -> set[int]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT update_id FROM inbox")}


async def test_webhook_needs_the_secret_and_records_before_answering(
    tmp_path: Path, api: FakeBotApi, bots: Bots
) -> None:
    db = await seeded_db(tmp_path)
    port = free_port()
    env = bot_env(
        api.base_url,
        WEBHOOK_URL="https://bot.example.org/telegram/hook",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    args = ["run", "--webhook", "--db", str(db)]
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    register = {"update_id": 501, **contact(USER, 1, "0912000003")}
    report = {"update_id": 502, **message(USER, 2, "xong 3 nhà")}

    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
        first = await bots.start(args, env)
        await api.wait_for(lambda: bool(api.method_calls("setWebhook")), 60, "setWebhook")
        (webhook,) = api.method_calls("setWebhook")
        assert webhook["url"] == "https://bot.example.org/telegram/hook"
        assert webhook["secret_token"] == SECRET

        refused = await client.post(hook, json=register)
        assert refused.status_code == 403
        wrong = await client.post(
            hook, json=register, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        assert wrong.status_code == 403
        assert (await client.post(hook, content=b"{not json", headers=_secret())).status_code == 400
        assert inbox_ids(db) == set()

        accepted = await client.post(hook, json=register, headers=_secret())
        assert accepted.status_code == 200
        # Killed right after the 200: the update must already be on disk.
        await first.kill()
        assert inbox_ids(db) == {501}

        second = await bots.start(args, env)
        await api.wait_for(
            lambda: any("Bạn đã đăng ký" in s.text for s in api.sent), 60, "the welcome"
        )
        for _ in range(2):  # Telegram repeats a delivery it did not see answered
            response = await client.post(hook, json=report, headers=_secret())
            assert response.status_code == 200
        await api.wait_for(
            lambda: any("Nhà ở hoàn thành 3 nhà" in s.text for s in api.sent), 60, "the answer"
        )
        assert await second.terminate() == 0

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), sum(count) FROM reports").fetchone() == (1, 3)
        statuses = conn.execute("SELECT update_id, status FROM inbox ORDER BY update_id")
        assert list(statuses) == [(501, "done"), (502, "done")]
    for run in bots.runs:
        assert TOKEN not in run.output()
        assert SECRET not in run.output()


def _secret() -> dict[str, str]:
    return {"X-Telegram-Bot-Api-Secret-Token": SECRET}
