"""What a cadre reads when a report is not understood, and the village buttons."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.reference import shipped_units
from core.parser import parse_report
from core.parsing import ErrorCode, ParseError, ParseOk
from handlers import Engine, Reply
from handlers.views.report_errors import describe_error
from locales.translator import Translator
from tests.conftest import CADRE_XA_PHIN, Chat, as_person
from tests.fakes import FakeClock

TODAY = date(2026, 11, 26)  # the FakeClock's local day

# A message for each error code, what the reply must quote, and a word of the explanation.
BAD_REPORTS = {
    "empty": ("   ", None, "trống"),
    "unknown_indicator": ("xong 2 nhà, 5 cái ghế", "5 cái ghế", "việc gì"),
    "not_done": ("đang làm móng 2 nhà", "đang làm móng 2 nhà", "chưa xong"),
    "invalid_date": ("ngày 31/02 xong 2 nhà", "31/02", "ngày phải có thật"),
    "unknown_village": ("thôn Lũng Táo xong 2 nhà", "Lũng Táo", "Không tìm thấy thôn"),
    "ambiguous_village": ("thôn Pả Vi xong 2 nhà", "Pả Vi", "nhiều thôn"),
    "missing_count": ("xong nhà", "xong nhà", "Thiếu số lượng"),
    "invalid_count": ("xong 600 nhà", "600", "từ 1 đến 500"),
}


def examples(text: str) -> list[str]:
    """The messages a reply offers as examples ('ví dụ: a; b; hoặc ...: c')."""
    found = []
    for match in re.finditer(r"[Vv]í dụ: ([^\n]+)", text):
        for part in match[1].split(";"):
            part = part.strip().rstrip(".")
            part = re.sub(r"^hoặc [^:]*: ", "", part)
            if part:
                found.append(part)
    return found


def test_every_error_code_is_covered() -> None:
    assert set(BAD_REPORTS) == set(ErrorCode)


@pytest.mark.parametrize("code", list(BAD_REPORTS))
async def test_each_error_says_what_was_not_understood_with_a_working_example(
    code: str, cadre: Chat, engine: Engine
) -> None:
    text, quoted, explanation = BAD_REPORTS[code]
    (reply,) = await cadre.send(text)
    assert explanation in reply.text
    if quoted:
        assert f"«{quoted}»" in reply.text
    shown = examples(reply.text)
    assert shown, reply.text
    for example in shown:
        result = parse_report(example, home_village="v:sa-lung", today=TODAY, units=engine.units)
        assert isinstance(result, ParseOk), (example, result)
    assert await engine.store.reports.all() == []


@pytest.mark.parametrize("code", list(BAD_REPORTS))
def test_examples_for_someone_without_a_village_name_one(code: str, vi: Translator) -> None:
    units = shipped_units()
    error = ParseError(code, BAD_REPORTS[code][1], ("v:pa-vi-ha", "v:pa-vi-thuong"))
    text = describe_error(vi, error, units, today=TODAY, home="d:meo-vac")
    for example in examples(text):
        result = parse_report(example, home_village="", today=TODAY, units=units)
        assert isinstance(result, ParseOk), (example, result)
        assert all(item.village for item in result.items)


def test_an_unknown_village_suggests_the_closest_names(vi: Translator) -> None:
    units = shipped_units()
    text = describe_error(vi, ParseError("unknown_village", "Trù Lủng Giữa"), units)
    assert "Có phải: Trù Lủng Dưới, Trù Lủng Trên?" in text
    plain = describe_error(vi, ParseError("unknown_village", "Abc"), units)
    assert "Có phải" not in plain


def test_an_impossible_date_reminds_of_today(vi: Translator) -> None:
    error = ParseError("invalid_date", "30/11")
    text = describe_error(vi, error, shipped_units(), today=TODAY, home="v:sa-lung")
    assert "Hôm nay là 26/11/2026" in text
    assert "ngày 25/11 xong 2 nhà" in text


async def test_english_speakers_get_the_reason_in_english_and_examples_as_typed(
    cadre: Chat,
) -> None:
    await cadre.say("/ngonngu en")
    text = await cadre.say("xong 600 nhà")
    assert "«600»" in text
    assert "between 1 and 500" in text
    assert "xong 2 nhà" in text  # an example is what to type, never translated


# --- ambiguous villages: buttons --------------------------------------------------------


async def press(chat: Chat, reply: Reply, label: str) -> list[Reply]:
    (choice,) = [c for c in reply.choices if c.label.endswith(label)]
    return await chat.send(None, choice=choice.data)


async def test_an_ambiguous_village_offers_buttons_and_a_press_stores_the_report(
    leader: Chat, engine: Engine
) -> None:
    (question,) = await leader.send("thôn Pả Vi hôm qua xong 2 nhà")
    assert [c.label for c in question.choices] == ["thôn Pả Vi Hạ", "thôn Pả Vi Thượng"]
    assert all(len(c.data.encode()) <= 64 for c in question.choices)
    assert "bấm chọn" in question.text
    assert await engine.store.reports.all() == []
    (stored,) = await press(leader, question, "Thượng")
    assert "Số 1: Nhà ở hoàn thành 2 nhà — thôn Pả Vi Thượng, ngày 25/11/2026" in stored.text
    assert "Tổng thôn Pả Vi Thượng: nhà ở hoàn thành 2 nhà" in stored.text
    (report,) = await engine.store.reports.all()
    assert (report.village, report.count) == ("v:pa-vi-thuong", 2)


async def test_a_second_press_a_stale_press_and_someone_elses_press_change_nothing(
    leader: Chat, engine: Engine, clock: FakeClock
) -> None:
    (question,) = await leader.send("thôn Pả Vi xong 2 nhà")
    await press(leader, question, "Hạ")
    (again,) = await press(leader, question, "Thượng")
    assert "đã trả lời câu hỏi này rồi" in again.text
    assert len(await engine.store.reports.all()) == 1

    (other_question,) = await leader.send("thôn Trù Lủng xong 1 nhà")
    admin = await as_person(engine, "0912000001")
    (foreign,) = await press(admin, other_question, "Trên")
    assert "người khác" in foreign.text
    clock.advance(days=2)
    (late,) = await press(leader, other_question, "Trên")
    assert "quá hạn" in late.text
    (forged,) = await leader.send(None, choice="village:nosuchkey:0")
    assert "không còn dùng được" in forged.text
    assert len(await engine.store.reports.all()) == 1


async def test_two_ambiguous_names_are_asked_one_after_the_other(
    leader: Chat, engine: Engine
) -> None:
    (first,) = await leader.send("thôn Pả Vi xong 2 nhà; thôn Trù Lủng 1 hộ thoát nghèo")
    (second,) = await press(leader, first, "Hạ")
    assert "«Trù Lủng»" in second.text
    (stored,) = await press(leader, second, "Dưới")
    assert "thôn Pả Vi Hạ" in stored.text
    assert "thôn Trù Lủng Dưới" in stored.text
    reports = await engine.store.reports.all()
    assert [(r.village, r.indicator) for r in reports] == [
        ("v:pa-vi-ha", "housing"),
        ("v:tru-lung-duoi", "graduated"),
    ]


async def test_a_cadre_picking_a_village_outside_their_area_is_refused(
    engine: Engine,
) -> None:
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    # Khai Hoang I, II and III are all outside thôn Xà Phìn: no button leads to a refusal.
    (refused,) = await xa_phin.send("thôn Khai Hoang xong 1 nhà")
    assert refused.choices == ()
    assert "không thuộc địa bàn" in refused.text
    assert await engine.store.reports.all() == []


async def test_village_buttons_offer_only_villages_the_cadre_reports_for(cadre: Chat) -> None:
    # Pả Vi Thượng and Pả Vi Hạ are both outside the Sà Lủng cadre's own village.
    (reply,) = await cadre.send("thôn Pả Vi 2 nhà")
    assert reply.choices == ()
    assert "không thuộc địa bàn của bạn" in reply.text


async def test_a_leader_gets_a_button_for_each_village_of_the_area(leader: Chat) -> None:
    (reply,) = await leader.send("thôn Pả Vi 2 nhà")
    assert len(reply.choices) == 2
