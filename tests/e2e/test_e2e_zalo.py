"""The real `python -m bot run` with only ZALO_BOT_TOKEN, ZALO_API_BASE_URL and DATABASE_URL,
against the stand-in Zalo Bot API: people register with invite codes, report, ask /tiendo;
SIGKILL and restart lose nothing the bot received (each stored once and answered)."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import openpyxl
import pytest

from tests.botprocess import ROOT, Bots, zalo_env
from tests.e2e.test_e2e_polling import seeded_db
from tests.fake_bot_api import free_port
from tests.fake_zalo_api import FakeZaloApi, zalo_update

TOKEN_A = "1459232241454765289:ZALO-e2e-token-A-never-in-logs"
TOKEN_B = "2222333344445555666:ZALO-e2e-token-B-never-in-logs"
BOT_A, BOT_B = TOKEN_A.split(":", 1)[0], TOKEN_B.split(":", 1)[0]
CADRE_A, CADRE_B, LEADER = "a1a1a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2b2b2", "c3c3c3c3c3c3c3c3c3c3"
PER_CADRE = 12  # below the default limit of 20 messages a minute per person
ANSWER = re.compile(r"Nhà ở hoàn thành (\d+) nhà — thôn")
SECRET = "zalo-webhook-secret"


@pytest.fixture
async def zapi() -> AsyncIterator[FakeZaloApi]:
    server = FakeZaloApi([TOKEN_A, TOKEN_B])
    await server.start()
    yield server
    await server.stop()


def invite_codes(db: Path, out: Path) -> dict[str, str]:
    """`python -m bot invites`: phone → code, read back from the workbook it writes."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "invites", "--db", str(db), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Họ tên", "Số điện thoại", "Đơn vị", "Mã mời")
    return {str(row[1]).replace(" ", ""): str(row[3]) for row in rows[1:]}


def answered(api: FakeZaloApi) -> set[tuple[str, int]]:
    return {(s.chat_id, int(m[1])) for s in api.sent for m in ANSWER.finditer(s.text)}


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


def handed_out(api: FakeZaloApi) -> set[str]:
    """The message ids of the updates the API has handed out."""
    return {str(update["message"]["message_id"]) for _bot, update in api.handed_out}


def in_inbox(db: Path) -> set[str]:
    """The message ids of the updates recorded in the inbox."""
    rows = query(db, "SELECT payload FROM inbox")
    return {str(json.loads(str(p))["update"]["message"]["message_id"]) for (p,) in rows}


async def test_polling_survives_sigkill_every_received_update_stored_once_and_answered(
    tmp_path: Path, zapi: FakeZaloApi, bots: Bots
) -> None:
    db = await seeded_db(tmp_path)
    codes = invite_codes(db, tmp_path / "codes.xlsx")
    assert len(codes) == 4  # the demo roster, nobody registered yet
    env = zalo_env(zapi.base_url, f"{TOKEN_A},{TOKEN_B}", f"sqlite:///{db}")
    # Cadre A and the leader use bot A, cadre B bot B (one bot per commune).
    zapi.push(zalo_update(CADRE_A, codes["0912000003"]), BOT_A)
    zapi.push(zalo_update(CADRE_B, f"/dangky {codes['0912000004']}"), BOT_B)
    zapi.push(zalo_update(LEADER, codes["0912000002"].lower()), BOT_A)
    expected: set[tuple[str, int]] = set()
    for houses in range(1, PER_CADRE + 1):
        for user, bot in ((CADRE_A, BOT_A), (CADRE_B, BOT_B)):
            zapi.push(zalo_update(user, f"xong {houses} nhà ngày 5/5/2025"), bot)
            expected.add((user, houses))
    zapi.send_delay = 0.05  # answers lag behind: the kill finds recorded, unanswered updates

    first = await bots.start(["run"], env)
    await zapi.wait_for(lambda: len(answered(zapi)) >= 4, 60, "a few answers")
    await first.kill()
    received = len(zapi.handed_out)
    assert len(answered(zapi)) < len(expected), "SIGKILL came after the end: nothing tested"
    # Recorded but not answered when killed: the restart must answer them.
    assert query(db, "SELECT count(*) FROM inbox WHERE status = 'pending'")[0][0] > 0
    # Zalo cannot hand an update out twice: what was handed out and not recorded before the
    # kill is lost, at most the one in flight.
    lost = handed_out(zapi) - in_inbox(db)
    assert len(lost) <= 1

    second = await bots.start(["run"], env)
    await zapi.wait_for(lambda: not any(zapi.queues.values()), 60, "every update handed out")
    # The last updates handed out may still be on their way to the inbox.
    await zapi.wait_for(lambda: handed_out(zapi) - lost <= in_inbox(db), 60, "all recorded")
    recorded = query(db, "SELECT update_id, payload FROM inbox")
    # Zalo cannot hand an update out twice: at most the one in flight at the kill is lost.
    assert len(recorded) >= len(zapi.handed_out) - 1
    reports_in_inbox = {
        (json.loads(str(p))["update"]["message"]["from"]["id"], int(m[1]))
        for _key, p in recorded
        for m in re.finditer(r"xong (\d+) nhà", json.loads(str(p))["update"]["message"]["text"])
    }
    await zapi.wait_for(lambda: answered(zapi) >= reports_in_inbox, 60, "every report answered")
    zapi.push(zalo_update(LEADER, "/tiendo 2021-2025"), BOT_A)
    await zapi.wait_for(lambda: any("/1.733 nhà" in t for t in zapi.texts(LEADER)), 60, "tiendo")
    assert await second.terminate() == 0

    # Stored once: one report per message, whatever was answered twice around the kill.
    sources = query(db, "SELECT source, count(*) FROM reports GROUP BY source")
    assert all(count == 1 for _source, count in sources)
    assert len(sources) == len(reports_in_inbox)
    assert query(db, "SELECT DISTINCT status FROM inbox") == [("done",)]
    total = sum(houses for _user, houses in reports_in_inbox)
    tiendo = "\n".join(zapi.texts(LEADER))
    assert f"{total}/1.733 nhà" in tiendo
    assert received > 3
    for run in bots.runs:
        output = run.output()
        for token in (TOKEN_A, TOKEN_B):
            assert token.split(":", 1)[1] not in output


async def test_webhook_needs_the_secret_and_records_before_the_200(
    tmp_path: Path, zapi: FakeZaloApi, bots: Bots
) -> None:
    db = await seeded_db(tmp_path)
    codes = invite_codes(db, tmp_path / "codes.xlsx")
    port = free_port()
    env = zalo_env(
        zapi.base_url,
        TOKEN_A,
        f"sqlite:///{db}",
        ZALO_WEBHOOK_URL="https://bot.example.vn/zalo",
        ZALO_WEBHOOK_SECRET=SECRET,
        WEBHOOK_PORT=str(port),
    )
    hook = f"http://127.0.0.1:{port}/zalo/{BOT_A}"
    register = zalo_update(CADRE_A, codes["0912000003"])
    report = {"ok": True, "result": zalo_update(CADRE_A, "xong 3 nhà")}  # wrapped, as the docs
    headers = {"X-Bot-Api-Secret-Token": SECRET}

    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
        first = await bots.start(["run"], env)
        await zapi.wait_for(lambda: bool(zapi.method_calls("setWebhook")), 60, "setWebhook")
        (webhook,) = zapi.method_calls("setWebhook")
        assert webhook == {"url": f"https://bot.example.vn/zalo/{BOT_A}", "secret_token": SECRET}

        assert (await client.post(hook, json=register)).status_code == 403
        wrong = {"X-Bot-Api-Secret-Token": "guess-guess"}
        assert (await client.post(hook, json=register, headers=wrong)).status_code == 403
        assert (await client.post(hook, content=b"{nope", headers=headers)).status_code == 400
        assert query(db, "SELECT count(*) FROM inbox") == [(0,)]

        assert (await client.post(hook, json=register, headers=headers)).status_code == 200
        await first.kill()  # right after the 200: the update is already on disk
        assert query(db, "SELECT count(*) FROM inbox") == [(1,)]

        second = await bots.start(["run"], env)
        await zapi.wait_for(
            lambda: any("Bạn đã đăng ký" in t for t in zapi.texts(CADRE_A)), 60, "the welcome"
        )
        for _ in range(2):  # a duplicate delivery is stored once
            assert (await client.post(hook, json=report, headers=headers)).status_code == 200
        await zapi.wait_for(lambda: (CADRE_A, 3) in answered(zapi), 60, "the answer")
        assert await second.terminate() == 0

    assert query(db, "SELECT count(*), sum(count) FROM reports") == [(1, 3)]
    assert query(db, "SELECT DISTINCT status FROM inbox") == [("done",)]
    assert not zapi.method_calls("getUpdates")  # webhook mode never polls
