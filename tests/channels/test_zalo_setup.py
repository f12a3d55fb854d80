"""Zalo's settings, secrets in logs, and files reaching a Zalo leader by expiring links."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from bot.channels.files import PublishedFiles
from bot.channels.http import HttpServer
from bot.logs import RedactingFilter
from bot.settings import Settings
from tests.channels.test_zalo import BOSS
from tests.channels.zalo_harness import ZaloHarness
from tests.conftest import LEADER
from tests.fake_bot_api import free_port
from tests.fakes import FakeClock

A = "1111:first-secret"
B = "2222:second-secret"


def settings(**values: str) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg,arg-type]


def test_several_zalo_tokens_and_defaults() -> None:
    configured = settings(zalo_bot_token=f" {A} , {B} ")
    assert configured.zalo_tokens == [A, B]
    assert configured.zalo_api_base_url == "https://bot-api.zaloplatforms.com/bot"
    assert settings(zalo_bot_token="  ").zalo_tokens == []


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"zalo_bot_token": "no-colon-secret"}, "ZALO_BOT_TOKEN"),
        ({"zalo_bot_token": f"{A},{A}"}, "twice"),
        ({"zalo_webhook_secret": "short", "zalo_webhook_url": "https://x.vn/z"}, "8-256"),
        ({"zalo_webhook_url": "https://x.vn/z"}, "go together"),
        ({"zalo_webhook_secret": "long-enough-secret"}, "go together"),
        ({"zalo_webhook_secret": "x" * 257, "zalo_webhook_url": "https://x.vn/z"}, "8-256"),
    ],
)
def test_bad_zalo_settings_are_clear_errors_that_do_not_echo_them(
    values: dict[str, str], problem: str
) -> None:
    with pytest.raises(ValidationError) as error:
        settings(**values)
    text = str(error.value.errors(include_input=False, include_url=False))
    assert problem in text
    assert "first-secret" not in text


def test_every_zalo_token_is_masked_in_logs() -> None:
    configured = settings(
        zalo_bot_token=f"{A},{B}",
        zalo_webhook_secret="webhook-secret",
        zalo_webhook_url="https://x.vn/z",
    )
    record = logging.LogRecord(
        "bot",
        logging.ERROR,
        __file__,
        1,
        "POST /bot%s/x and /bot%s/y %s",
        (A, B, "webhook-secret"),
        None,
    )
    RedactingFilter(configured.secrets()).filter(record)
    text = record.getMessage()
    assert "first-secret" not in text
    assert "second-secret" not in text
    assert "webhook-secret" not in text


@pytest.fixture
async def http() -> HttpServer:
    return HttpServer("127.0.0.1", free_port())


async def test_published_files_are_served_until_they_expire(
    tmp_path: Path, http: HttpServer, clock: FakeClock
) -> None:
    files = PublishedFiles(tmp_path / "files", f"http://127.0.0.1:{http.port}", clock=clock)
    files.serve_on(http)
    http.hold()
    try:
        url = files.publish("tiến độ.xlsx", b"workbook-bytes")
        other = files.publish("chart.png", b"png")
        assert url != other
        async with httpx.AsyncClient(trust_env=False) as client:
            got = await client.get(url)
            assert (got.status_code, got.content) == (200, b"workbook-bytes")
            guessed = url.replace(url.split("/")[-2], "A" * 32)
            assert (await client.get(guessed)).status_code == 404
            clock.advance(hours=24)
            assert (await client.get(url)).status_code == 404
        files.prune()
        assert list((tmp_path / "files").iterdir()) == []
    finally:
        await http.release()


async def test_a_chart_reaches_a_zalo_leader_as_a_photo_link(
    zalo: ZaloHarness, tmp_path: Path, http: HttpServer
) -> None:
    files = PublishedFiles(
        tmp_path / "files", f"http://127.0.0.1:{http.port}", clock=zalo.engine.clock
    )
    files.serve_on(http)
    await zalo.restart(files=files, http=http)
    http.hold()
    try:
        await zalo.register(BOSS, LEADER)
        await zalo.say(BOSS, "/tiendo bieudo")
        photos = [s for s in zalo.api.sent if s.method == "sendPhoto"]
        assert len(photos) == 1
        async with httpx.AsyncClient(trust_env=False) as client:
            got = await client.get(photos[0].photo)
        assert got.status_code == 200
        assert got.content.startswith(b"\x89PNG")
        await zalo.say(BOSS, "/xuat")
        link = zalo.api.texts(BOSS)[-1]
        assert "24 giờ" in link
        assert f"http://127.0.0.1:{http.port}/files/" in link
    finally:
        await http.release()


async def test_without_public_links_the_leader_is_told_how_to_get_the_file(
    zalo: ZaloHarness,
) -> None:
    await zalo.register(BOSS, LEADER)
    replies = await zalo.say(BOSS, "/xuat")
    assert "Zalo không gửi được tệp" in replies[-1]
    assert "python -m bot export" in replies[-1]
    assert not [s for s in zalo.api.sent if s.method == "sendPhoto"]
