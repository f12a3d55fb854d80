"""Programme periods as leaders meet them: which period a report counts in, an ended period's
final figures, a period without targets yet, and /tiendo leading with what needs action."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from bot.app import build_engine
from bot.settings import Settings
from core.periods import DEFAULT_PERIODS, Period, PeriodSet
from handlers import Engine
from locales.translator import Translator
from storage import SqliteStore
from tests.conftest import CADRE_XA_PHIN, LEADER, Chat, as_person
from tests.fakes import FakeClock


async def test_a_report_counts_in_the_period_its_work_date_falls_in(
    leader: Chat, cadre: Chat
) -> None:
    await cadre.say("xong 2 nhà ngày 31/12/2025")
    await cadre.say("xong 3 nhà ngày 1/1/2026")
    current = await leader.say("/tiendo thôn Sà Lủng")
    assert "giai đoạn 2026–2030" in current
    assert "Nhà ở hoàn thành: 3 nhà" in current
    ended = await leader.say("/tiendo 2021-2025 thôn Sà Lủng")
    assert ended.startswith("Kết quả cuối cùng giai đoạn 2021–2025, thôn Sà Lủng:")
    assert "Nhà ở hoàn thành: 2 nhà" in ended
    # The district's figure of the ended period holds the 31/12 report only.
    district = await leader.say("/tiendo giai đoạn 2021–2025")
    assert "Nhà ở hoàn thành: 2/1.733 nhà (0,12%)" in district


async def test_an_ended_period_shows_its_final_figures_without_pace(
    leader: Chat, cadre: Chat, engine: Engine
) -> None:
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    await cadre.say("xong 10 nhà ngày 20/12/2025")
    await xa_phin.say("xong 5 nhà ngày 2/6/2024")
    await cadre.say("xong 4 nhà")  # today, 2026: another period
    text = await leader.say("/tiendo 2021-2025")
    assert text.startswith("Kết quả cuối cùng giai đoạn 2021–2025, huyện Mèo Vạc:")
    assert "Chưa đạt:" in text
    assert "• Nhà ở hoàn thành: không đạt — 15/1.733 (0,87%), thiếu 1.718 nhà." in text
    assert "• Hộ thoát nghèo: không đạt — 0/4.127 (0%), thiếu 4.127 hộ." in text
    assert "Không đạt chỉ tiêu (hạn 31/12/2025)." in text
    assert "• Mèo Vạc: 10" in text
    assert "• Sơn Vĩ: 5" in text
    for word in ("Dự kiến", "ngày qua", "chậm"):
        assert word not in text
    assert "Giai đoạn khác: /tiendo 2026-2030" in text


async def test_without_a_target_for_the_current_period_it_says_so_and_shows_what_was_done(
    leader: Chat, cadre: Chat
) -> None:
    await cadre.say("xong 4 nhà")
    text = await leader.say("/tiendo")
    assert "Giai đoạn 2026–2030 chưa có chỉ tiêu cho địa bàn này" in text
    assert "Nhà ở hoàn thành: 4 nhà (chưa có chỉ tiêu)" in text
    assert "chậm" not in text
    assert "2071" not in text
    assert "Dự kiến" not in text


async def test_an_unknown_period_is_refused_with_the_known_ones(leader: Chat) -> None:
    reply = await leader.say("/tiendo 2031-2035")
    assert reply == "Không có giai đoạn «2031-2035». Các giai đoạn: 2021-2025, 2026-2030."


async def test_tiendo_leads_with_who_is_behind_and_what_changed_this_week(
    admin: Chat, leader: Chat, cadre: Chat, engine: Engine, clock: FakeClock
) -> None:
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    await admin.say("/chitieu nhà 400 xã Mèo Vạc 31/12/2026")
    await admin.say("/chitieu nhà 10 xã Sơn Vĩ 31/12/2026")
    await cadre.say("xong 6 nhà ngày 2/11/2026")  # earlier this month: not this week
    clock.advance(days=1)
    await cadre.say("xong 2 nhà")
    await xa_phin.say("xong 3 nhà")
    text = await leader.say("/tiendo")
    summary, details = text.split("Chi tiết:")
    assert "Cần chú ý:" in summary
    assert "• Nhà ở hoàn thành: chậm — 11/410 (2,68%), còn thiếu 399 nhà." in summary
    assert "Thấp nhất: Mèo Vạc: 8/400 (thiếu 392); Sơn Vĩ: 3/10 (thiếu 7)" in summary
    assert "7 ngày qua: nhà ở hoàn thành +5 nhà (Sơn Vĩ +3, Mèo Vạc +2)" in summary
    assert "• Mèo Vạc: 8/400 (2%)" in details


async def test_chitieu_sets_the_current_period_unless_the_deadline_is_in_another(
    admin: Chat, engine: Engine
) -> None:
    await admin.say("/chitieu nhà 50 xã Sơn Vĩ")
    await admin.say("/chitieu nhà 30 xã Sơn Vĩ 30/06/2025")
    targets = {(t.period, t.value, t.deadline) for t in await engine.store.targets.all()}
    assert ("2026-2030", 50, date(2030, 12, 31)) in targets
    assert ("2021-2025", 30, date(2025, 6, 30)) in targets


def test_periods_are_found_by_code_years_or_name_and_never_overlap() -> None:
    assert DEFAULT_PERIODS.current(date(2026, 11, 30)).code == "2026-2030"  # type: ignore[union-attr]
    assert DEFAULT_PERIODS.holding(date(2025, 12, 31)).code == "2021-2025"  # type: ignore[union-attr]
    for text in ("2021-2025", "2021–2025", "giai đoạn 2021 - 2025", "Giai đoạn 2021–2025"):
        assert DEFAULT_PERIODS.find(text) == DEFAULT_PERIODS.items[0]
    assert DEFAULT_PERIODS.find("2031-2035") is None
    # After the last period has ended, it is still the one shown.
    assert DEFAULT_PERIODS.current(date(2031, 3, 1)).code == "2026-2030"  # type: ignore[union-attr]
    overlapping = Period("x", "X", date(2025, 1, 1), date(2027, 1, 1))
    with pytest.raises(ValueError, match="overlap"):
        PeriodSet.of([*DEFAULT_PERIODS, overlapping])


async def test_an_ended_period_gets_a_closing_workbook_by_year(
    leader: Chat, cadre: Chat, engine: Engine
) -> None:
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    await cadre.say("xong 10 nhà ngày 20/12/2025")
    await cadre.say("xong 3 nhà ngày 5/3/2024")
    await xa_phin.say("xong 5 nhà ngày 2/6/2024")
    await cadre.say("xong 4 nhà")  # 2026: not in the closing report
    (reply,) = await leader.send("/xuat 2021-2025")
    assert reply.text == (
        "Báo cáo tổng kết giai đoạn 2021–2025, huyện Mèo Vạc: bảng tổng kết theo năm,"
        " bảng tổng hợp và 3 báo cáo."
    )
    assert reply.attachment is not None
    assert reply.attachment.filename == "tong-ket-2021-2025-huyen-meo-vac.xlsx"
    workbook = load_workbook(io.BytesIO(reply.attachment.content))
    assert workbook.sheetnames == ["Tổng kết 2021-2025", "Tổng hợp", "Báo cáo"]
    rows = list(workbook["Tổng kết 2021-2025"].iter_rows(values_only=True))
    assert rows[0] == (
        "Nội dung", "Đơn vị", "Chỉ tiêu", "Đã đạt", "Tỷ lệ", "Trước khi báo cáo qua bot",
        "Năm 2021", "Năm 2022", "Năm 2023", "Năm 2024", "Năm 2025", "Kết quả",
    )  # fmt: skip
    district = rows[1]
    assert district[:4] == ("Nhà ở hoàn thành", "huyện Mèo Vạc", 1733, 18)
    assert district[4] == pytest.approx(18 / 1733)
    assert district[6:] == (0, 0, 0, 8, 10, "không đạt")
    by_unit = {r[1]: r for r in rows if r[0] == "Nhà ở hoàn thành"}
    assert by_unit["xã Mèo Vạc"][3:] == (13, None, None, 0, 0, 0, 3, 10, "chưa có chỉ tiêu")
    assert by_unit["xã Sơn Vĩ"][9] == 5


async def test_a_period_not_started_yet_says_so(
    store: SqliteStore, settings: Settings, translators: dict[str, Translator], clock: FakeClock
) -> None:
    later = Period("2031-2035", "Giai đoạn 2031–2035", date(2031, 1, 1), date(2035, 12, 31))
    await store.periods.set_many([later], actor_id=None, at=clock())
    engine = await build_engine(store, settings, translators=translators, clock=clock)
    leader = await as_person(engine, LEADER)
    text = await leader.say("/tiendo 2031-2035")
    assert text.startswith("huyện Mèo Vạc, giai đoạn 2031–2035 (chưa bắt đầu):")
    assert "chậm" not in text
    assert "/tiendo 2031-2035" not in await leader.say("/tiendo")  # only periods begun are offered
