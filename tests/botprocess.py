"""Runs the real bot (`python -m bot run`) as a child process against a FakeBotApi."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "424242:E2E-secret-token-never-in-logs"


def message(user: int, message_id: int, text: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "Cán bộ"},
        **extra,
    }
    if text is not None:
        body["text"] = text
    return {"message": body}


def contact(user: int, message_id: int, phone: str) -> dict[str, Any]:
    card = {"phone_number": phone, "first_name": "A", "user_id": user}
    return message(user, message_id, contact=card)


class BotProcess:
    """One run of the bot; its stdout and stderr go to files in ``folder``."""

    def __init__(self, folder: Path, name: str) -> None:
        self.stdout = folder / f"{name}.out"
        self.stderr = folder / f"{name}.err"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", *args, stdout=out, stderr=err, cwd=cwd, env=env
            )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as a power cut or the OOM killer."""
        assert self.process is not None
        if self.running:
            self.process.kill()
        await self.process.wait()

    async def terminate(self, within: float = 60) -> int:
        """SIGTERM, then the exit code."""
        assert self.process is not None
        if self.running:
            self.process.send_signal(signal.SIGTERM)
        return await self.exit_code(within)

    async def exit_code(self, within: float = 60) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), within)

    def output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")


def bot_env(api_base_url: str, **extra: str) -> dict[str, str]:
    """A clean environment: no developer .env keys, no proxies (all traffic is local)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.upper().endswith("_PROXY")
        and not key.startswith(("TELEGRAM_", "WEBHOOK_", "DATABASE_", "RATE_LIMIT"))
    }
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api_base_url,
        **extra,
    )
    return env


def zalo_env(api_base_url: str, tokens: str, database_url: str, **extra: str) -> dict[str, str]:
    """Only Zalo: ZALO_BOT_TOKEN, ZALO_API_BASE_URL and DATABASE_URL (and ``extra``)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.upper().endswith("_PROXY")
        and not key.startswith(
            ("TELEGRAM_", "WEBHOOK_", "DATABASE_", "RATE_LIMIT", "ZALO_", "PUBLIC_BASE")
        )
    }
    env.update(
        PYTHONPATH=str(ROOT),
        ZALO_BOT_TOKEN=tokens,
        ZALO_API_BASE_URL=api_base_url,
        DATABASE_URL=database_url,
        **extra,
    )
    return env


class Bots:
    """Starts bot processes; every one still running is killed at the end of the test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runs: list[BotProcess] = []

    async def start(self, args: list[str], env: dict[str, str]) -> BotProcess:
        run = BotProcess(self.folder, f"bot{len(self.runs)}")
        self.runs.append(run)
        await run.start(args, env, cwd=self.folder)
        return run

    async def kill_all(self) -> None:
        for run in self.runs:
            if run.process is not None:
                await run.kill()


@asynccontextmanager
async def bot_processes(folder: Path) -> AsyncIterator[Bots]:
    bots = Bots(folder)
    try:
        yield bots
    finally:
        await bots.kill_all()
