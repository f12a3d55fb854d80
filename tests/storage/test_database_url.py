"""DATABASE_URL chooses the database: a SQLite file (the default) or a PostgreSQL server, and
a database that cannot be used gets one clear sentence, never a traceback."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from tests.postgres import postgres_url, schema_database_url


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return tmp_path


def one_sentence(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_a_refused_connection_is_one_sentence_without_the_password(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 1 on this machine: nothing listens, the connection is refused at once.
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:s3cret@127.0.0.1:1/meovac")
    assert main(["audit"]) == 2
    said = one_sentence(capsys.readouterr().err)
    assert "Cannot connect to PostgreSQL at bot@127.0.0.1:1/meovac" in said
    assert "refused" in said
    assert "s3cret" not in said


def test_an_unknown_kind_of_url_is_a_configuration_error_that_does_not_echo_it(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root:s3cret@db/meovac")
    assert main(["audit"]) == 2
    err = capsys.readouterr().err
    assert "DATABASE_URL must start with sqlite:/// (a file) or postgresql:// (a server)" in err
    assert "s3cret" not in err


def test_a_sqlite_database_of_a_newer_schema_is_refused_untouched(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = here / "new.sqlite3"
    assert main(["seed-demo", "--db", str(db)]) == 0
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    conn.close()
    capsys.readouterr()
    assert main(["audit", "--db", str(db)]) == 2
    said = one_sentence(capsys.readouterr().err)
    assert "schema version 999, newer than this bot's" in said


def test_a_missing_postgresql_database_is_named(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres_url().rsplit("/", 1)[0] + "/no_such_database_here"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["audit"]) == 2
    said = one_sentence(capsys.readouterr().err)
    assert 'database "no_such_database_here" does not exist' in said


def test_the_commands_work_on_postgresql_and_keep_the_data_there(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with schema_database_url() as url:
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["seed-demo"]) == 0
        assert "Demo database ready: PostgreSQL" in capsys.readouterr().out
        assert main(["audit", "--entity", "person"]) == 0
        history = capsys.readouterr().out
        assert history.count("created") == 4  # the demo roster, read back from the server
        assert not list(here.glob("**/*.sqlite3"))  # nothing went to a SQLite file


async def test_a_postgresql_database_of_a_newer_schema_is_refused() -> None:
    from storage import SchemaTooNew
    from storage.postgres import open_postgres
    from tests.postgres import fresh_schema

    async with fresh_schema() as schema:
        store = await open_postgres(postgres_url(), schema=schema)
        async with store.db.transaction() as conn:
            await conn.execute("UPDATE schema_version SET version = 999")
        await store.close()
        with pytest.raises(SchemaTooNew, match="schema version 999"):
            await open_postgres(postgres_url(), schema=schema)


def test_a_postgresql_backup_is_a_pg_dump_of_the_data(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = here / "backups" / "meovac.dump"
    with schema_database_url() as url:
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["seed-demo"]) == 0
        assert main(["backup", "--out", str(out)]) == 0
    assert "pg_restore" in capsys.readouterr().out
    listing = subprocess.run(
        ["pg_restore", "--list", str(out)], capture_output=True, text=True, check=True
    ).stdout
    for table in ("reports", "people", "events", "inbox", "outbox"):
        assert f"TABLE DATA {url.rsplit('=', 1)[1]} {table} " in listing


def test_without_pg_dump_the_backup_says_how(
    here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:s3cret@db.internal:5432/meovac")
    monkeypatch.setenv("PATH", str(here))  # no pg_dump on it
    assert main(["backup", "--out", str(here / "x.dump")]) == 2
    said = one_sentence(capsys.readouterr().err)
    assert "pg_dump was not found" in said
    assert "pg_dump --format=custom --file=BACKUP.dump" in said
    assert "bot@db.internal:5432/meovac" in said
    assert "s3cret" not in said
    assert not (here / "x.dump").exists()
