"""Backing up a PostgreSQL database: pg_dump, PostgreSQL's own consistent online dump."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from storage.backup import BackupError

__all__ = ["backup_postgres", "dump_command"]


def dump_command(url: str, out: Path) -> tuple[list[str], dict[str, str]]:
    """pg_dump's arguments and environment: the password goes by PGPASSWORD, not on the
    command line (where other users of the machine could read it)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    schema = query.pop("search_path", None)  # asyncpg's option; libpq's is --schema here
    netloc = parts.netloc
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = parts.password
        user = f"{parts.username}@" if parts.username else ""
        netloc = user + netloc.rsplit("@", 1)[1]
    clean = urlunsplit(("postgresql", netloc, parts.path, urlencode(query), ""))
    args = ["pg_dump", "--format=custom", "--no-owner", f"--file={out}", f"--dbname={clean}"]
    if schema:
        args.append(f"--schema={schema}")
    return args, env


def how_to(url_shown: str) -> str:
    return (
        "pg_dump was not found. Install the PostgreSQL client of the server's version (Debian:"
        " apt-get install postgresql-client), then back up with: pg_dump --format=custom"
        f" --file=BACKUP.dump --dbname='postgresql://{url_shown}' (restore into an empty"
        " database with pg_restore --no-owner --dbname=… BACKUP.dump)."
    )


def backup_postgres(url: str, out: Path, *, url_shown: str) -> None:
    """Dump the database to ``out`` (custom format, for pg_restore); the file appears only
    once the dump is complete."""
    if shutil.which("pg_dump") is None:
        raise BackupError(how_to(url_shown))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    args, env = dump_command(url, partial)
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise BackupError(f"pg_dump failed: {reason}")
    os.replace(partial, out)
