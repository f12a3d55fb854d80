"""The workbook written by a child process (an area's every report, /xuat): the rows streamed
to it a page at a time, and what a failing writer or a caller that gives up leaves behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

import bot.exports.workbook_process as workbook_process
from bot.exports import RENDERERS
from core.render import ColumnKind, Sheet


class Pages:
    """Pages of rows; remembers whether it was closed, and can hang after ``hang_after``."""

    def __init__(self, pages: list[list[Sequence[object]]], hang_after: int | None = None):
        self.pages = pages
        self.hang_after = hang_after
        self.taken = asyncio.Event()
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[Sequence[Sequence[object]]]:
        try:
            for number, page in enumerate(self.pages):
                if number == self.hang_after:
                    self.taken.set()
                    await asyncio.Event().wait()  # the database never answers
                yield page
        finally:
            self.closed = True


def _sheets() -> list[Sheet]:
    summary = Sheet("Tổng hợp", ["Nội dung", "Đã đạt"], [["Nhà ở", 3]], bold_rows=frozenset({0}))
    reports = Sheet("Báo cáo", ["Số", "Ngày"], [], kinds=[None, ColumnKind.DATE])
    return [summary, reports]


async def test_the_rows_come_in_pages_and_go_on_in_a_second_sheet(tmp_path: Path) -> None:
    out = tmp_path / "area.xlsx"
    pages = Pages([[(n, date(2026, 11, n)) for n in range(1, 4)], [(4, date(2026, 11, 4))]])

    written = await RENDERERS.streamed_workbook(
        _sheets(), pages.__aiter__(), out, title="Tiến độ", max_rows=3
    )

    assert written == [1, 4]
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["Tổng hợp", "Báo cáo", "Báo cáo (2)"]
    rows = [
        r for name in ("Báo cáo", "Báo cáo (2)") for r in book[name].iter_rows(values_only=True)
    ]
    assert [r[0] for r in rows] == ["Số", 1, 2, "Số", 3, 4]
    assert rows[1][1] == datetime(2026, 11, 1)  # a date cell, read back as Excel keeps it


async def test_a_writer_that_fails_is_reported_and_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "area.xlsx"
    pages = Pages([[(1, date(2026, 11, 1))], [({"Giàng Seo Pó"}, None)], [(3, None)]])

    with pytest.raises(RuntimeError, match="the workbook writer failed: ValueError at ") as raised:
        await RENDERERS.streamed_workbook(_sheets(), pages.__aiter__(), out)

    assert "Giàng" not in str(raised.value)  # no cell's value: it may be a person's name
    assert not out.exists()
    assert pages.closed


async def test_a_caller_that_gives_up_stops_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    children: list[asyncio.subprocess.Process] = []
    start = asyncio.create_subprocess_exec

    async def recorded(*args: Any, **options: Any) -> asyncio.subprocess.Process:
        child = await start(*args, **options)
        children.append(child)
        return child

    monkeypatch.setattr(workbook_process.asyncio, "create_subprocess_exec", recorded)
    out = tmp_path / "area.xlsx"
    pages = Pages([[(1, date(2026, 11, 1))], [(2, date(2026, 11, 2))]], hang_after=1)
    writing = asyncio.create_task(RENDERERS.streamed_workbook(_sheets(), pages.__aiter__(), out))
    await pages.taken.wait()

    writing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await writing

    assert len(children) == 1
    assert children[0].returncode is not None  # the child is gone, not left writing
    assert pages.closed
    assert not out.exists()
