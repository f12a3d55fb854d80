"""`run`, `console` and `seed-demo`: the bot on its messengers, or on this terminal."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.app import open_app
from bot.cli.common import db_exists, db_name, missing_db, settings_of
from bot.demo import is_demo_or_empty, seed_demo, seed_demo_households, seed_demo_reviews
from bot.demo_poverty import seed_demo_poverty
from bot.reference import missing_villages_hint
from bot.settings import Settings

__all__ = ["DEMO_DB", "cmd_console", "cmd_run", "cmd_seed_demo"]

logger = logging.getLogger(__name__)

DEMO_DB = Path("data/demo.sqlite3")
DEMO_CADRE = "0912000003"

SETUP_GUIDE = """\
No TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN is configured, so the bot reaches no messenger.
Chưa cấu hình ZALO_BOT_TOKEN hay TELEGRAM_BOT_TOKEN nên bot chưa kết nối được Zalo/Telegram.

To connect it / Để kết nối:
  1. In Telegram, talk to @BotFather, send /newbot and copy the token it gives you.
  2. Copy .env.example to .env and put the token there:  TELEGRAM_BOT_TOKEN=123456:ABC...
     For Zalo: in Zalo open "Zalo Bot Manager" → Tạo bot; put the token Zalo sends you in
     .env as ZALO_BOT_TOKEN=... (README: "Zalo").
  3. Run the same command again.

Meanwhile, here is the local console on a demo database ({db}).
You are the cadre of thôn Sà Lủng. Try:  xong 2 nhà   ·   /huongdan
Switch person with  :as 0912000002  (district leader, try /tiendo, /duyet) or :as 0912000001.
Quit with :q or Ctrl-D.
"""


async def _console(settings: Settings, phone: str, *, demo: bool = False) -> int:
    from bot.channels.console import ConsoleChannel

    new = not db_exists(settings)
    if new and not demo and missing_db(settings):
        return 2
    async with open_app(settings) as app:
        if demo and new:
            await seed_demo(app.store, now=app.clock())
            await seed_demo_reviews(app.store, now=app.clock())
            await seed_demo_households(app.store, now=app.clock())
            await seed_demo_poverty(app.store, now=app.clock())
        channel = ConsoleChannel(
            app.engine, read_line=sys.stdin.readline, output=sys.stdout, out_dir=Path("exports")
        )
        if not await channel.become(phone):
            return 2
        if hint := missing_villages_hint(app.engine.units):
            print(hint)  # the console is the admin's terminal: said once, not also logged
        await channel.run()
        return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    if settings.telegram_bot_token is None and not settings.zalo_tokens:
        path = Path(args.db) if args.db else DEMO_DB
        print(SETUP_GUIDE.format(db=path))
        return asyncio.run(
            _console(
                settings.model_copy(update={"database_url": f"sqlite:///{path}"}),
                DEMO_CADRE,
                demo=True,
            )
        )
    if args.webhook and (not settings.webhook_url or settings.webhook_secret is None):
        logger.error("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET in .env")
        return 2
    from bot.runner import run

    return run(settings)


def cmd_console(args: argparse.Namespace) -> int:
    return asyncio.run(_console(settings_of(args), args.as_phone))


async def _seed(settings: Settings) -> int:
    async with open_app(settings) as app:
        if not await is_demo_or_empty(app.store):
            print(
                f"{db_name(settings)} has a real roster; the demo roster (with its admin)"
                " is only added to an empty or demo database.",
                file=sys.stderr,
            )
            return 2
        await seed_demo(app.store, now=app.clock())
    print(f"Demo database ready: {db_name(settings)}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    return asyncio.run(_seed(settings_of(args)))
