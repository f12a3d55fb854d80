"""An indicator an admin imports is reported in free text and shown like the shipped three."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.app import build_engine
from bot.exports import RENDERERS
from bot.imports import import_indicators
from bot.settings import Settings
from core.render import ChartPanel, ChartRenderer, StreamedWorkbookRenderer, WorkbookRenderer
from core.tables import TableError
from locales.translator import Translator
from storage import SqliteStore
from tests.conftest import ADMIN, CADRE_SA_LUNG, LEADER, as_person
from tests.fakes import FakeClock

INDICATORS = (
    "code,name_vi,name_en,unit_vi,unit_en,keywords,household\n"
    "latrine,Nhà tiêu hợp vệ sinh,Hygienic latrines,cái,latrine,"
    "nhà tiêu hợp vệ sinh|nhà tiêu,no\n"
    "insurance,Thẻ bảo hiểm y tế,Health insurance cards,thẻ,card|cards,"
    "thẻ bảo hiểm y tế|thẻ bhyt,no\n"
)


class _ChartTitles:
    """The real renderers, keeping the titles of the chart's panels."""

    def __init__(self) -> None:
        self.titles: list[str] = []

    @property
    def chart(self) -> ChartRenderer:
        def draw(title: str, panels: Sequence[ChartPanel], **options: Any) -> bytes:
            self.titles = [p.title for p in panels]
            return RENDERERS.chart(title, panels, **options)

        return draw

    @property
    def workbook(self) -> WorkbookRenderer:
        return RENDERERS.workbook

    @property
    def streamed_workbook(self) -> StreamedWorkbookRenderer:
        return RENDERERS.streamed_workbook


async def _engine_with_imports(
    store: SqliteStore, settings: Settings, translators: dict[str, Translator], clock: FakeClock
):  # type: ignore[no-untyped-def]
    summary = await import_indicators(store, await store.units.load(), INDICATORS, settings)
    assert summary.startswith("Indicators: 2 added or changed")
    # The composition root loads what the database holds: no code change.
    return await build_engine(store, settings, translators=translators, clock=clock)


async def test_an_imported_indicator_is_reported_and_shown_everywhere(
    store: SqliteStore, settings: Settings, translators: dict[str, Translator], clock: FakeClock
) -> None:
    engine = await _engine_with_imports(store, settings, translators, clock)
    cadre = await as_person(engine, CADRE_SA_LUNG)
    leader = await as_person(engine, LEADER)
    admin = await as_person(engine, ADMIN)
    assert "3 cái" in await cadre.say("xong 3 nhà tiêu hợp vệ sinh")
    assert "2 cái" in await cadre.say("Xong 2 NHA TIEU HOP VE SINH")  # no diacritics, upper case
    assert "4 nhà" in await cadre.say("xong 4 nhà")  # the shorter keyword is still housing
    assert "5 thẻ" in await cadre.say("cấp 5 thẻ bhyt")
    stored = [(r.indicator, r.count) for r in await store.reports.all()]
    assert stored == [("latrine", 3), ("latrine", 2), ("housing", 4), ("insurance", 5)]
    assert "Đã đặt chỉ tiêu nhà tiêu hợp vệ sinh" in await admin.say(
        "/chitieu nhà tiêu 20 thôn Sà Lủng"
    )
    text = await leader.say("/tiendo thôn Sà Lủng")
    assert "Nhà tiêu hợp vệ sinh: 5/20 cái (25%)" in text
    assert "Thẻ bảo hiểm y tế: 5 thẻ (chưa có chỉ tiêu)" in text
    assert "Nhà ở hoàn thành: 4 nhà" in text
    (reply,) = await leader.send("/xuat")
    assert reply.attachment is not None
    workbook = load_workbook(io.BytesIO(reply.attachment.content))
    names = {row[0] for row in workbook["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert {"Nhà tiêu hợp vệ sinh", "Thẻ bảo hiểm y tế"} <= names
    engine.renderers = _ChartTitles()
    (chart,) = await leader.send("/tiendo bieudo xã Mèo Vạc")
    assert chart.attachment is not None
    assert chart.attachment.is_image
    assert engine.renderers.titles == [
        "Nhà ở hoàn thành",
        "Hộ thoát nghèo",
        "Đào tạo nghề",
        "Nhà tiêu hợp vệ sinh",
        "Thẻ bảo hiểm y tế",
    ]
    # A task of the imported indicator, and its progress, as for the shipped ones.
    assert "/nhiemvu" in await leader.say("/giao Sà Lủng nhà tiêu 8 31/12")
    assert "Nhà tiêu hợp vệ sinh: 5/8 cái" in await cadre.say("/nhiemvu")  # done today count
    await leader.say("/ngonngu en")
    assert "Health insurance cards: 5 cards" in await leader.say("/tiendo thôn Sà Lủng")


async def test_a_keyword_another_indicator_has_is_refused_naming_the_clash(
    store: SqliteStore, settings: Settings
) -> None:
    clash = (
        "code,name_vi,name_en,unit_vi,unit_en,keywords,household\n"
        "water,Nước sinh hoạt,Clean water,hộ,household,nước sạch|Nha,yes\n"
        "wells,Giếng,Wells,cái,well,giếng|nước sạch,no\n"
    )
    with pytest.raises(TableError) as error:
        await import_indicators(store, await store.units.load(), clash, settings)
    assert error.value.problems == [
        "line 2: keyword 'Nha' is already a keyword of housing (Nhà ở hoàn thành)",
        "line 3: keyword 'nước sạch' is already a keyword of water (Nước sinh hoạt)",
    ]
    assert [i.code for i in await store.indicators.load()] == ["housing", "graduated", "training"]
