"""/xuat of an area whose workbook is larger than the channel takes, and what a refusal by
Telegram (HTTP 413) or a passing failure leads to: the leader is always told, and nothing is
built again and again."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from telegram import Update

from bot.channels.telegram.inbox import TelegramInbox
from bot.exports import RENDERERS
from bot.exports.workbook import build_workbook
from core.parsing import ReportItem
from core.phones import normalize_phone
from core.render import ChartRenderer, Sheet, StreamedWorkbookRenderer, WorkbookRenderer
from handlers import Engine, Reply
from handlers.area_workbook import write_area_workbook
from handlers.export import BYTES_PER_REPORT
from storage import SqliteStore
from tests.conftest import LEADER, Chat
from tests.fakes import FakeClock, OfflineRequest, SentCall, offline_bot

# Villages of two current communes (Sơn Vĩ, Mèo Vạc) in the shipped units.
SA_LUNG, XA_PHIN = "v:sa-lung", "v:xa-phin"


class CountingRenderers:
    """The real renderers, counting the workbooks written."""

    def __init__(self) -> None:
        self.workbooks = 0

    @property
    def chart(self) -> ChartRenderer:
        return RENDERERS.chart

    @property
    def workbook(self) -> WorkbookRenderer:
        def build(sheets: Sequence[Sheet], out: Path, **options: Any) -> list[int]:
            self.workbooks += 1
            return RENDERERS.workbook(sheets, out, **options)

        return build

    @property
    def streamed_workbook(self) -> StreamedWorkbookRenderer:
        async def build(
            sheets: Sequence[Sheet],
            pages: AsyncIterable[Sequence[Sequence[object]]],
            out: Path,
            **options: Any,
        ) -> list[int]:
            self.workbooks += 1
            return await RENDERERS.streamed_workbook(sheets, pages, out, **options)

        return build


async def _reports(store: SqliteStore, clock: FakeClock, village: str, count: int) -> None:
    cadre = await store.people.by_phone(normalize_phone("0912000003"))
    assert cadre is not None
    for number in range(count):
        item = ReportItem("housing", 1, village, f"Hộ số {number}", date(2026, 11, 20))
        await store.reports.add(
            [item], reporter_id=cadre.id, received_at=clock(), source=f"{village}:{number}"
        )


def _workbook_rows(reply: Reply, sheet: str) -> list[tuple[object, ...]]:
    assert reply.attachment is not None
    book = load_workbook(io.BytesIO(reply.attachment.content), read_only=True)
    return [tuple(r) for r in book[sheet].iter_rows(min_row=2, values_only=True)]


async def _size(leader: Chat, area: str) -> int:
    (reply,) = await leader.send("/xuat" + area)
    assert reply.attachment is not None
    return len(reply.attachment.content)


async def _limit_below_the_whole(
    engine: Engine, store: SqliteStore, clock: FakeClock, leader: Chat, sa_lung: int, xa_phin: int
) -> CountingRenderers:
    """Reports in two communes, and a limit that takes either commune's file, not the whole."""
    await _reports(store, clock, SA_LUNG, sa_lung)
    await _reports(store, clock, XA_PHIN, xa_phin)
    whole = await _size(leader, "")
    # A few bytes of margin: a workbook records when it was made.
    part = max(await _size(leader, " xã Sơn Vĩ"), await _size(leader, " xã Mèo Vạc")) + 200
    assert part < whole
    renderers = CountingRenderers()
    engine.renderers = renderers
    engine.file_limits = {"console": part}
    return renderers


async def test_a_workbook_over_the_channels_limit_goes_one_file_per_commune(
    engine: Engine, store: SqliteStore, clock: FakeClock, leader: Chat
) -> None:
    renderers = await _limit_below_the_whole(engine, store, clock, leader, 300, 200)
    part = engine.file_limits["console"]
    assert part < 500 * BYTES_PER_REPORT  # the estimate says so before anything is built

    first, *files = await leader.send("/xuat")

    assert first.attachment is None
    assert "Tệp Excel của huyện Mèo Vạc lớn hơn" in first.text
    assert "bot gửi 6 tệp, mỗi xã hoặc thôn một tệp" in first.text
    assert len(files) == 6  # the district's current communes that have villages
    assert all(f.attachment is not None and len(f.attachment.content) <= part for f in files)
    named = {f.attachment.filename: f for f in files if f.attachment is not None}
    son_vi = named["tien-do-xa-son-vi-2026-11-26.xlsx"]
    assert "xã Sơn Vĩ" in son_vi.text
    assert "200 báo cáo" in son_vi.text
    assert {r[3] for r in _workbook_rows(son_vi, "Báo cáo")} == {"Xà Phìn"}
    # Every report is in exactly one file.
    ids = [r[0] for f in files for r in _workbook_rows(f, "Báo cáo")]
    assert len(ids) == len(set(ids)) == 500
    assert renderers.workbooks == 6  # each commune once; the whole never


async def test_a_workbook_found_too_large_only_once_built_is_built_once_then_split(
    engine: Engine, store: SqliteStore, clock: FakeClock, leader: Chat
) -> None:
    renderers = await _limit_below_the_whole(engine, store, clock, leader, 100, 70)
    part = engine.file_limits["console"]
    assert part >= 170 * BYTES_PER_REPORT  # the estimate lets it be built whole

    first, *files = await leader.send("/xuat")

    assert "Tệp Excel của huyện Mèo Vạc lớn hơn" in first.text
    assert len(files) == 6
    assert all(f.attachment is not None and len(f.attachment.content) <= part for f in files)
    ids = [r[0] for f in files for r in _workbook_rows(f, "Báo cáo")]
    assert len(ids) == len(set(ids)) == 170
    assert renderers.workbooks == 1 + 6  # the whole once (too large), then each commune once


async def test_an_area_surely_over_the_limit_is_split_without_building_it_whole(
    engine: Engine, store: SqliteStore, clock: FakeClock, leader: Chat
) -> None:
    await _reports(store, clock, SA_LUNG, 40)
    renderers = CountingRenderers()
    engine.renderers = renderers
    engine.file_limits = {"console": 40 * BYTES_PER_REPORT - 1}  # over at 60 bytes a report

    first, *files = await leader.send("/xuat xã Mèo Vạc")

    assert "lớn hơn 2 kB" in first.text
    assert "xã Mèo Vạc lớn hơn" in first.text
    # Split by village; every part is over this tiny limit: each is named, none is sent.
    assert files
    assert all(f.attachment is None for f in files)
    assert "Hãy nhờ quản trị xuất tệp trên máy chủ" in files[0].text
    assert renderers.workbooks == len(files)  # the commune itself was never built


async def test_a_commune_too_large_on_its_own_is_named_with_the_command_that_splits_it(
    engine: Engine, store: SqliteStore, clock: FakeClock, leader: Chat
) -> None:
    await _reports(store, clock, SA_LUNG, 300)
    # Every other commune's file fits (with a few bytes of margin: a workbook records when it
    # was made); Mèo Vạc's, with the 300 reports, does not.
    others = ("Sơn Vĩ", "Sủng Máng", "Khâu Vai", "Tát Ngà", "Niêm Sơn")
    small = max([await _size(leader, f" xã {name}") for name in others]) + 200
    engine.file_limits = {"console": small}
    _first, *files = await leader.send("/xuat")
    too_large = [f for f in files if f.attachment is None]
    assert len(too_large) == 1
    assert "Gõ /xuat xã Mèo Vạc để nhận tệp theo từng phần nhỏ hơn" in too_large[0].text
    assert len(files) == 6


async def test_a_long_report_sheet_goes_on_in_a_second_sheet(
    engine: Engine, store: SqliteStore, clock: FakeClock, tmp_path: Path
) -> None:
    await _reports(store, clock, SA_LUNG, 7)
    out = tmp_path / "area.xlsx"
    district = engine.units["d:meo-vac"]
    count = await write_area_workbook(
        store,
        engine.units,
        engine.indicators,
        engine.translators["vi"],
        engine.tz,
        district,
        out,
        merged=True,
        today=date(2026, 11, 26),
        renderers=RENDERERS,
        period=engine.periods.items[1],  # 2026–2030: the reports' period
        max_rows=4,  # a header and three reports a sheet
    )
    assert count == 7
    book = load_workbook(out, read_only=True)
    names = book.sheetnames
    assert names[0] == "Tổng hợp"
    assert names[1] == "Tổng hợp (2)"
    assert names[-3:] == ["Báo cáo", "Báo cáo (2)", "Báo cáo (3)"]
    sheets = [list(book[name].iter_rows(values_only=True)) for name in names[-3:]]
    assert [len(s) for s in sheets] == [4, 4, 2]
    assert all(s[0][0] == "Số báo cáo" for s in sheets)  # each with its header
    ids = [row[0] for s in sheets for row in s[1:]]
    assert ids == sorted(ids)
    assert len(ids) == 7


def test_sheet_titles_stay_within_excels_31_characters(tmp_path: Path) -> None:
    title = "Một tên trang tính rất dài hơn ba mươi mốt ký tự"
    rows = ([n] for n in range(5))  # streamed: an iterator, read once
    out = tmp_path / "long.xlsx"
    assert build_workbook([Sheet(title, ["Số"], rows)], out, max_rows=3) == [5]
    names = load_workbook(out, read_only=True).sheetnames
    assert [len(n) <= 31 for n in names] == [True, True, True]
    assert names[1].endswith(" (2)")
    assert names[2].endswith(" (3)")
    with pytest.raises(ValueError, match="at least one row"):
        build_workbook([Sheet(title, ["Số"], [])], out, max_rows=1)


# --- through Telegram ---


class RefusingRequest(OfflineRequest):
    """sendDocument answers ``status`` the first ``failures`` times."""

    def __init__(self, status: int, description: str, failures: int = 99) -> None:
        super().__init__()
        self.status, self.description, self.failures = status, description, failures

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/sendDocument") and self.failures > 0:
            self.failures -= 1
            self.calls.append(SentCall("sendDocument", {}))
            body = {"ok": False, "error_code": self.status, "description": self.description}
            return self.status, json.dumps(body).encode()
        return await super().do_request(url, method, *args, **kwargs)


async def _xuat_on_telegram(
    engine: Engine, store: SqliteStore, clock: FakeClock, request: OfflineRequest
) -> tuple[CountingRenderers, dict[int, str]]:
    leader = await store.people.by_phone(normalize_phone(LEADER))
    assert leader is not None
    await store.people.link(leader.id, "telegram", "7002", clock())
    renderers = CountingRenderers()
    engine.renderers = renderers
    bot = offline_bot(request, "1:T")
    await bot.initialize()
    try:
        inbox = TelegramInbox(bot, engine, store.inbox, clock=clock, retry_delay=lambda _: 0)
        body = {
            "message_id": 1,
            "date": 1_790_000_000,
            "chat": {"id": 7002, "type": "private"},
            "from": {"id": 7002, "is_bot": False, "first_name": "L"},
            "text": "/xuat",
        }
        await inbox.accept([Update.de_json({"update_id": 1, "message": body}, bot)])
        await inbox.lanes.wait_below(1, asyncio.Event())
    finally:
        await bot.shutdown()
    rows = await store.db.fetchall("SELECT update_id, status FROM inbox")
    return renderers, {r["update_id"]: r["status"] for r in rows}


async def test_a_file_telegram_refuses_as_too_large_is_not_sent_again(
    engine: Engine, store: SqliteStore, clock: FakeClock
) -> None:
    request = RefusingRequest(413, "Request Entity Too Large")
    renderers, statuses = await _xuat_on_telegram(engine, store, clock, request)
    assert [c.method for c in request.sent] == ["sendDocument", "sendMessage"]
    assert "không nhận tệp tien-do-huyen-meo-vac-2026-11-26.xlsx" in request.sent[1].text
    assert "/xuat xã Sơn Vĩ" in request.sent[1].text
    assert renderers.workbooks == 1
    assert statuses == {1: "done"}


async def test_a_passing_failure_sends_the_same_file_again_without_building_it_again(
    engine: Engine, store: SqliteStore, clock: FakeClock
) -> None:
    request = RefusingRequest(502, "Bad Gateway", failures=2)
    renderers, statuses = await _xuat_on_telegram(engine, store, clock, request)
    assert [c.method for c in request.sent] == ["sendDocument"] * 3
    assert renderers.workbooks == 1
    assert statuses == {1: "done"}
