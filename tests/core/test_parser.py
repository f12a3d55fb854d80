"""The report parser against the dev corpus, plus properties that hold for any text."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bot
from bot.reference import load_units_csv
from core.indicators import DEFAULT_INDICATORS, Indicator, IndicatorSet
from core.parser import ReportParser, parse_report
from core.parsing import ErrorCode, ParseError, ParseOk, ParseResult
from core.units import VILLAGE, UnitDirectory

DATA = Path(__file__).resolve().parents[1] / "data"
UNITS = load_units_csv(Path(bot.__file__).parent / "data" / "units.csv")
CODE_OF = {u.name: u.code for u in UNITS if u.level == VILLAGE}
TODAY = date(2026, 11, 26)


def _corpus() -> list[dict[str, Any]]:
    lines = (DATA / "corpus_dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def as_expect(result: ParseResult, units: UnitDirectory = UNITS) -> dict[str, Any]:
    """The corpus' ``expect`` shape of a result, villages by canonical name."""
    if isinstance(result, ParseError):
        return {"ok": False, "error": result.code}
    return {
        "ok": True,
        "items": [
            {
                "indicator": i.indicator,
                "count": i.count,
                "village": units[i.village].name,
                "household": i.household,
                "date": i.date.isoformat(),
            }
            for i in result.items
        ],
    }


CORPUS = _corpus()


@pytest.mark.parametrize("case", CORPUS, ids=[c["text"][:40] or "<empty>" for c in CORPUS])
def test_dev_corpus(case: dict[str, Any]) -> None:
    result = parse_report(
        case["text"],
        home_village=CODE_OF[case["village"]],
        today=date.fromisoformat(case["today"]),
        units=UNITS,
    )
    assert as_expect(result) == case["expect"]


@pytest.mark.parametrize("form", ["NFD", "NFC"])
def test_dev_corpus_in_any_normal_form(form: str) -> None:
    for case in CORPUS:
        text = unicodedata.normalize(form, case["text"])
        result = parse_report(
            text,
            home_village=CODE_OF[case["village"]],
            today=date.fromisoformat(case["today"]),
            units=UNITS,
        )
        assert as_expect(result) == case["expect"], text


def test_parser_object_and_function_agree() -> None:
    parser = ReportParser(UNITS)
    for case in CORPUS:
        kwargs = {
            "home_village": CODE_OF[case["village"]],
            "today": date.fromisoformat(case["today"]),
        }
        assert parser.parse(case["text"], **kwargs) == parse_report(
            case["text"], units=UNITS, **kwargs
        )


def test_indicators_are_data() -> None:
    water = Indicator(
        code="water",
        name_vi="Nước sạch",
        name_en="Clean water",
        keywords=("nước sạch",),
        unit_vi="hộ",
        unit_en="household",
        unit_en_plural="households",
    )
    indicators = IndicatorSet.of([*DEFAULT_INDICATORS, water])
    result = parse_report(
        "3 hộ có nước sạch, xong 1 nhà",
        home_village="v:sa-lung",
        today=TODAY,
        units=UNITS,
        indicators=indicators,
    )
    assert isinstance(result, ParseOk)
    assert [(i.indicator, i.count) for i in result.items] == [("water", 3), ("housing", 1)]
    # Without the indicator the same words are not understood.
    plain = parse_report("3 hộ có nước sạch", home_village="v:sa-lung", today=TODAY, units=UNITS)
    assert isinstance(plain, ParseError)
    assert plain.code == "unknown_indicator"


def test_home_village_outside_directory_is_passed_through() -> None:
    result = parse_report("xong 2 nhà", home_village="-", today=TODAY, units=UNITS)
    assert isinstance(result, ParseOk)
    assert result.items[0].village == "-"


# --- properties ----------------------------------------------------------------------

_WORDS = """
thôn bản hộ gia đình xong đã nhà ở hoàn thành thoát nghèo đào tạo nghề học người hôm qua nay
kia thứ hai ba tư năm sáu bảy chủ nhật CN t2 t7 ngày tháng mười mươi một bốn tám chín Xà Phìn
Pả Vi Khai Hoang II Mã Pí Lèng Nà Nũng A Trù Lủng Lũng Táo Giàng Seo Chứ ông bà ạ và nhaf hooj
owr , ; : - / . 0 1 2 5 12 500 501 -3 20/11 31/02 29/2/2024 1/1/2020 8:30 2026 👍
"""
VOCABULARY = [*_WORDS.split(), "\n", "\r\n", "\u200b", "\u202e", "\x00"]
messages = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(VOCABULARY), max_size=25).map(" ".join),
    st.lists(st.sampled_from(VOCABULARY), max_size=25).map("".join),
)
todays = st.dates(min_value=date(2021, 1, 1), max_value=date(2035, 12, 31))


def _check(result: ParseResult, today: date) -> None:
    if isinstance(result, ParseError):
        assert isinstance(result.code, ErrorCode)
        if result.code == "ambiguous_village":
            assert len(result.candidates) >= 2
            assert all(UNITS.get(c) is not None for c in result.candidates)
        return
    assert isinstance(result, ParseOk)
    assert result.items
    for item in result.items:
        assert 1 <= item.count <= 500
        unit = UNITS.get(item.village)
        assert unit is not None
        assert unit.level == VILLAGE
        assert DEFAULT_INDICATORS.get(item.indicator) is not None
        assert date(2021, 1, 1) <= item.date <= today
        assert item.household is None or (
            item.household and item.household == item.household.strip()
        )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=messages, today=todays, home=st.sampled_from(sorted(CODE_OF.values())))
def test_any_text_gives_a_result(text: str, today: date, home: str) -> None:
    _check(parse_report(text, home_village=home, today=today, units=UNITS), today)


@settings(max_examples=200, deadline=None)
@given(text=st.lists(st.sampled_from(VOCABULARY), max_size=20).map(" ".join), today=todays)
def test_normal_form_does_not_matter(text: str, today: date) -> None:
    def run(t: str) -> ParseResult:
        return parse_report(t, home_village="v:sa-lung", today=today, units=UNITS)

    assert run(unicodedata.normalize("NFD", text)) == run(unicodedata.normalize("NFC", text))


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "xong 2 nhà, " * 1_000,
        "1" * 10_000,
        "1/" * 5_000,
        "thôn " * 2_000,
        "\u0301" * 5_000,
        "\u200b\u202e\ufeff" * 1_000 + "xong 2 nhà",
        "".join(chr(c) for c in range(0, 0x3000, 3)),
        "\ud800 xong 2 nhà",  # a lone surrogate, as a broken decoder may hand over
    ],
    ids=[
        "letters",
        "many-items",
        "digits",
        "slashes",
        "markers",
        "marks",
        "invisible",
        "mix",
        "surrogate",
    ],
)
def test_hostile_input(text: str) -> None:
    _check(parse_report(text, home_village="v:sa-lung", today=TODAY, units=UNITS), TODAY)
