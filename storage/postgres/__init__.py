"""The PostgreSQL backend: the same stores and migrations as SQLite, on an asyncpg pool."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import asyncpg

from storage import SqlStore
from storage.postgres.database import PostgresDatabase, migrate, schema_version
from storage.sql import DatabaseUnavailable

__all__ = [
    "PostgresDatabase",
    "connect_error",
    "describe_url",
    "open_postgres",
    "stored_schema_version",
]

CONNECT_TIMEOUT = 10.0  # seconds


def describe_url(url: str) -> str:
    """Where a URL points, for messages: user, host, port and database, never the password."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = parts.port or 5432
    except ValueError:
        return "the DATABASE_URL given"
    user = f"{parts.username}@" if parts.username else ""
    return f"{user}{host}:{port}/{parts.path.lstrip('/') or '(default database)'}"


def _reason(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "the connection was refused (is the server running and listening there?)"
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return f"no answer within {CONNECT_TIMEOUT:.0f} s"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    if isinstance(error, asyncpg.PostgresError):
        return str(error).splitlines()[0] if str(error) else type(error).__name__
    if isinstance(error, ValueError):
        return "the URL is not a valid postgresql:// URL"
    return type(error).__name__


def connect_error(url: str, error: BaseException) -> DatabaseUnavailable:
    """The one sentence for a connection that failed (its cause is not chained: asyncpg's
    messages may quote the URL)."""
    return DatabaseUnavailable(
        f"Cannot connect to PostgreSQL at {describe_url(url)}: {_reason(error)}."
    )


async def open_postgres(url: str, *, pool_size: int = 10, schema: str | None = None) -> SqlStore:
    """Connect (a pool of up to ``pool_size`` connections), migrate, and return the store.

    ``schema`` puts every table in that schema (it must exist), e.g. one per test run.
    Raises DatabaseUnavailable with one sentence when the server cannot be used.
    """
    settings = {"search_path": schema} if schema else None
    try:
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=pool_size,
            timeout=CONNECT_TIMEOUT,
            server_settings=settings,
        )
    except Exception as error:
        raise connect_error(url, error) from None
    try:
        await migrate(pool)
    except BaseException:
        await pool.close()
        raise
    return SqlStore(PostgresDatabase(pool))


async def stored_schema_version(url: str) -> int:
    """The schema version of the database at ``url`` (0: no bot tables), changing nothing."""
    try:
        connection = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)
    except Exception as error:
        raise connect_error(url, error) from None
    try:
        return await schema_version(connection)
    finally:
        await connection.close()
