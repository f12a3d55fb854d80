"""Tasks: /giao as leaders type it, /nhiemvu as cadres see it, and tasks imported from CSV."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from core.indicators import DEFAULT_INDICATORS
from core.models import Role
from core.tasks import (
    Assignment,
    AssignmentError,
    Task,
    TaskProgress,
    iso_period,
    parse_assignment,
)
from core.units import UnitDirectory, parse_units_csv
from handlers import Engine
from tests.conftest import CADRE_XA_PHIN, Chat, as_person
from tests.fakes import FakeClock

TODAY = date(2026, 11, 26)  # the FakeClock's day in Vietnam


# --- due dates and periods (pure) ---


def test_the_period_is_the_iso_week() -> None:
    assert iso_period(date(2026, 11, 30)) == "2026-W49"
    assert iso_period(date(2026, 12, 6)) == "2026-W49"
    assert iso_period(date(2027, 1, 1)) == "2026-W53"


def test_progress_arithmetic() -> None:
    task = Task(1, "v:x", "housing", 5, date(2026, 11, 1), date(2026, 11, 30), None)
    assert TaskProgress(task, 2).days_left(date(2026, 11, 26)) == 4
    assert TaskProgress(task, 2).overdue(date(2026, 12, 1))
    assert not TaskProgress(task, 2).overdue(date(2026, 11, 30))  # due today is not late
    assert not TaskProgress(task, 5).overdue(date(2026, 12, 1))  # done is never late


# --- reading /giao (pure) ---


def assignment(text: str, units: UnitDirectory) -> Assignment | AssignmentError:
    return parse_assignment(text, today=TODAY, units=units, indicators=DEFAULT_INDICATORS)


@pytest.mark.parametrize(
    "text",
    [
        "Sà Lủng nhà 5 31/12",
        "sa lung nha 5 31/12",
        "thôn Sà Lủng nhà ở 5 hạn 31/12",
        "Sà Lủng 5 nhà 31/12/2026",
        "SÀ LỦNG housing 5 2026-12-31",
    ],
)
def test_an_assignment_with_or_without_diacritics(text: str, units: UnitDirectory) -> None:
    assert assignment(text, units) == Assignment("v:sa-lung", "housing", 5, date(2026, 12, 31))


def test_a_multi_word_indicator(units: UnitDirectory) -> None:
    assert assignment("Xà Phìn đào tạo nghề 20 30/6/2027", units) == Assignment(
        "v:xa-phin", "training", 20, date(2027, 6, 30)
    )
    assert assignment("xa phin thoat ngheo 3 31/12", units) == Assignment(
        "v:xa-phin", "graduated", 3, date(2026, 12, 31)
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "usage"),
        ("Sà Lủng nhà 5", "usage"),
        ("Sà Lủng " + "rất " * 20 + "nhà 5 31/12", "usage"),
        ("Sà Lủng nhà năm 31/12", "usage"),
        ("Sà Lủng cây 5 31/12", "unknown_indicator"),
        ("Không Có nhà 5 31/12", "unknown_village"),
        ("Sơn Vĩ nhà 5 31/12", "not_a_village"),
        ("Sà Lủng nhà 0 31/12", "invalid_count"),
        ("Sà Lủng nhà 100000 31/12", "invalid_count"),
        ("Sà Lủng nhà 5 31/2", "invalid_date"),
        ("Sà Lủng nhà 5 1/1/2020", "past_date"),
    ],
)
def test_assignment_errors(text: str, code: str, units: UnitDirectory) -> None:
    result = assignment(text, units)
    assert isinstance(result, AssignmentError)
    assert result.code == code


def test_an_ambiguous_village_names_the_candidates() -> None:
    units = parse_units_csv(
        "level,name,parent,current_commune,aliases,note\n"
        "district,Huyện,Tỉnh,,,\ncommune,Xã A,Huyện,Xã Mới,,\ncommune,Xã B,Huyện,Xã Mới,,\n"
        "village,Ba,Xã A,Xã Mới,,\nvillage,Hai,Xã B,Xã Mới,Ba,\n"
    )
    result = assignment("Ba nhà 5 31/12", units)
    assert isinstance(result, AssignmentError)
    assert result.code == "ambiguous_village"
    assert len(result.candidates) == 2


# --- /giao and /nhiemvu in conversation ---


async def test_a_leader_assigns_and_the_cadre_sees_it(leader: Chat, cadre: Chat) -> None:
    reply = await leader.say("/giao Xà Phìn đào tạo nghề 20 31/12")
    assert "Đã giao cho thôn Xà Phìn: đào tạo nghề 20 người, hạn 31/12/2026 (còn 35 ngày)" in reply
    assert "/nhiemvu" in reply
    engine = cadre.engine
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    tasks = await xa_phin.say("/nhiemvu")
    assert tasks == (
        "Nhiệm vụ của thôn Xà Phìn (thứ Năm, 26/11/2026):\n"
        "• Đào tạo nghề: 0/20 người — hạn 31/12/2026, còn 35 ngày"
    )


async def test_reports_count_from_the_tasks_start(
    cadre: Chat, engine: Engine, clock: FakeClock
) -> None:
    # The demo task of Sà Lủng (5 houses by 31/12/2026) starts on the day of seeding.
    await cadre.say("ngày 20/11 xong 1 nhà")  # before the start: not for this task
    assert "Nhà ở hoàn thành: 0/5 nhà — hạn 31/12/2026, còn 35 ngày" in await cadre.say("/nhiemvu")
    await cadre.say("xong 2 nhà")
    clock.advance(days=4)
    assert "Nhà ở hoàn thành: 2/5 nhà — hạn 31/12/2026, còn 31 ngày" in await cadre.say("/nhiemvu")
    await cadre.say("xong 3 nhà")
    assert "5/5 nhà — hạn 31/12/2026, ✓ đã hoàn thành" in await cadre.say("/nhiemvu")


async def test_an_overdue_task_is_flagged(leader: Chat, cadre: Chat, clock: FakeClock) -> None:
    await leader.say("/giao Sà Lủng thoát nghèo 3 30/11")
    clock.advance(days=6)
    text = await cadre.say("/nhiemvu")
    assert "Hộ thoát nghèo: 0/3 hộ — hạn 30/11/2026, ⚠️ quá hạn 2 ngày" in text
    assert text.index("Hộ thoát nghèo") < text.index("Nhà ở")  # earliest due first


async def test_assigning_the_same_task_again_changes_it(
    admin: Chat, cadre: Chat, engine: Engine
) -> None:
    reply = await admin.say("/giao sa lung nha 8 31/12/2026")
    assert "Đã đổi nhiệm vụ của thôn Sà Lủng: nhà ở hoàn thành 8 nhà" in reply
    assert len(await engine.store.tasks.open()) == 1
    assert "0/8 nhà" in await cadre.say("/nhiemvu")


async def test_bad_assignments_are_explained_and_change_nothing(
    leader: Chat, engine: Engine
) -> None:
    before = await engine.store.tasks.open()
    assert "Cách giao nhiệm vụ" in await leader.say("/giao")
    assert "Không tìm thấy thôn «Không Có»" in await leader.say("/giao Không Có nhà 5 31/12")
    assert "không phải là thôn" in await leader.say("/giao Sơn Vĩ nhà 5 31/12")
    assert "Chưa hiểu chỉ tiêu" in await leader.say("/giao Sà Lủng cây 5 31/12")
    assert "đã qua" in await leader.say("/giao Sà Lủng nhà 5 1/1/2026")
    assert "không phải ngày có thật" in await leader.say("/giao Sà Lủng nhà 5 31/2")
    assert "từ 1 đến 99.999" in await leader.say("/giao Sà Lủng nhà 0 31/12")
    assert await engine.store.tasks.open() == before


async def test_only_leaders_assign_and_only_in_their_area(
    cadre: Chat, engine: Engine, clock: FakeClock
) -> None:
    assert "không có quyền" in await cadre.say("/giao Sà Lủng nhà 5 31/12")
    await engine.store.people.upsert_roster(
        [("Lãnh đạo xã Sơn Vĩ", "84912000005", Role.LEADER, "n:son-vi")], actor_id=None, at=clock()
    )
    commune_leader = await as_person(engine, "0912000005")
    reply = await commune_leader.say("/giao Sà Lủng nhà 9 31/12")
    assert "thôn Sà Lủng không thuộc địa bàn của bạn" in reply
    assert "Đã giao" in await commune_leader.say("/giao Xà Phìn nhà 2 31/12")
    assert [t.target for t in await engine.store.tasks.open()] == [5, 2]


async def test_assignments_are_audited(leader: Chat, engine: Engine, tmp_path: Path) -> None:
    await leader.say("/giao Xà Phìn nhà 2 31/12")
    await leader.say("/giao Xà Phìn nhà 4 31/12")
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        rows = db.execute(
            "SELECT action, actor_id, before, after FROM events WHERE entity = 'task' ORDER BY id"
        ).fetchall()
    leader_id = (await engine.store.people.by_phone("84912000002")).id  # type: ignore[union-attr]
    assert [(a, actor) for a, actor, _, _ in rows[-2:]] == [
        ("created", leader_id),
        ("updated", leader_id),
    ]
    assert json.loads(rows[-1][2])["target"] == 2
    assert json.loads(rows[-1][3])["target"] == 4


async def test_a_leader_sees_the_tasks_of_the_area_by_village(leader: Chat) -> None:
    await leader.say("/giao Xà Phìn nhà 2 15/12")
    text = await leader.say("/nhiemvu")
    assert "Nhiệm vụ của huyện Mèo Vạc" in text
    assert "• thôn Xà Phìn — Nhà ở hoàn thành: 0/2 nhà — hạn 15/12/2026" in text
    assert "• thôn Sà Lủng — Nhà ở hoàn thành: 0/5 nhà — hạn 31/12/2026" in text


async def test_no_tasks(engine: Engine) -> None:
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    assert await xa_phin.say("/nhiemvu") == "Chưa có nhiệm vụ nào đang mở cho thôn Xà Phìn."


async def test_english_task_list(cadre: Chat) -> None:
    await cadre.say("/ngonngu en")
    assert await cadre.say("/nhiemvu") == (
        "Tasks of Sà Lủng village (Thursday, 26/11/2026):\n"
        "• Houses completed: 0/5 houses — due 31/12/2026, 35 days left"
    )


# --- python -m bot import-tasks ---


@pytest.fixture
def demo_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "DEFAULT_LOCALE", "TIMEZONE"):
        monkeypatch.delenv(key, raising=False)
    db = str(tmp_path / "t.sqlite3")
    assert main(["seed-demo", "--db", db]) == 0
    return db


def open_tasks(db: str) -> list[tuple[str, str, int, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT village, indicator, target, start_on, due_on FROM tasks"
            " WHERE status = 'open' ORDER BY id"
        ).fetchall()


def test_import_tasks_from_csv(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "tasks.csv"
    good.write_text(
        "village,indicator,count,due,start\n"
        "Xà Phìn,đào tạo nghề,20,30/6/2099,1/11/2026\n"
        "thôn Sà Lủng,thoat ngheo,3,2099-12-31,\n",
        encoding="utf-8",
    )
    assert main(["import-tasks", str(good), "--db", demo_db]) == 0
    assert "Tasks: 2 imported" in capsys.readouterr().out
    tasks = open_tasks(demo_db)
    assert tasks[1] == ("v:xa-phin", "training", 20, "2026-11-01", "2099-06-30")
    assert tasks[2][:3] == ("v:sa-lung", "graduated", 3)
    # Importing the same file again changes nothing.
    assert main(["import-tasks", str(good), "--db", demo_db]) == 0
    assert open_tasks(demo_db) == tasks


def test_a_bad_task_file_imports_nothing_and_names_every_bad_line(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = open_tasks(demo_db)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "village,indicator,count,due\n"
        "Xà Phìn,nhà,2,31/12/2099\n"
        "Không Có,nhà,2,31/12/2099\n"
        "Xà Phìn,cây,2,31/12/2099\n"
        "Xà Phìn,nhà,-1,31/12/2099\n"
        "Xà Phìn,nhà,2,31/12/2020\n"
        "Xà Phìn,nhà,3,31/12/2099\n",
        encoding="utf-8",
    )
    assert main(["import-tasks", str(bad), "--db", demo_db]) == 2
    err = capsys.readouterr().err
    assert "nothing was imported" in err
    for line, why in [
        (3, "village 'Không Có'"),
        (4, "indicator 'cây'"),
        (5, "count '-1'"),
        (6, "due date '31/12/2020' has passed"),
        (7, "the same task as line 2"),
    ]:
        assert f"line {line}: {why}" in err
    assert "line 2:" not in err
    assert open_tasks(demo_db) == before
    missing = tmp_path / "missing.csv"
    missing.write_text("village,count\nXà Phìn,2\n", encoding="utf-8")
    assert main(["import-tasks", str(missing), "--db", demo_db]) == 2
    assert "missing columns: indicator, due" in capsys.readouterr().err
