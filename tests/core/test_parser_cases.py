"""Report messages as cadres type them, beyond the dev corpus: one rule of the spec each."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

import bot
from bot.reference import load_units_csv
from core.parser import parse_report
from core.parsing import ParseError, ParseOk
from core.units import VILLAGE
from core.wording import word_key

UNITS = load_units_csv(Path(bot.__file__).parent / "data" / "units.csv")
CODE = {u.name: u.code for u in UNITS if u.level == VILLAGE}
TODAY = "2026-11-26"  # a Thursday

Item = tuple[str, int, str, str | None, str]


def run(text: str, home: str = "Sà Lủng", today: str = TODAY) -> str | list[Item]:
    """The error code, or the items as (indicator, count, village name, household, date)."""
    result = parse_report(
        text, home_village=CODE[home], today=date.fromisoformat(today), units=UNITS
    )
    if isinstance(result, ParseError):
        return result.code
    assert isinstance(result, ParseOk)
    return [
        (i.indicator, i.count, UNITS[i.village].name, i.household, i.date.isoformat())
        for i in result.items
    ]


def one(
    indicator: str,
    count: int,
    village: str = "Sà Lủng",
    household: str | None = None,
    when: str = TODAY,
) -> list[Item]:
    return [(indicator, count, village, household, when)]


COUNT_WORDS = [
    ("một", "mot", 1),
    ("hai", "hai", 2),
    ("ba", "ba", 3),
    ("bốn", "bon", 4),
    ("sáu", "sau", 6),
    ("bảy", "bay", 7),
    ("tám", "tam", 8),
    ("chín", "chin", 9),
    ("mười", "muoi", 10),
]


@pytest.mark.parametrize(("accented", "plain", "value"), COUNT_WORDS)
def test_count_words_with_and_without_diacritics(accented: str, plain: str, value: int) -> None:
    assert run(f"{accented} hộ thoát nghèo") == one("graduated", value)
    assert run(f"xong {plain} nha") == one("housing", value)
    assert run(f"{accented.upper()} NGƯỜI HỌC NGHỀ") == one("training", value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("năm nhà", "missing_count"),  # "năm" is "year", never a count
        ("mười hai người học nghề", one("training", 12)),
        ("hai mươi mốt người học nghề", one("training", 21)),
        ("xong một số nhà", "missing_count"),  # "một số" = "some"
        ("nha 1", one("housing", 1)),
        ("thôn Xà Phìn 500 nhà", one("housing", 500, "Xà Phìn")),
        ("xong 501 nhà", "invalid_count"),
        ("nhà 0", "invalid_count"),
        ("2nhà", one("housing", 2)),
        ("lúc 8:30 xong 2 nhà", one("housing", 2)),  # a time is not a count
        ("8h30 xong 2 nhà", one("housing", 2)),
        ("tháng 11/2026 xong 2 nhà", one("housing", 2)),
        ("tháng 11 xong 3 nhà", one("housing", 3)),
        ("bà con thôn Xà Phìn xong 2 nhà", one("housing", 2, "Xà Phìn")),
    ],
)
def test_counts(text: str, expected: object) -> None:
    assert run(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("xong 2 nhaf owr", one("housing", 2)),
        ("ddaof taoj ngheef 5 nguwowif", one("training", 5)),
        ("mwowif nguwowif hocj nghee", one("training", 10)),
        ("thoon Xaf Phinf 2 nhaf", one("housing", 2, "Xà Phìn")),
        ("hooj Giàng Seo Chứ thoats ngheof", one("graduated", 1, household="Giàng Seo Chứ")),
        ("3 người đăng kí học nghề", one("training", 3)),  # kí = ký
    ],
)
def test_telex_leftovers_and_spelling(text: str, expected: object) -> None:
    assert run(text) == expected


def test_word_key() -> None:
    assert [word_key(w) for w in ("Nhà", "NHAF", "hooj", "owr", "thoast", "Đã", "ký")] == [
        "nha",
        "nha",
        "ho",
        "o",
        "thoat",
        "da",
        "ki",
    ]


def test_nfd_input_gives_nfc_household() -> None:
    text = unicodedata.normalize("NFD", "thôn Xà Phìn xong nhà hộ Giàng Seo Chứ")
    assert run(text) == one("housing", 1, "Xà Phìn", "Giàng Seo Chứ")


def test_invisible_and_control_characters() -> None:
    assert run("\u202exo\u200bng 2 n\u200chà\x00 👍🏽") == one("housing", 2)
    assert run("\u200b \ufeff\t\r\n") == "empty"


WEEKDAYS = [
    ("thứ 2", "2026-11-23"),
    ("t2", "2026-11-23"),
    ("T3", "2026-11-24"),
    ("thu tu", "2026-11-25"),
    ("thứ 4", "2026-11-25"),
    ("thứ năm", TODAY),  # today is Thursday: the latest on or before today
    ("t5", TODAY),
    ("thứ sáu", "2026-11-20"),
    ("t6", "2026-11-20"),
    ("thứ bảy", "2026-11-21"),
    ("t7", "2026-11-21"),
    ("CN", "2026-11-22"),
    ("chu nhat", "2026-11-22"),
    ("hôm nay", TODAY),
    ("hom kia", "2026-11-24"),
]


@pytest.mark.parametrize(("words", "when"), WEEKDAYS)
def test_weekdays_and_relative_days(words: str, when: str) -> None:
    assert run(f"{words} xong 2 nhà") == one("housing", 2, when=when)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("30/5 xong 2 nhà", TODAY, one("housing", 2, when="2026-05-30")),  # 180 days ago
        ("29/5 xong 2 nhà", TODAY, "invalid_date"),  # 181 days: the year is needed
        ("29/5/2026 xong 2 nhà", TODAY, one("housing", 2, when="2026-05-29")),
        ("27/11 xong 1 nhà", TODAY, "invalid_date"),  # last year's 27/11 is too old
        ("27/11/2026 xong 1 nhà", TODAY, "invalid_date"),  # future
        ("xong 2 nha ngay mai", TODAY, "invalid_date"),  # tomorrow: work not done yet
        ("sáng mai xong 1 nhà", TODAY, "invalid_date"),
        ("1/1/2021 xong 1 nhà", TODAY, one("housing", 1, when="2021-01-01")),
        ("31/12/2020 xong 1 nhà", TODAY, "invalid_date"),
        ("29/02 xong 1 nhà", "2028-03-10", one("housing", 1, when="2028-02-29")),
        ("29/02 xong 1 nhà", "2027-03-10", "invalid_date"),
        ("29/2/2024 xong 1 nhà", TODAY, one("housing", 1, when="2024-02-29")),
        ("29/2/2023 xong 1 nhà", TODAY, "invalid_date"),
        ("32/10 xong 1 nhà", TODAY, "invalid_date"),
        ("ngày 20 tháng 11 xong 2 nhà", TODAY, one("housing", 2, when="2026-11-20")),
        ("xong 2 nhà ngày 2-11", TODAY, one("housing", 2, when="2026-11-02")),
        ("thu sau 2 nha", TODAY, one("housing", 2, when="2026-11-20")),
        ("thứ hai hai nhà", TODAY, one("housing", 2, when="2026-11-23")),
    ],
)
def test_dates(text: str, today: str, expected: object) -> None:
    assert run(text, today=today) == expected


def test_a_date_applies_to_every_item() -> None:
    assert run("hôm qua: 2 nhà, 1 hộ thoát nghèo\nđào tạo 3 người") == [
        ("housing", 2, "Sà Lủng", None, "2026-11-25"),
        ("graduated", 1, "Sà Lủng", None, "2026-11-25"),
        ("training", 3, "Sà Lủng", None, "2026-11-25"),
    ]


def test_items_on_lines_with_leading_dashes() -> None:
    text = "Báo cáo tuần:\n- Xà Phìn: 2 nhà\n- Thèn Pả: 3 hộ thoát nghèo\n-đào tạo nghề 5 người"
    assert run(text, home="Mò Cở") == [
        ("housing", 2, "Xà Phìn", None, TODAY),
        ("graduated", 3, "Thèn Pả", None, TODAY),
        ("training", 5, "Mò Cở", None, TODAY),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- 2 nhà", one("housing", 2)),  # a list dash
        ("-2 nhà", "invalid_count"),  # a minus sign
        ("xong -3 nhà", "invalid_count"),
        ("1. Xà Phìn: 2 nhà", one("housing", 2, "Xà Phìn")),  # list numbering is not a count
    ],
)
def test_dash_and_numbering(text: str, expected: object) -> None:
    assert run(text) == expected


def test_village_at_line_start_applies_to_the_whole_line() -> None:
    assert run("Xà Phìn xong 2 nhà, 1 hộ thoát nghèo thôn Thèn Pả") == [
        ("housing", 2, "Xà Phìn", None, TODAY),
        ("graduated", 1, "Thèn Pả", None, TODAY),
    ]


def test_exact_village_name_may_open_a_later_item() -> None:
    assert run("Sà Lủng 2 nhà, Xà Phìn 3 nhà và Thèn Pả 1 hộ thoát nghèo") == [
        ("housing", 2, "Sà Lủng", None, TODAY),
        ("housing", 3, "Xà Phìn", None, TODAY),
        ("graduated", 1, "Thèn Pả", None, TODAY),
    ]


def test_a_heading_applies_to_its_own_line_only() -> None:
    # The spec: a village at the start of a line applies to the items "on that line".
    assert run("Thôn Xà Phìn\n2 nhà") == one("housing", 2)
    assert run("Thôn Xà Phìn: 2 nhà\n1 hộ thoát nghèo") == [
        ("housing", 2, "Xà Phìn", None, TODAY),
        ("graduated", 1, "Sà Lủng", None, TODAY),
    ]


def test_village_inside_an_item_applies_to_that_item_only() -> None:
    assert run("2 nhà thôn Xà Phìn, 1 hộ thoát nghèo") == [
        ("housing", 2, "Xà Phìn", None, TODAY),
        ("graduated", 1, "Sà Lủng", None, TODAY),
    ]
    assert run("hom qua xong 2 nha thon xa phin") == one("housing", 2, "Xà Phìn", when="2026-11-25")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hộ Giàng A Sử thôn Kho Tấu xong nhà", one("housing", 1, "Kho Tấu", "Giàng A Sử")),
        ("gia đình ông Lò Văn Páo đã thoát nghèo", one("graduated", 1, household="Lò Văn Páo")),
        ("hộ bà Vàng Thị Mai thoát nghèo", one("graduated", 1, household="Vàng Thị Mai")),
        ("HỘ SÙNG MÍ PÓ ĐÃ THOÁT NGHÈO", one("graduated", 1, household="SÙNG MÍ PÓ")),
        ("hộ Lò Văn Tám thoát nghèo", one("graduated", 1, household="Lò Văn Tám")),
        (
            "hộ Giàng Seo Chứ ở thôn Xà Phìn thoát nghèo",
            one("graduated", 1, "Xà Phìn", "Giàng Seo Chứ"),
        ),
        (
            "xong nhà hộ  Sùng   Mí Pó hôm qua",  # spaces inside a name are collapsed
            one("housing", 1, "Sà Lủng", "Sùng Mí Pó", "2026-11-25"),
        ),
        ("HOÀN THÀNH 2 NHÀ Ở CHO HỘ NGHÈO", one("housing", 2)),  # "hộ nghèo" is not a name
        ("ho giang seo chu thoat ngheo", "missing_count"),  # a name is capitalised
    ],
)
def test_households(text: str, expected: object) -> None:
    assert run(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 con bò, thôn Lũng Táo ngày 31/02", "unknown_indicator"),
        ("thôn Lũng Táo ngày 30/11 xong 0 nhà", "invalid_date"),
        ("thôn Pả Vi 3 nhà, thôn Lũng Táo 2 nhà", "unknown_village"),
        ("thôn Pả Vi xong nhà, nhà 0", "ambiguous_village"),
        ("xong nhà, nhà 0", "missing_count"),
        ("xong 2 nhà, 3 con bò", "unknown_indicator"),  # one bad item spoils the message
        ("chào anh, thôn Lũng Táo", "unknown_indicator"),
        ("   \n\t ", "empty"),
    ],
)
def test_error_precedence(text: str, expected: str) -> None:
    assert run(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thôn Sà Lủnh 1 nhà", one("housing", 1)),  # substitution
        ("thôn Xà Phìnn 2 nhà", one("housing", 2, "Xà Phìn")),  # insertion
        ("thôn XàPhìn 2 nhà", one("housing", 2, "Xà Phìn")),  # deletion (of the space)
        ("Xà Phình: 2 nhà", one("housing", 2, "Xà Phìn")),
        ("thôn Khai Hoang IV 2 nhà", "ambiguous_village"),  # one edit from I and from II
        ("thôn Lũng Táo 2 nhà", "unknown_village"),
        ("thôn Phiêng 2 nhà", one("housing", 2, "Phiêng Bung")),  # the beginning of one name
        ("thôn Nà Nũng 2 nhà", one("housing", 2, "Nà Nũng A")),
        ("Lũng Lừ: 3 nhà", one("housing", 3, "Lũng Lừ B")),
        ("thôn Chỏm 1 nhà", one("housing", 1, "Chỏm Xiêu")),
        ("thôn Xín 2 nhà", "ambiguous_village"),  # shared beginning
        ("Trù Lủng 2 nhà", "ambiguous_village"),
        ("Khai Hoang 1: 2 nhà", one("housing", 2, "Khai Hoang I")),  # alias
        ("thôn Khai Hoang II 2 nhà", one("housing", 2, "Khai Hoang II")),
        ("thôn Khai Hoang 2 nhà", "missing_count"),  # longest first: Khai Hoang 2 = II
        ("thon ma pi leng 1 nha", one("housing", 1, "Mã Pì Lèng")),
        ("Há Cá 3 người đào tạo", one("training", 3, "Há Cá Thình")),
        ("thôn mình xong 2 nhà", one("housing", 2)),  # "our village": the sender's own
        ("Báo cáo của thôn: xong 2 nhà", one("housing", 2)),
        ("Xin báo cáo: xong 2 nhà", one("housing", 2)),
    ],
)
def test_village_names(text: str, expected: object) -> None:
    assert run(text) == expected


def test_error_fragments_and_candidates() -> None:
    def error(text: str) -> ParseError:
        result = parse_report(
            text, home_village=CODE["Sà Lủng"], today=date(2026, 11, 26), units=UNITS
        )
        assert isinstance(result, ParseError)
        return result

    assert error("thôn Pả Vi 2 nhà") == ParseError(
        "ambiguous_village", "Pả Vi", (CODE["Pả Vi Hạ"], CODE["Pả Vi Thượng"])
    )
    assert error("thôn Lũng Táo 2 nhà") == ParseError("unknown_village", "Lũng Táo")
    assert error("ngày 31/02 xong 1 nhà").fragment == "31/02"
    assert error("xong 501 nhà").fragment == "501"
    assert error("xong -2 nhà").fragment == "-2"
    assert error("nha " + "9" * 100).fragment.endswith("…")  # type: ignore[union-attr]
