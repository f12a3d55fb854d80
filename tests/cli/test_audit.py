"""Every change leaves an append-only event (who, when, before, after); redelivered messages
change nothing twice; `python -m bot audit` lists the history."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from core.models import AuditEvent, Role
from core.parsing import ReportItem
from handlers import Engine
from storage import SqliteStore
from tests.conftest import Chat, as_person
from tests.fakes import FakeClock


def _kinds(events: list[AuditEvent]) -> list[tuple[str, str]]:
    return [(e.entity, e.action) for e in events]


async def test_every_write_path_records_who_when_before_and_after(
    store: SqliteStore, clock: FakeClock
) -> None:
    start = len(await store.audit.events())
    admin = await store.people.by_phone("84912000001")
    assert admin is not None
    at = clock()
    await store.people.upsert_roster(
        [("Vàng Thị Mỷ", "84912000009", Role.CADRE, "v:xa-phin")], actor_id=admin.id, at=at
    )
    await store.people.upsert_roster(
        [("Vàng Thị Mỷ", "84912000009", Role.CADRE, "v:sa-lung")], actor_id=admin.id, at=at
    )
    new = await store.people.by_phone("84912000009")
    assert new is not None
    await store.people.link(new.id, "telegram", "42", at)
    await store.people.set_language(new.id, "en", at=at)
    from core.models import Invite, Target

    invite = Invite("ABCDEF", "84912000009", admin.id, at.replace(year=2027))
    await store.people.add_invite(invite, at)
    await store.people.take_invite("ABCDEF", at)
    item = ReportItem("housing", 2, "v:sa-lung", None, at.date())
    (report,) = (
        await store.reports.add([item], reporter_id=new.id, received_at=at, source="s")
    ).reports
    target = Target("training", "n:son-vi", 300, at.date().replace(year=2027))
    await store.targets.set(target, actor_id=admin.id, at=at)
    await store.units.replace(await store.units.load(), actor_id=admin.id, at=at)

    events = (await store.audit.events())[start:]
    assert _kinds(events) == [
        ("person", "created"),
        ("person", "updated"),
        ("person", "linked"),
        ("person", "language"),
        ("invite", "created"),
        ("invite", "used"),
        ("report", "created"),
        ("target", "set"),
        ("units", "replaced"),
    ]
    assert all(e.at == at for e in events)
    updated = events[1]
    assert updated.actor_id == admin.id
    assert json.loads(updated.before or "")["scope"] == "v:xa-phin"
    assert json.loads(updated.after or "")["scope"] == "v:sa-lung"
    assert json.loads(events[3].after or "") == {"language": "en"}
    assert "ABCDEF" not in (events[4].after or "")  # an unused code is a credential
    assert events[6].entity_id == str(report.id)
    assert events[6].actor_id == new.id


async def test_doing_the_same_again_records_nothing(store: SqliteStore, clock: FakeClock) -> None:
    from core.models import Target

    person = await store.people.by_phone("84912000003")
    assert person is not None
    target = Target("training", "n:son-vi", 300, clock().date())
    await store.targets.set(target, actor_id=None, at=clock())
    await store.people.set_language(person.id, "en")
    await store.people.link(person.id, "telegram", "1", clock())
    before = await store.audit.events()
    await store.targets.set(target, actor_id=None, at=clock())
    await store.people.set_language(person.id, "en")
    await store.people.link(person.id, "telegram", "1", clock())
    assert await store.audit.events() == before


async def test_the_history_cannot_be_changed_or_deleted(store: SqliteStore) -> None:
    assert await store.audit.events()
    for sql in ("UPDATE events SET actor_id = 99", "DELETE FROM events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            async with store.db.transaction() as conn:
                await conn.execute(sql)


# --- a redelivered message (after a crash) stores nothing twice ---


async def test_redelivered_commands_change_nothing_twice(
    engine: Engine, admin: Chat, clock: FakeClock
) -> None:
    store = engine.store
    events = len(await store.audit.events())  # type: ignore[attr-defined]

    first = await admin.send("/moi 0912000004", message_id="m1")
    again = await admin.send("/moi 0912000004", message_id="m1")
    assert first == again  # the same code, not a second one
    other = await admin.send("/moi 0912000004", message_id="m2")
    assert other != first  # a new message is a new invite
    code = re.search(r"/dangky ([A-Z0-9]{6})", first[0].text)
    assert code is not None

    newcomer = Chat(engine, "tg-77")
    welcome = await newcomer.send(f"/dangky {code[1]}", message_id="r1")
    assert welcome == await newcomer.send(f"/dangky {code[1]}", message_id="r1")

    target = await admin.send("/chitieu đào tạo 300 xã Sơn Vĩ 31/12/2026", message_id="t1")
    assert target == await admin.send("/chitieu đào tạo 300 xã Sơn Vĩ 31/12/2026", message_id="t1")
    language = await admin.send("/ngonngu en", message_id="l1")
    assert language == await admin.send("/ngonngu en", message_id="l1")
    contact = {"contact_phone": "0912000003", "contact_is_own": True}
    cadre = Chat(engine, "tg-88")
    assert await cadre.send(**contact, message_id="c1") == await cadre.send(
        **contact, message_id="c1"
    )
    report = await cadre.send("xong 2 nhà", message_id="x1")
    assert report == await cadre.send("xong 2 nhà", message_id="x1")

    history = _kinds((await store.audit.events())[events:])  # type: ignore[attr-defined]
    assert history == [
        ("invite", "created"),
        ("invite", "created"),
        ("invite", "used"),
        ("person", "linked"),
        ("target", "set"),
        ("person", "language"),
        ("person", "linked"),
        ("report", "created"),
    ]


# --- python -m bot audit ---


async def _history(db: str, clock: FakeClock) -> None:
    from bot.app import build_engine, open_app_store
    from bot.demo import seed_demo
    from bot.settings import Settings

    store = await open_app_store(db, now=clock())
    await seed_demo(store, now=clock())
    engine = await build_engine(store, Settings(_env_file=None), clock=clock)  # type: ignore[call-arg]
    cadre = await as_person(engine, "0912000003")
    await cadre.say("xong nhà hộ Giàng Seo Chứ")
    await store.close()


@pytest.fixture
def db_with_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    import asyncio

    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "TIMEZONE"):
        monkeypatch.delenv(key, raising=False)
    db = str(tmp_path / "a.sqlite3")
    asyncio.run(_history(db, FakeClock()))
    return db


def test_audit_lists_the_history_readably(
    db_with_history: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "--db", db_with_history]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split("  ")[1] == "units *" for line in lines)
    (report,) = [line for line in lines if " report " in f" {line}"]
    # 03:00 UTC is 10:00 in Hà Giang; the actor by name; what was recorded.
    assert report.startswith("2026-11-26 10:00:00  report 1  created  by Cán bộ thôn Sà Lủng (#3)")
    assert '"household": "Giàng Seo Chứ"' in report

    assert main(["audit", "--db", db_with_history, "--entity", "report"]) == 0
    assert capsys.readouterr().out.splitlines() == [report]
    assert main(["audit", "--db", db_with_history, "--since", "2026-11-26"]) == 0
    assert capsys.readouterr().out.splitlines() == lines
    assert main(["audit", "--db", db_with_history, "--since", "2026-11-27"]) == 0
    assert capsys.readouterr().out == ""


def test_audit_refuses_a_bad_date_and_a_missing_database(
    db_with_history: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["audit", "--db", db_with_history, "--since", "26/11/2026"]) == 2
    assert "2026-11-26" in capsys.readouterr().err
    assert main(["audit", "--db", str(tmp_path / "none.sqlite3")]) == 2
    assert not (tmp_path / "none.sqlite3").exists()
