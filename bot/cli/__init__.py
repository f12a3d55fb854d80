"""`python -m bot …`: run the bot, the console, and the offline admin tasks.

One module per command group: ``chat`` (run, console, seed-demo), ``data`` (imports, export,
audit, backup), ``reminders``, ``parse``, ``inbox``; this module only defines the arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError

from bot.cli.chat import DEMO_DB, cmd_console, cmd_run, cmd_seed_demo
from bot.cli.data import (
    cmd_audit,
    cmd_backup,
    cmd_export,
    cmd_import_indicators,
    cmd_import_periods,
    cmd_import_roster,
    cmd_import_targets,
    cmd_import_tasks,
    cmd_import_units,
)
from bot.cli.households import cmd_export_households, cmd_import_households
from bot.cli.inbox import cmd_inbox
from bot.cli.invites import cmd_invites
from bot.cli.migrate import cmd_migrate_db
from bot.cli.parse import cmd_parse
from bot.cli.poverty import cmd_import_poverty_baselines, cmd_set_poverty_baseline
from bot.cli.reminders import cmd_reminders, moment
from bot.logs import setup_logging
from bot.settings import Settings
from locales.translator import CatalogError
from storage import StoreError

__all__ = ["DEMO_DB", "build_parser", "main"]


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

    def file_import(name: str, help_text: str, func: Callable[[argparse.Namespace], int]) -> None:
        """An all-or-nothing import of one .csv or .xlsx file."""
        sub = command(name, help_text)
        sub.add_argument("file", metavar="FILE.csv|FILE.xlsx")
        sub.set_defaults(func=func)

    run = command(
        "run",
        "Run the bot on every messenger configured in .env (Telegram, Zalo); without any,"
        " the demo console.",
    )
    run.add_argument("--webhook", action="store_true", help="Receive updates by webhook.")
    run.set_defaults(func=cmd_run)

    console = command("console", "Talk to the bot on this terminal as a roster person.")
    console.add_argument("--as", dest="as_phone", required=True, metavar="PHONE")
    console.set_defaults(func=cmd_console)

    command("seed-demo", "Create a demo database: units, targets, demo roster.").set_defaults(
        func=cmd_seed_demo
    )

    file_import(
        "import-units",
        "Replace the administrative units with a CSV file.",
        cmd_import_units,
    )

    file_import(
        "import-roster",
        "Add or update people from a CSV (name,phone,role,unit).",
        cmd_import_roster,
    )

    file_import(
        "import-tasks",
        "Add tasks from a CSV (village,indicator,count,due[,start]); all or none.",
        cmd_import_tasks,
    )

    file_import(
        "import-targets",
        "Set targets from a CSV (indicator,unit,value,deadline[,baseline][,period]; period:"
        " by default the one holding the deadline); a file with any bad line sets nothing.",
        cmd_import_targets,
    )

    file_import(
        "import-periods",
        "Add or change programme periods from a CSV (code,name,start,end); they may not overlap.",
        cmd_import_periods,
    )

    file_import(
        "import-indicators",
        "Add or change what cadres report on from a CSV (code,name_vi,name_en,unit_vi,unit_en,"
        "keywords,household; keywords separated by |); a keyword another indicator has is"
        " refused.",
        cmd_import_indicators,
    )

    file_import(
        "import-households",
        "Add or update the commune's households from FILE.xlsx or FILE.csv (see the README:"
        " village, head's name, birth year, ethnicity, members, category, year, decision,"
        " code; or village, year, total for year-end totals); a file with any bad line"
        " imports nothing.",
        cmd_import_households,
    )

    file_import(
        "import-poverty-baselines",
        "Set where the poverty rate's target path starts, from FILE.xlsx or FILE.csv (unit,"
        " year, rate and/or poor households and total households, optionally the fall in"
        " points a year that follows); a file with any bad line sets nothing.",
        cmd_import_poverty_baselines,
    )

    baseline = command(
        "set-poverty-baseline",
        "Set one unit's poverty rate at the end of a year, where its target path starts"
        " (e.g. 'huyện Mèo Vạc' 2021 29,99 --poor 5157 --total 17196).",
    )
    baseline.add_argument("unit", metavar="UNIT")
    baseline.add_argument("year", metavar="YEAR")
    baseline.add_argument("rate", metavar="RATE", help="in percent: 29,99 or 29.99")
    baseline.add_argument("--poor", metavar="N", help="poor households behind the rate")
    baseline.add_argument("--total", metavar="N", help="all households behind the rate")
    baseline.add_argument(
        "--fall",
        metavar="POINTS",
        help="how many points the rate should fall each following year (sets the path of the"
        " period holding the next year for this unit)",
    )
    baseline.set_defaults(func=cmd_set_poverty_baseline)

    export_households = command(
        "export-households",
        "Write the household registry of an area (default: the district) to OUT.xlsx: the"
        " households, every change of category (from, to, year, decision, import or chat) and"
        " the reported graduations awaiting a decision.",
    )
    export_households.add_argument(
        "--area", metavar="CODE", help="a unit code (n:son-vi) or name (xã Sơn Vĩ)"
    )
    export_households.add_argument("out", metavar="OUT.xlsx")
    export_households.set_defaults(func=cmd_export_households)

    reminders = command(
        "reminders",
        "Queue this week's reminders for the running bot to send, and show them (--dry-run:"
        " only show what would be sent).",
    )
    reminders.add_argument(
        "--at",
        type=moment,
        metavar="ISO_DATETIME",
        help="the moment to act at, e.g. 2026-11-30T07:30+07:00 (default: now; TIMEZONE if naive)",
    )
    reminders.add_argument(
        "--dry-run", action="store_true", help="only print what would be sent; change nothing"
    )
    reminders.set_defaults(func=cmd_reminders)

    parse = command(
        "parse",
        "Read report messages as JSON Lines on stdin (text, village, today); write what the"
        " parser understood, one JSON object per line. Units: the shipped list, or those of"
        " --db, or --units FILE.csv.",
    )
    parse.add_argument("--units", metavar="FILE.csv", help="units CSV to match villages against")
    parse.set_defaults(func=cmd_parse)

    export = command(
        "export",
        "Write every report as CSV (stdout or --out), or the district's progress and reports"
        " as an Excel workbook (--format xlsx --out FILE.xlsx).",
    )
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument(
        "--photos",
        metavar="DIR",
        help="write every report's photos into DIR instead, named by report number",
    )
    export.add_argument("--out", metavar="FILE")
    export.add_argument(
        "--pre-2025",
        action="store_true",
        help="xlsx: summarise by the communes as they were before 1 July 2025",
    )
    export.add_argument(
        "--period",
        metavar="CODE",
        help="xlsx: the programme period (default: the current one); an ended one adds the"
        " closing report by year",
    )
    export.set_defaults(func=cmd_export)

    audit = command("audit", "List the history of changes (who, when, before, after).")
    audit.add_argument("--entity", help="only this kind: report, person, invite, target, units")
    audit.add_argument("--since", metavar="DATE", help="only from this local date (YYYY-MM-DD)")
    audit.set_defaults(func=cmd_audit)

    inbox = command(
        "inbox",
        "List the updates that could not be read or answered (kind, time, reason); their"
        " content (names, texts) only with --show.",
    )
    inbox.add_argument("--failed", action="store_true", help="list the failed updates")
    inbox.add_argument("--show", action="store_true", help="also print each update as received")
    inbox.set_defaults(func=cmd_inbox)

    invites = command(
        "invites",
        "Write a fresh invite code (valid 7 days) for every roster person not registered on"
        " any channel yet: name, phone, unit, code, as an Excel workbook to hand out.",
    )
    invites.add_argument("--unit", help="only people of this unit (code or name)")
    invites.add_argument("--out", required=True, metavar="FILE.xlsx")
    invites.set_defaults(func=cmd_invites)

    backup = command("backup", "Copy the database consistently, even while the bot runs.")
    backup.add_argument("--out", required=True, metavar="FILE", help="where to write the copy")
    backup.set_defaults(func=cmd_backup)

    migrate = command(
        "migrate-db",
        "Copy the SQLite database (every table, history and inbox included) into an empty"
        " PostgreSQL database, in one transaction, checking row counts and totals.",
    )
    migrate.add_argument("--to", required=True, metavar="POSTGRESQL_URL")
    migrate.set_defaults(func=cmd_migrate_db)
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
    setup_logging(settings.secrets())
    try:
        code: int = args.func(args)
    except (CatalogError, StoreError) as error:
        print(f"{error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code
