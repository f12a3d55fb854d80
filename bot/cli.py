"""`python -m bot …`: run the bot, the console, and the offline admin tasks."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path

from pydantic import ValidationError

from bot.app import (
    build_engine,
    is_demo_or_empty,
    load_units_csv,
    open_app_store,
    seed_demo,
    shipped_units,
    utc_now,
)
from bot.audit import format_events
from bot.exports.table import write_csv
from bot.imports import (
    CsvImport,
    ImportProblem,
    import_roster,
    import_targets,
    import_tasks,
    import_units,
)
from bot.logs import setup_logging
from bot.reminders import run_reminders
from bot.settings import Settings, sqlite_path
from core.indicators import DEFAULT_INDICATORS
from core.units import DISTRICT, UnitDirectory, UnitError
from handlers.report_rows import export_rows
from locales.translator import CatalogError, load_translators
from storage.backup import BackupError, backup_database
from storage.database import SCHEMA_VERSION

__all__ = ["DEMO_DB", "main"]

DEMO_DB = Path("data/demo.sqlite3")
DEMO_CADRE = "0912000003"

SETUP_GUIDE = """\
No TELEGRAM_BOT_TOKEN is configured, so the bot cannot connect to Telegram.
Chưa cấu hình TELEGRAM_BOT_TOKEN nên bot chưa kết nối được Telegram.

To connect it / Để kết nối:
  1. In Telegram, talk to @BotFather, send /newbot and copy the token it gives you.
  2. Copy .env.example to .env and put the token there:  TELEGRAM_BOT_TOKEN=123456:ABC...
  3. Run the same command again.

Meanwhile, here is the local console on a demo database ({db}).
You are the cadre of thôn Sà Lủng. Try:  xong 2 nhà   ·   /huongdan
Switch person with  :as 0912000002  (district leader, try /tiendo) or :as 0912000001 (admin).
Quit with :q or Ctrl-D.
"""


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if getattr(args, "db", None):
        settings = settings.model_copy(update={"database_url": f"sqlite:///{args.db}"})
    return settings


def _db_path(settings: Settings) -> Path:
    return sqlite_path(settings.database_url)


async def _console(settings: Settings, phone: str, *, demo: bool = False) -> int:
    from bot.channels.console import ConsoleChannel

    path = _db_path(settings)
    new = not path.exists()
    if new and not demo and _missing_db(settings):
        return 2
    store = await open_app_store(path)
    try:
        if demo and new:
            await seed_demo(store)
        engine = await build_engine(store, settings)
        channel = ConsoleChannel(
            engine, read_line=sys.stdin.readline, output=sys.stdout, out_dir=Path("exports")
        )
        if not await channel.become(phone):
            return 2
        await channel.run()
        return 0
    finally:
        await store.close()


def _cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.telegram_bot_token is None:
        path = Path(args.db) if args.db else DEMO_DB
        print(SETUP_GUIDE.format(db=path))
        return asyncio.run(
            _console(
                settings.model_copy(update={"database_url": f"sqlite:///{path}"}),
                DEMO_CADRE,
                demo=True,
            )
        )
    from bot.runner import run_telegram

    return run_telegram(settings, webhook=args.webhook)


def _cmd_console(args: argparse.Namespace) -> int:
    return asyncio.run(_console(_settings(args), args.as_phone))


async def _seed(settings: Settings) -> int:
    store = await open_app_store(_db_path(settings))
    try:
        if not await is_demo_or_empty(store):
            print(
                f"{_db_path(settings)} has a real roster; the demo roster (with its admin)"
                " is only added to an empty or demo database.",
                file=sys.stderr,
            )
            return 2
        await seed_demo(store)
    finally:
        await store.close()
    print(f"Demo database ready: {_db_path(settings)}")
    return 0


def _cmd_seed_demo(args: argparse.Namespace) -> int:
    return asyncio.run(_seed(_settings(args)))


def _cmd_import_units(args: argparse.Namespace) -> int:
    return _import_csv(args, import_units)


def _import_csv(args: argparse.Namespace, load: CsvImport) -> int:
    """Read FILE.csv, then import it whole or, naming the bad lines, not at all."""
    file = Path(args.file)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        print(f"Cannot read {file}: {error}", file=sys.stderr)
        return 2
    settings = _settings(args)

    async def run() -> int:
        store = await open_app_store(_db_path(settings))
        try:
            summary = await load(store, await store.units.load(), text, settings)
        except ImportProblem as error:
            print(f"Cannot import {file}; nothing was imported:\n{error}", file=sys.stderr)
            return 2
        finally:
            await store.close()
        print(summary)
        return 0

    return asyncio.run(run())


def _cmd_import_roster(args: argparse.Namespace) -> int:
    return _import_csv(args, import_roster)


def _cmd_import_tasks(args: argparse.Namespace) -> int:
    return _import_csv(args, import_tasks)


def _cmd_import_targets(args: argparse.Namespace) -> int:
    return _import_csv(args, import_targets)


def _cmd_reminders(args: argparse.Namespace) -> int:
    settings = _settings(args)
    path = _db_path(settings)
    if not path.exists():
        # Opening would create (and seed) a database: a preview must change nothing.
        print(f"No database at {path}", file=sys.stderr)
        return 2
    if args.dry_run and _schema_version(path) < SCHEMA_VERSION:
        print(
            f"{path} has an older schema; opening it would migrate it."
            " Run without --dry-run (or start the bot) once first.",
            file=sys.stderr,
        )
        return 2
    at: datetime | None = args.at
    if at is not None:
        at = (at.replace(tzinfo=settings.tz) if at.tzinfo is None else at).astimezone(UTC)
    return asyncio.run(run_reminders(settings, path, at=at, dry_run=args.dry_run))


def _schema_version(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date-time, e.g. 2026-11-30T07:30+07:00"
        ) from None


async def _export_xlsx(settings: Settings, *, merged: bool) -> tuple[bytes, int] | None:
    from bot.exports import RENDERERS
    from handlers.export import area_workbook

    translator = load_translators()[settings.default_locale]
    store = await open_app_store(_db_path(settings))
    try:
        units = await store.units.load()
        districts = units.of_level(DISTRICT)
        if not districts:
            print("The units list has no district to export.", file=sys.stderr)
            return None
        today = utc_now().astimezone(settings.tz).date()
        content, count = await area_workbook(
            store,
            units,
            DEFAULT_INDICATORS,
            translator,
            settings.tz,
            districts[0],
            merged=merged,
            today=today,
            renderers=RENDERERS,
        )
    finally:
        await store.close()
    return content, count


async def _export_rows(settings: Settings) -> list[dict[str, object]]:
    store = await open_app_store(_db_path(settings))
    try:
        return await export_rows(store, await store.units.load(), settings.tz)
    finally:
        await store.close()


def _missing_db(settings: Settings) -> bool:
    """Say so when the database file does not exist (a mistyped --db must not make a new one)."""
    path = _db_path(settings)
    if path.exists():
        return False
    print(
        f"No database at {path}. Check --db or DATABASE_URL; a new one is made by"
        " seed-demo, import-units or import-roster.",
        file=sys.stderr,
    )
    return True


def _cmd_export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if _missing_db(settings):
        return 2
    if args.format == "xlsx":
        if not args.out:
            print("An Excel file needs --out FILE.xlsx", file=sys.stderr)
            return 2
        made = asyncio.run(_export_xlsx(settings, merged=not args.pre_2025))
        if made is None:
            return 2
        try:
            Path(args.out).write_bytes(made[0])
        except OSError as error:
            print(f"Cannot write {args.out}: {error}", file=sys.stderr)
            return 2
        print(f"Wrote the summary and {made[1]} reports to {args.out}")
        return 0
    rows = asyncio.run(_export_rows(settings))
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8-sig", newline="") as out:
                write_csv(rows, out)
        except OSError as error:
            print(f"Cannot write {args.out}: {error}", file=sys.stderr)
            return 2
    else:
        write_csv(rows, sys.stdout)
    return 0


async def _stored_units(settings: Settings) -> UnitDirectory:
    store = await open_app_store(_db_path(settings))
    try:
        return await store.units.load()
    finally:
        await store.close()


def _cmd_parse(args: argparse.Namespace) -> int:
    from bot.parse_stream import ParseStream, vietnamese

    try:
        if args.units:
            units = load_units_csv(Path(args.units))
        elif args.db:
            units = asyncio.run(_stored_units(_settings(args)))
        else:
            units = shipped_units()
    except (OSError, UnitError) as error:
        print(f"Cannot load the units: {error}", file=sys.stderr)
        return 2
    ParseStream(units, vietnamese()).run(sys.stdin.buffer, sys.stdout.buffer)
    return 0


async def _audit(settings: Settings, entity: str | None, since: date | None) -> list[str]:
    store = await open_app_store(_db_path(settings))
    try:
        start = datetime.combine(since, time(), settings.tz) if since else None
        events = await store.audit.events(entity=entity, since=start)
        names = {p.id: p.name for p in await store.people.all()}
    finally:
        await store.close()
    return format_events(events, names, settings.tz)


def _cmd_audit(args: argparse.Namespace) -> int:
    settings = _settings(args)
    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            print(f"--since {args.since!r}: use a date like 2026-11-26", file=sys.stderr)
            return 2
    if not _db_path(settings).exists():
        print(f"{_db_path(settings)} does not exist", file=sys.stderr)
        return 2
    for line in asyncio.run(_audit(settings, args.entity, since)):
        print(line)
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    source = _db_path(_settings(args))
    try:
        summary = backup_database(source, Path(args.out))
    except (BackupError, OSError) as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 2
    print(
        f"Backup written to {args.out}: schema {summary.schema_version}, {summary.reports}"
        f" reports, {summary.people} people, {summary.events} events; integrity ok"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Field-reporting bot for the poverty-reduction programme of Mèo Vạc.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", metavar="PATH", help="SQLite file (overrides DATABASE_URL)")
        return sub

    run = command("run", "Run the Telegram bot (long polling); without a token, the demo console.")
    run.add_argument("--webhook", action="store_true", help="Receive updates by webhook.")
    run.set_defaults(func=_cmd_run)

    console = command("console", "Talk to the bot on this terminal as a roster person.")
    console.add_argument("--as", dest="as_phone", required=True, metavar="PHONE")
    console.set_defaults(func=_cmd_console)

    command("seed-demo", "Create a demo database: units, targets, demo roster.").set_defaults(
        func=_cmd_seed_demo
    )

    units = command("import-units", "Replace the administrative units with a CSV file.")
    units.add_argument("file", metavar="FILE.csv")
    units.set_defaults(func=_cmd_import_units)

    roster = command("import-roster", "Add or update people from a CSV (name,phone,role,unit).")
    roster.add_argument("file", metavar="FILE.csv")
    roster.set_defaults(func=_cmd_import_roster)

    tasks = command(
        "import-tasks", "Add tasks from a CSV (village,indicator,count,due[,start]); all or none."
    )
    tasks.add_argument("file", metavar="FILE.csv")
    tasks.set_defaults(func=_cmd_import_tasks)

    targets = command(
        "import-targets",
        "Set targets from a CSV (indicator,unit,value,deadline[,baseline]); a file with any"
        " bad line sets nothing.",
    )
    targets.add_argument("file", metavar="FILE.csv")
    targets.set_defaults(func=_cmd_import_targets)

    reminders = command(
        "reminders",
        "Queue this week's reminders for the running bot to send, and show them (--dry-run:"
        " only show what would be sent).",
    )
    reminders.add_argument(
        "--at",
        type=_moment,
        metavar="ISO_DATETIME",
        help="the moment to act at, e.g. 2026-11-30T07:30+07:00 (default: now; TIMEZONE if naive)",
    )
    reminders.add_argument(
        "--dry-run", action="store_true", help="only print what would be sent; change nothing"
    )
    reminders.set_defaults(func=_cmd_reminders)

    parse = command(
        "parse",
        "Read report messages as JSON Lines on stdin (text, village, today); write what the"
        " parser understood, one JSON object per line. Units: the shipped list, or those of"
        " --db, or --units FILE.csv.",
    )
    parse.add_argument("--units", metavar="FILE.csv", help="units CSV to match villages against")
    parse.set_defaults(func=_cmd_parse)

    export = command(
        "export",
        "Write every report as CSV (stdout or --out), or the district's progress and reports"
        " as an Excel workbook (--format xlsx --out FILE.xlsx).",
    )
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--out", metavar="FILE")
    export.add_argument(
        "--pre-2025",
        action="store_true",
        help="xlsx: summarise by the communes as they were before 1 July 2025",
    )
    export.set_defaults(func=_cmd_export)

    audit = command("audit", "List the history of changes (who, when, before, after).")
    audit.add_argument("--entity", help="only this kind: report, person, invite, target, units")
    audit.add_argument("--since", metavar="DATE", help="only from this local date (YYYY-MM-DD)")
    audit.set_defaults(func=_cmd_audit)

    backup = command("backup", "Copy the database consistently, even while the bot runs.")
    backup.add_argument("--out", required=True, metavar="FILE", help="where to write the copy")
    backup.set_defaults(func=_cmd_backup)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        settings = Settings()
    except ValidationError as error:
        # Without the values given: a mistyped secret must not end up on the screen or in logs.
        problems = "\n".join(
            f"  {'.'.join(str(part) for part in problem['loc']).upper()}: {problem['msg']}"
            for problem in error.errors(include_url=False, include_input=False)
        )
        print(f"Configuration error (.env or environment):\n{problems}", file=sys.stderr)
        return 2
    secret = settings.telegram_bot_token
    setup_logging([secret.get_secret_value()] if secret else [])
    try:
        code: int = args.func(args)
    except CatalogError as error:
        print(f"{error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code
