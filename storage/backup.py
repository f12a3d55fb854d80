"""Online backup of the SQLite database with SQLite's backup API, safe while the bot writes."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BackupError", "BackupSummary", "backup_database"]


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupSummary:
    schema_version: int
    reports: int
    people: int
    events: int


def backup_database(source: Path, out: Path) -> BackupSummary:
    """Copy ``source`` to ``out`` as one consistent snapshot and check the copy.

    The copy is written beside ``out`` and renamed into place only once it passed
    SQLite's integrity check, so ``out`` is never a half-written file.
    """
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    if out.exists() and out.resolve() == source.resolve():
        raise BackupError("the backup must not overwrite the database itself")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    try:
        src.execute("PRAGMA busy_timeout=10000")
        dst = sqlite3.connect(partial)
        try:
            # All pages in one step: one read transaction, hence one consistent snapshot;
            # in WAL mode the bot keeps writing meanwhile.
            src.backup(dst, pages=-1)
            # A single self-contained file: no -wal beside it to forget when copying.
            dst.execute("PRAGMA journal_mode=DELETE")
            (check,) = dst.execute("PRAGMA integrity_check").fetchone()
            if check != "ok":
                raise BackupError(f"the copy failed its integrity check: {check}")
            summary = BackupSummary(
                schema_version=dst.execute("PRAGMA user_version").fetchone()[0],
                reports=_count(dst, "reports"),
                people=_count(dst, "people"),
                events=_count(dst, "events"),
            )
        finally:
            dst.close()
    finally:
        src.close()
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, out)
    return summary


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
