"""`python -m bot invites`: codes for everyone not registered yet, to hand out at a meeting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.app import open_app_store
from bot.cli import main
from bot.demo import seed_demo
from core.phones import normalize_phone


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "DATABASE_URL", "DEFAULT_LOCALE"):
        monkeypatch.delenv(key, raising=False)


async def _demo_db(tmp_path: Path, *, linked: str | None = None) -> Path:
    db = tmp_path / "bot.sqlite3"
    store = await open_app_store(db)
    await seed_demo(store, now=datetime.now(UTC))
    if linked is not None:
        person = await store.people.by_phone(normalize_phone(linked))
        assert person is not None
        await store.people.link(person.id, "telegram", "7001", datetime.now(UTC))
    await store.close()
    return db


def demo_db(tmp_path: Path, *, linked: str | None = None) -> Path:
    return asyncio.run(_demo_db(tmp_path, linked=linked))


async def _take(db: Path, code: str, at: datetime) -> str | None:
    store = await open_app_store(db)
    try:
        invite = await store.people.take_invite(code, at)
        return invite.phone if invite else None
    finally:
        await store.close()


def rows(path: Path) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_everyone_not_registered_gets_a_code_that_registers_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = demo_db(tmp_path, linked="0912000001")  # the admin is on Telegram already
    out = tmp_path / "codes.xlsx"
    assert main(["invites", "--db", str(db), "--out", str(out)]) == 0
    assert "3 invite codes" in capsys.readouterr().out
    header, *people = rows(out)
    assert header == ("Họ tên", "Số điện thoại", "Đơn vị", "Mã mời", "Hạn dùng")
    assert sorted(str(p[1]) for p in people) == ["0912 000 002", "0912 000 003", "0912 000 004"]
    # Each code registers its person for 7 days (not one more).
    later = datetime.now(UTC) + timedelta(days=6, hours=23)
    too_late = datetime.now(UTC) + timedelta(days=7, hours=1)
    assert asyncio.run(_take(db, str(people[1][3]), too_late)) is None
    for person in people:
        assert asyncio.run(_take(db, str(person[3]), later)) == normalize_phone(str(person[1]))
    assert asyncio.run(_take(db, str(people[0][3]), later)) is None  # used up


def test_only_the_people_of_one_unit(tmp_path: Path) -> None:
    db = demo_db(tmp_path)
    out = tmp_path / "codes.xlsx"
    assert main(["invites", "--db", str(db), "--unit", "thôn Sà Lủng", "--out", str(out)]) == 0
    _header, *people = rows(out)
    assert [(p[0], p[2]) for p in people] == [("Cán bộ thôn Sà Lủng", "Sà Lủng")]


def test_an_unknown_unit_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = demo_db(tmp_path)
    out = tmp_path / "codes.xlsx"
    assert main(["invites", "--db", str(db), "--unit", "Atlantis", "--out", str(out)]) == 2
    assert "Atlantis" in capsys.readouterr().err
    assert not out.exists()
