"""What leaders take away: the PNG chart, the Excel workbook, long replies split for Telegram."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from telegram.ext import ExtBot

from bot.app import build_engine, open_app_store
from bot.channels.telegram.sender import send_replies
from bot.exports.chart import render_progress_chart
from bot.settings import Settings
from core.models import Role
from core.phones import normalize_phone
from core.render import MAX_BARS, ChartPanel
from core.units import parse_units_csv
from handlers import Engine, Reply
from locales.translator import Translator
from tests.conftest import Chat, as_person
from tests.fakes import FakeClock, OfflineRequest

PNG = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[2]

# Chats as a cadre and a leader in a fresh interpreter, printing which of the heavy file
# libraries are loaded after chatting and after asking for a chart and a workbook.
_CHAT_THEN_FILES = """
import asyncio, sys
from datetime import UTC, datetime
from bot.app import build_engine, open_app_store
from bot.demo import seed_demo
from bot.settings import Settings
from core.phones import normalize_phone
from handlers import Inbound

HEAVY = {"matplotlib", "openpyxl"}

def loaded():
    return sorted(HEAVY & {name.split(".")[0] for name in sys.modules})

async def main(path):
    store = await open_app_store(path)
    await seed_demo(store, now=datetime.now(UTC))
    engine = await build_engine(store, Settings(_env_file=None))
    async def say(phone, number, text):
        person = await store.people.by_phone(normalize_phone(phone))
        await store.people.link(person.id, "console", phone, engine.clock())
        message = Inbound("console", phone, engine.clock(), text=text, message_id=str(number))
        return await engine.handle(message)
    await say("0912000003", 1, "xong 2 nhà")
    await say("0912000002", 2, "/tiendo")
    await say("0912000002", 3, "/nhiemvu")
    print(loaded())
    await say("0912000002", 4, "/tiendo bieudo")
    await say("0912000002", 5, "/xuat")
    print(loaded())
    await store.close()

asyncio.run(main(sys.argv[1]))
"""


def _png_size(content: bytes) -> tuple[int, int]:
    assert content.startswith(PNG)
    with Image.open(io.BytesIO(content)) as image:
        image.verify()
    with Image.open(io.BytesIO(content)) as image:
        return image.size


def test_the_chart_is_a_png_with_a_panel_row_per_part(vi: Translator) -> None:
    names = ["Mèo Vạc", "Sơn Vĩ", "Sủng Máng", "Khâu Vai", "Tát Ngà", "Niêm Sơn"]
    panels = [
        ChartPanel("Nhà ở hoàn thành", names, [120, 5, 300, 0, 1733, 42], [300, None] * 3),
        ChartPanel("Hộ thoát nghèo", names[:2], [0, 0], [None, None]),
    ]
    # Warnings are errors in this suite: a Vietnamese letter missing from the font would fail.
    png = render_progress_chart(
        "Tiến độ huyện Mèo Vạc đến 26/11/2026",
        panels,
        achieved_label="Đã đạt",
        target_label="Chỉ tiêu",
        number=vi.number,
    )
    width, height = _png_size(png)
    assert width == 900
    taller = render_progress_chart(
        "x", [panels[0], panels[0]], achieved_label="a", target_label="b", number=vi.number
    )
    assert _png_size(taller)[1] > height


def test_the_chart_refuses_what_a_phone_cannot_show(vi: Translator) -> None:
    many = [f"Thôn {i}" for i in range(MAX_BARS + 1)]
    with pytest.raises(ValueError, match="bars"):
        render_progress_chart(
            "x",
            [ChartPanel("a", many, [1] * len(many), [None] * len(many))],
            achieved_label="a",
            target_label="b",
            number=vi.number,
        )
    with pytest.raises(ValueError, match="bars"):
        render_progress_chart("x", [], achieved_label="a", target_label="b", number=vi.number)


def test_chatting_loads_neither_the_chart_nor_the_workbook_library(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CHAT_THEN_FILES, str(tmp_path / "lazy.sqlite3")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    # /xuat's workbook is written by a child process: openpyxl stays out of the bot's too.
    assert result.stdout.splitlines() == ["[]", "['matplotlib']"]


async def test_tiendo_bieudo_sends_a_chart_of_the_communes(leader: Chat, cadre: Chat) -> None:
    await cadre.say("xong 2 nhà")
    (reply,) = await leader.send("/tiendo bieudo")
    assert reply.text == "Tiến độ huyện Mèo Vạc đến 26/11/2026"
    assert reply.attachment is not None
    assert reply.attachment.is_image
    assert reply.attachment.filename == "tien-do-huyen-meo-vac-2026-11-26.png"
    width, height = _png_size(reply.attachment.content)
    assert width + height <= 10_000  # Telegram's limit for a photo
    (village,) = await leader.send("/tiendo bieudo thôn Sà Lủng")
    assert village.attachment is not None
    assert _png_size(village.attachment.content)[1] < height  # one bar per panel


def _sheet_rows(content: bytes, title: str) -> list[tuple[object, ...]]:
    workbook = load_workbook(io.BytesIO(content))
    return [tuple(r) for r in workbook[title].iter_rows(values_only=True)]


async def test_xuat_sends_a_workbook_of_the_area(
    admin: Chat, leader: Chat, cadre: Chat, engine: Engine
) -> None:
    await admin.say("/chitieu nhà 100 xã Sơn Vĩ 31/12/2026")
    await admin.say("/chitieu nhà 1733 huyện Mèo Vạc 31/12/2026")
    await cadre.say("xong nhà hộ Giàng Seo Chứ")
    xa_phin = await as_person(engine, "0912000004")
    await xa_phin.say("xong 5 nhà")
    (reply,) = await leader.send("/xuat")
    assert (
        reply.text == "Tệp Excel tiến độ huyện Mèo Vạc đến 26/11/2026: bảng tổng hợp và 2 báo cáo."
    )
    assert reply.attachment is not None
    assert not reply.attachment.is_image
    assert reply.attachment.filename == "tien-do-huyen-meo-vac-2026-11-26.xlsx"
    workbook = load_workbook(io.BytesIO(reply.attachment.content))
    assert workbook.sheetnames == ["Tổng hợp", "Báo cáo"]
    summary = workbook["Tổng hợp"]
    assert summary.freeze_panes == "A2"
    assert [c.value for c in summary[1]] == [
        "Nội dung",
        "Đơn vị",
        "Đã đạt",
        "Chỉ tiêu",
        "Tỷ lệ",
        "7 ngày qua",
        "28 ngày qua",
        "Hạn",
        "Dự kiến đạt",
        "Đánh giá",
    ]
    district = [c.value for c in summary[2]]
    assert district[:4] == ["Nhà ở hoàn thành", "huyện Mèo Vạc", 6, 1733]
    assert district[4] == pytest.approx(6 / 1733)
    assert district[5:8] == [6, 6, datetime(2026, 12, 31)]
    assert district[9] == "chậm"
    assert summary["A2"].font.b
    assert (summary["C2"].number_format, summary["E2"].number_format) == ("#,##0", "0.00%")
    assert summary["H2"].number_format == "dd/mm/yyyy"
    assert summary.column_dimensions["A"].width >= len("Nhà ở hoàn thành")
    rows = [tuple(c.value for c in row) for row in summary.iter_rows(min_row=3)]
    assert rows[1][:5] == ("Nhà ở hoàn thành", "xã Sơn Vĩ", 5, 100, 0.05)
    assert sum(1 for r in rows if r[0] == "Đào tạo nghề") == 7  # the district and 6 communes
    reports = workbook["Báo cáo"]
    assert reports.freeze_panes == "A2"
    assert [c.value for c in reports[1]][:4] == ["Số báo cáo", "Nội dung", "Số lượng", "Thôn"]
    first = [c.value for c in reports[2]]
    assert first[1:7] == ["Nhà ở hoàn thành", 1, "Sà Lủng", "Mèo Vạc", "Pả Vi", "Giàng Seo Chứ"]
    assert first[7] == datetime(2026, 11, 26)
    assert reports["H2"].number_format == "dd/mm/yyyy"
    assert first[10] == "còn hiệu lực"
    assert reports.max_row == 3


async def test_files_of_areas_with_the_same_name_do_not_overwrite_each_other(
    leader: Chat,
) -> None:
    names = {}
    areas = ("", " xã Mèo Vạc", " cu", " xã Mèo Vạc cu", " xã Sơn Vĩ", " xã cũ Sơn Vĩ")
    for area in areas:
        (workbook,) = await leader.send("/xuat" + area)
        (chart,) = await leader.send("/tiendo bieudo" + area)
        assert workbook.attachment is not None
        assert chart.attachment is not None
        names[area] = (workbook.attachment.filename, chart.attachment.filename)
    assert names[" xã Mèo Vạc"] == (
        "tien-do-xa-meo-vac-2026-11-26.xlsx",
        "tien-do-xa-meo-vac-2026-11-26.png",
    )
    assert names[" cu"] == (
        "tien-do-huyen-meo-vac-truoc-2025-2026-11-26.xlsx",
        "tien-do-huyen-meo-vac-truoc-2025-2026-11-26.png",
    )
    assert names[" xã cũ Sơn Vĩ"][0] == "tien-do-xa-son-vi-cu-2026-11-26.xlsx"
    # The workbook and the chart of an area are named alike, and no two areas share a name.
    assert all(xlsx[:-5] == png[:-4] for xlsx, png in names.values())
    assert len({xlsx for xlsx, _ in names.values()}) == len(names)


async def test_a_commune_leaders_workbook_holds_only_the_communes_reports(
    engine: Engine, cadre: Chat, clock: FakeClock
) -> None:
    await engine.store.people.upsert_roster(
        [("Lãnh đạo xã", "84912000005", Role.LEADER, "n:son-vi")], actor_id=None, at=clock()
    )
    xa_phin = await as_person(engine, "0912000004")
    await cadre.say("xong 9 nhà")
    await xa_phin.say("xong 5 nhà")
    commune = await as_person(engine, "0912000005")
    (reply,) = await commune.send("/xuat cu")
    assert reply.attachment is not None
    reports = _sheet_rows(reply.attachment.content, "Báo cáo")[1:]
    assert [r[3] for r in reports] == ["Xà Phìn"]
    summary = _sheet_rows(reply.attachment.content, "Tổng hợp")[1:]
    units = {r[1] for r in summary}
    assert units == {"xã Sơn Vĩ", "xã Thượng Phùng (cũ)", "xã Xín Cái (cũ)", "xã Sơn Vĩ (cũ)"}
    assert 9 not in {r[2] for r in summary}


async def test_files_reach_telegram_as_photo_and_document(leader: Chat, cadre: Chat) -> None:
    await cadre.say("xong 2 nhà")
    replies = await leader.send("/tiendo bieudo") + await leader.send("/xuat")
    request = OfflineRequest()
    bot = ExtBot("123456:TEST-token", request=request)
    await bot.initialize()
    try:
        await send_replies(bot, 7002, replies)
    finally:
        await bot.shutdown()
    assert [c.method for c in request.sent] == ["sendPhoto", "sendDocument"]


@pytest.fixture
async def big_commune(
    tmp_path: Path, settings: Settings, translators: dict[str, Translator], clock: FakeClock
) -> AsyncIterator[Engine]:
    """A commune of 150 villages with long names: a drill-down longer than one message."""
    lines = ["level,name,parent,current_commune,aliases,note", "district,Huyện Thử,Tỉnh,,,"]
    lines.append("commune,Xã Rộng,Huyện Thử,Xã Rộng Mới,,")
    lines += [f"village,Thôn Số {i} Bên Suối Nậm Lang,Xã Rộng,Xã Rộng Mới,," for i in range(150)]
    store = await open_app_store(tmp_path / "big.sqlite3", now=clock())
    await store.units.replace(parse_units_csv("\n".join(lines)), actor_id=None, at=clock())
    await store.people.upsert_roster(
        [("Lãnh đạo", normalize_phone("0912000009"), Role.LEADER, "n:xa-rong-moi")],
        actor_id=None,
        at=clock(),
    )
    yield await build_engine(store, settings, translators=translators, clock=clock)
    await store.close()


async def test_a_long_drill_down_is_split_below_telegrams_limit(big_commune: Engine) -> None:
    leader = await as_person(big_commune, "0912000009")
    (reply,) = await leader.send("/tiendo")
    assert len(reply.text) > 4096
    request = OfflineRequest()
    bot = ExtBot("123456:TEST-token", request=request)
    await bot.initialize()
    try:
        await send_replies(bot, 7002, [Reply(reply.text)])
    finally:
        await bot.shutdown()
    parts = [c.text for c in request.sent]
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == reply.text  # cut between lines, nothing lost
    too_many = await leader.say("/tiendo bieudo")
    assert "quá nhiều thôn" in too_many
    assert "/tiendo bieudo xã" in too_many


async def test_the_workbook_of_an_empty_area_still_opens(leader: Chat) -> None:
    (reply,) = await leader.send("/xuat thôn Kho Tấu")
    assert reply.attachment is not None
    assert _sheet_rows(reply.attachment.content, "Báo cáo") == [
        (
            "Số báo cáo",
            "Nội dung",
            "Số lượng",
            "Thôn",
            "Xã (từ 7/2025)",
            "Xã (trước 7/2025)",
            "Hộ",
            "Ngày thực hiện",
            "Người báo cáo",
            "Thời điểm nhận",
            "Trạng thái",
            "Tình trạng duyệt",
            "Người duyệt",
            "Thời điểm duyệt",
            "Lý do từ chối",
            "Số ảnh",
        )
    ]
    assert date(2026, 11, 26).isoformat() in reply.attachment.filename
