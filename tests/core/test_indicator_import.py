"""Reading an indicators file, and the parser reading the imported indicators like the shipped."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reference import shipped_units
from core.indicators import DEFAULT_INDICATORS, IndicatorSet, parse_indicators_csv
from core.parser import ReportParser
from core.parsing import ErrorCode, ParseError
from core.tables import TableError

HEADER = "code,name_vi,name_en,unit_vi,unit_en,keywords,household\n"


def _parser(text: str) -> ReportParser:
    added = parse_indicators_csv(HEADER + text, DEFAULT_INDICATORS)
    return ReportParser(shipped_units(), IndicatorSet.of([*DEFAULT_INDICATORS, *added]))


def test_a_line_gives_names_units_keywords_and_the_household_rule() -> None:
    (water,) = parse_indicators_csv(
        HEADER + "water,Nước sạch,Clean water,hộ,household|households, nước sạch | Nước sạch ,có\n",
        DEFAULT_INDICATORS,
    )
    assert water.keywords == ("nước sạch", "Nước sạch")
    assert water.per_household
    assert (water.unit("en", 1), water.unit("en", 2), water.unit("vi", 2)) == (
        "household",
        "households",
        "hộ",
    )


def test_bad_lines_are_named() -> None:
    text = (
        "Water,Nước,Water,hộ,household,nước,no\n"
        "well,Giếng,Wells,cái,well,,no\n"
        "well2,Giếng,Wells,cái,well,giếng,maybe\n"
    )
    with pytest.raises(TableError) as error:
        parse_indicators_csv(HEADER + text, DEFAULT_INDICATORS)
    assert error.value.problems == [
        "line 2: code 'Water' must be lower-case letters, digits or _",
        "line 3: keywords must not be empty",
        "line 4: household 'maybe' is not yes or no",
    ]
    with pytest.raises(TableError, match="missing columns: household"):
        parse_indicators_csv("code,name_vi,name_en,unit_vi,unit_en,keywords\n", DEFAULT_INDICATORS)


def test_the_longest_keyword_wins_and_not_done_is_refused_for_imported_ones() -> None:
    parser = _parser("latrine,Nhà tiêu,Latrines,cái,latrine,nhà tiêu hợp vệ sinh|nhà tiêu,no\n")

    def items(text: str) -> list[tuple[str, int]] | ParseError:
        result = parser.parse(text, home_village="v:sa-lung", today=date(2026, 11, 26))
        if isinstance(result, ParseError):
            return result
        return [(i.indicator, i.count) for i in result.items]

    assert items("xong 3 nhà tiêu hợp vệ sinh") == [("latrine", 3)]
    assert items("xong 3 nhà") == [("housing", 3)]
    assert items("xong 3 nhà tiêu, 2 nhà") == [("latrine", 3), ("housing", 2)]
    refused = items("chua xong 3 nha tieu")
    assert isinstance(refused, ParseError)
    assert refused.code == ErrorCode.NOT_DONE
