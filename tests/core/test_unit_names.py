"""Names of units as people write them: old and new communes, spacing, one typo."""

from __future__ import annotations

from datetime import date

import pytest

from core.models import Person, ReportStatus, Role, StoredReport
from core.parser import parse_report
from core.parsing import ParseError, ParseOk
from core.permissions import may_change_report
from core.units import UnitDirectory, find_units


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Communes before the July 2025 merger, with or without "xã", and the new ones.
        ("xã Thượng Phùng", "c:thuong-phung"),
        ("Thuong Phung", "c:thuong-phung"),
        ("xa cu Son Vi", "c:son-vi"),
        ("xã Sơn Vĩ", "n:son-vi"),
        ("Sủng Máng", "n:sung-mang"),
        ("xã Sủng Trà", "c:sung-tra"),
        ("Niêm Tòng", "c:niem-tong"),
        ("thị trấn Mèo Vạc", "c:thi-tran-meo-vac"),
        ("Mèo Vạc", "n:meo-vac"),
        ("huyện Mèo Vạc", "d:meo-vac"),
        # Spacing and punctuation do not matter.
        ("SàLủng", "v:sa-lung"),
        ("thôn  sa-lung", "v:sa-lung"),
        ("xã SơnVĩ", "n:son-vi"),
        ("KhaiHoang 2", "v:khai-hoang-ii"),
        ("MeoVac", "n:meo-vac"),
        # One letter wrong, missing or extra, when only one unit is that close.
        ("xã Thượng Phùg", "c:thuong-phung"),
        ("Xà Phình", "v:xa-phin"),
        ("thôn Chỏm Xiu", "v:chom-xieu"),
        ("huyen Meo Vak", "d:meo-vac"),
        ("Lung Chin", "c:lung-chinh"),
        ("xã Khâu Vay", "n:khau-vai"),  # the new commune, as for the exact name
        ("Sơn Vii", "n:son-vi"),
    ],
)
def test_a_name_as_people_write_it_finds_one_unit(
    units: UnitDirectory, text: str, code: str
) -> None:
    assert [u.code for u in find_units(units, text)] == [code]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # One edit from Sà Lủng (a village) and from Tả Lủng (an old commune).
        ("Xa Lung", {"v:sa-lung", "c:ta-lung"}),
        ("thôn Khai Hoang", {"v:khai-hoang-i", "v:khai-hoang-ii", "v:khai-hoang-iii"}),
        ("thôn Khai Hoang 4", {"v:khai-hoang-i", "v:khai-hoang-ii", "v:khai-hoang-iii"}),
    ],
)
def test_a_name_close_to_several_units_stays_ambiguous(
    units: UnitDirectory, text: str, codes: set[str]
) -> None:
    assert {u.code for u in find_units(units, text)} == codes


@pytest.mark.parametrize("text", ["", "   ", "abc", "xã", "thôn Hà Nội", "Pả", "Sà Lủng Lủng Lủng"])
def test_other_text_finds_nothing(units: UnitDirectory, text: str) -> None:
    assert find_units(units, text) == []


def test_an_exact_name_wins_over_a_near_one(units: UnitDirectory) -> None:
    # "Tả Lủng" is one edit from "Sà Lủng" but is itself an old commune's name.
    assert [u.code for u in find_units(units, "Tả Lủng")] == ["c:ta-lung"]
    assert [u.code for u in find_units(units, "Khai Hoang I")] == ["v:khai-hoang-i"]


# --- the parser's answers for corrections and choices ---------------------------------


def test_a_chosen_village_resolves_an_ambiguous_name(units: UnitDirectory) -> None:
    today = date(2026, 11, 26)
    text = "thôn Pả Vi xong 2 nhà, 1 hộ thoát nghèo"
    first = parse_report(text, home_village="v:sa-lung", today=today, units=units)
    assert isinstance(first, ParseError)
    assert first.candidates == ("v:pa-vi-ha", "v:pa-vi-thuong")
    chosen = {frozenset(first.candidates): "v:pa-vi-thuong"}
    result = parse_report(text, home_village="v:sa-lung", today=today, units=units, chosen=chosen)
    assert isinstance(result, ParseOk)
    assert [i.village for i in result.items] == ["v:pa-vi-thuong", "v:pa-vi-thuong"]
    # A choice for other candidates does not answer this question.
    other = {frozenset({"v:khai-hoang-i", "v:khai-hoang-ii"}): "v:khai-hoang-i"}
    again = parse_report(text, home_village="v:sa-lung", today=today, units=units, chosen=other)
    assert isinstance(again, ParseError)


def test_the_result_says_whether_a_date_was_written(units: UnitDirectory) -> None:
    today = date(2026, 11, 26)
    plain = parse_report("xong 2 nhà", home_village="v:sa-lung", today=today, units=units)
    dated = parse_report("hôm qua xong 2 nhà", home_village="v:sa-lung", today=today, units=units)
    assert isinstance(plain, ParseOk)
    assert not plain.dated
    assert isinstance(dated, ParseOk)
    assert dated.dated


def test_who_may_change_a_report(units: UnitDirectory) -> None:
    from datetime import UTC, datetime

    report = StoredReport(
        id=1,
        indicator="housing",
        count=2,
        village="v:xa-phin",
        household=None,
        done_on=date(2026, 11, 26),
        received_at=datetime(2026, 11, 26, tzinfo=UTC),
        reporter_id=10,
        status=ReportStatus.ACTIVE,
    )

    def person(person_id: int, role: Role, scope: str) -> Person:
        return Person(id=person_id, name="A", phone="84912000009", role=role, scope=scope)

    assert may_change_report(person(10, Role.CADRE, "v:xa-phin"), report, units)
    assert not may_change_report(person(11, Role.CADRE, "v:xa-phin"), report, units)
    assert may_change_report(person(12, Role.LEADER, "n:son-vi"), report, units)
    assert may_change_report(person(13, Role.LEADER, "c:thuong-phung"), report, units)
    assert not may_change_report(person(14, Role.LEADER, "n:meo-vac"), report, units)
    assert may_change_report(person(15, Role.ADMIN, "d:meo-vac"), report, units)
