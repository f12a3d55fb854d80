"""The token never shows: not in logs, not in error messages; `.env` stays out of git."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.botprocess import ROOT, TOKEN, Bots, bot_env
from tests.fake_bot_api import FakeBotApi


@pytest.mark.parametrize(
    ("status", "description", "told"),
    [
        (401, "Unauthorized", "rejected TELEGRAM_BOT_TOKEN"),
        # A proxy that echoes the URL it could not reach, token included.
        (502, f"Bad Gateway: POST /bot{TOKEN}/getMe", "the bot stopped"),
        (500, f"Internal Server Error ({TOKEN})", "the bot stopped"),
    ],
    ids=["401", "502-echoing-the-url", "500-echoing-the-token"],
)
async def test_a_failing_start_tells_why_without_the_token(
    tmp_path: Path, api: FakeBotApi, bots: Bots, status: int, description: str, told: str
) -> None:
    api.fail(status, description)
    run = await bots.start(["run", "--db", str(tmp_path / "bot.sqlite3")], bot_env(api.base_url))
    assert await run.exit_code() == 1
    output = run.output()
    assert told in output
    assert TOKEN not in output
    assert TOKEN.split(":", 1)[1] not in output
    assert api.method_calls("getMe"), "the bot never reached the fake API: nothing tested"


def test_dotenv_is_git_ignored_and_the_example_holds_no_token() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in [line.strip() for line in ignored]
    if shutil.which("git") and (ROOT / ".git").exists():
        check = ["git", "-C", str(ROOT), "check-ignore", "--no-index", "-q"]
        assert subprocess.run([*check, ".env"], check=False).returncode == 0
        assert subprocess.run([*check, ".env.example"], check=False).returncode == 1
    example = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    assert "TELEGRAM_BOT_TOKEN=" in example


async def test_errors_while_running_are_logged_without_the_token(
    tmp_path: Path, api: FakeBotApi, bots: Bots
) -> None:
    run = await bots.start(["run", "--db", str(tmp_path / "bot.sqlite3")], bot_env(api.base_url))
    await api.wait_for(lambda: bool(api.method_calls("getUpdates")), 60, "polling")
    polls = len(api.method_calls("getUpdates"))
    api.fail(500, f"Internal Server Error at /bot{TOKEN}/getUpdates")
    # The second failing poll comes after the first failure was logged and waited out.
    await api.wait_for(lambda: len(api.method_calls("getUpdates")) >= polls + 2, 60, "a retry")
    assert await run.terminate() == 0
    output = run.output()
    assert "getUpdates failed (NetworkError: Internal Server Error at /bot***/getUpdates)" in output
    assert TOKEN not in output


def test_a_configuration_error_does_not_echo_the_values(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_SECRET", "almost right but has spaces")
    assert main(["run", "--webhook", "--db", str(tmp_path / "x.sqlite3")]) == 2
    err = capsys.readouterr().err
    assert "WEBHOOK_SECRET: Value error, WEBHOOK_SECRET must be 1-256 characters" in err
    assert "almost right" not in err
    assert TOKEN not in err
