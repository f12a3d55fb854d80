"""/xuat hongheo and `python -m bot export-households`: the registry with its category
history, as a workbook a commune officer can file; only for leaders of the area."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

import bot
from bot.cli import main
from core.households import Category, HouseholdRecord
from core.models import Role
from handlers import Engine, Reply
from storage import SqliteStore
from tests.conftest import Chat, as_person

AT = datetime(2026, 11, 1, tzinfo=UTC)
SON_VI_LEADER = "0912000010"
SAMPLE = Path(bot.__file__).parent / "data" / "households_sample.csv"


@pytest.fixture
async def registry(store: SqliteStore) -> None:
    lines = [
        (
            2,
            HouseholdRecord(
                "v:sa-lung",
                "Giàng Seo Chứ",
                Category.POOR,
                2025,
                1978,
                "Mông",
                6,
                "123/QĐ-UBND",
                "SL-001",
                date(2025, 12, 14),
            ),
        ),
        (3, HouseholdRecord("v:xa-phin", "Vàng Mí Kỷ", Category.NEAR_POOR, 2025)),
    ]
    await store.households.import_records(lines, [], actor_id=None, at=AT)


@pytest.fixture
async def son_vi(engine: Engine, store: SqliteStore) -> Chat:
    await store.people.upsert_roster(
        [("Chủ tịch xã Sơn Vĩ", "84" + SON_VI_LEADER[1:], Role.LEADER, "n:son-vi")],
        actor_id=None,
        at=engine.clock(),
    )
    return await as_person(engine, SON_VI_LEADER)


def sheets(reply: Reply) -> dict[str, list[tuple[object, ...]]]:
    assert reply.attachment is not None
    assert reply.attachment.filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(reply.attachment.content))
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


async def test_a_leader_gets_households_history_and_awaiting_graduations(
    registry: None, cadre: Chat, leader: Chat
) -> None:
    await cadre.say("hộ Giàng Seo Chứ thoát nghèo")
    await cadre.say("hộ Sùng A Páo thoát nghèo")
    await leader.say("/quyetdinh SL-001 cận nghèo 7/QĐ-UBND 20/11/2026")
    (reply,) = await leader.send("/xuất hộ nghèo")
    assert reply.text.startswith("Danh sách hộ huyện Mèo Vạc")
    assert "2 hộ, lịch sử phân loại và 1 báo cáo thoát nghèo chờ quyết định" in reply.text
    book = sheets(reply)
    assert list(book) == ["Danh sách hộ", "Lịch sử phân loại", "Chờ quyết định"]
    households = book["Danh sách hộ"]
    assert households[0][:4] == ("Mã hộ", "Xã", "Thôn", "Chủ hộ")
    assert households[1][:9] == (
        "SL-001",
        "Mèo Vạc",
        "Sà Lủng",
        "Giàng Seo Chứ",
        1978,
        "Mông",
        6,
        "hộ cận nghèo",
        2026,
    )
    history = book["Lịch sử phân loại"]
    assert history[0][5:12] == (
        "Từ",
        "Sang",
        "Biến động",
        "Năm",
        "Số quyết định",
        "Ngày quyết định",
        "Nguồn",
    )
    first, decided = history[1], history[2]
    assert first[5:12] == (
        None,
        "hộ nghèo",
        "có trong danh sách",
        2025,
        "123/QĐ-UBND",
        datetime(2025, 12, 14),
        "nhập danh sách",
    )
    assert decided[5:13] == (
        "hộ nghèo",
        "hộ cận nghèo",
        "thoát nghèo",
        2026,
        "7/QĐ-UBND",
        datetime(2026, 11, 20),
        "ghi qua tin nhắn",
        "Lãnh đạo huyện",
    )
    awaiting = book["Chờ quyết định"]
    assert [row[3] for row in awaiting[1:]] == ["Sùng A Páo"]
    assert awaiting[1][-1] == "chưa có trong danh sách hộ"


async def test_a_commune_leader_gets_only_the_communes_households(
    registry: None, son_vi: Chat
) -> None:
    (reply,) = await son_vi.send("/xuat hongheo")
    names = [row[3] for row in sheets(reply)["Danh sách hộ"][1:]]
    assert names == ["Vàng Mí Kỷ"]
    (refused,) = await son_vi.send("/xuat hongheo thôn Sà Lủng")
    assert refused.attachment is None
    assert "không thuộc địa bàn này" in refused.text


async def test_a_cadre_is_refused_and_an_empty_registry_says_so(cadre: Chat, leader: Chat) -> None:
    (refused,) = await cadre.send("/xuat hongheo")
    assert refused.attachment is None
    assert "Bạn không có quyền dùng lệnh này" in refused.text
    (empty,) = await leader.send("/xuat hongheo")
    assert empty.attachment is None
    assert "chưa có danh sách hộ" in empty.text


def test_the_command_line_writes_an_areas_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = str(tmp_path / "x.sqlite3")
    assert main(["seed-demo", "--db", db]) == 0
    assert main(["import-households", str(SAMPLE), "--db", db]) == 0
    out = tmp_path / "ho.xlsx"
    capsys.readouterr()
    assert main(["export-households", "--area", "n:son-vi", str(out), "--db", db]) == 0
    assert "Wrote 2 households" in capsys.readouterr().out
    rows = list(load_workbook(out)["Danh sách hộ"].iter_rows(values_only=True))
    assert {row[2] for row in rows[1:]} == {"Xà Phìn"}
    assert main(["export-households", "--area", "xã Nowhere", str(out), "--db", db]) == 2
    assert main(["export-households", str(tmp_path / "all.xlsx"), "--db", db]) == 0
    assert "Wrote 6 households" in capsys.readouterr().out
