"""A commune's household list read into registry records: good lines, every bad line named."""

from __future__ import annotations

from pathlib import Path

import bot
from bot.reference import load_units_csv
from core.household_table import RowProblem, read_household_rows
from core.households import Category, category_of, name_key
from core.tables import table_rows

UNITS = load_units_csv(Path(bot.__file__).parent / "data" / "units.csv")
HEADER = ["Thôn", "Chủ hộ", "Năm sinh", "Dân tộc", "Số nhân khẩu", "Phân loại", "Năm", "Mã hộ"]


def test_the_shipped_sample_reads_whole() -> None:
    sample = Path(bot.__file__).parent / "data" / "households_sample.csv"
    table = read_household_rows(table_rows(sample.read_text(encoding="utf-8-sig")), UNITS)
    assert table.problems == []
    assert len(table.records) == 6
    line, first = table.records[0]
    assert (line, first.village, first.name, first.birth_year) == (
        2,
        "v:sa-lung",
        "Giàng Seo Chứ",
        1978,
    )
    assert (first.category, first.year, first.code, first.members) == (
        Category.POOR,
        2025,
        "SL-001",
        6,
    )


def test_categories_and_names_as_communes_write_them() -> None:
    assert category_of("Hộ nghèo") == Category.POOR
    assert category_of("CẬN NGHÈO") == Category.NEAR_POOR
    assert category_of("hộ có mức sống trung bình") == Category.MIDDLE
    assert category_of("Không thuộc diện") == Category.NONE
    assert category_of("giàu") is None
    assert name_key("Giàng Seo Chứ") == name_key("giang  seo chu") == name_key("GiàngSeo Chứ")


def test_every_bad_line_is_named_and_nothing_is_kept() -> None:
    rows = [
        HEADER,
        ["Sà Lủng", "Giàng Seo Chứ", "1978", "Mông", "6", "nghèo", "2025", "SL-1"],
        ["Lũng Táo", "Vàng Mí Kỷ", "", "", "", "nghèo", "2025", ""],  # unknown village
        ["Sà Lủng", "", "", "", "", "nghèo", "2025", ""],  # no name
        ["Sà Lủng", "Lò Văn Sính", "19x5", "", "0", "giàu", "25", ""],  # four problems
        ["Sà Lủng", "Ly Mí Sò", "", "", "", "nghèo", "2025", "SL-1"],  # same code as line 2
        ["Sà Lủng", "giàng seo chứ", "1978", "", "", "nghèo", "2025", ""],
        ["", "", "", "", "", "", "", ""],  # blank lines are skipped
    ]
    table = read_household_rows(rows, UNITS)
    assert [(p.line, p.what) for p in table.problems] == [
        (3, "village"),
        (4, "name"),
        (5, "category"),
        (5, "year"),
        (5, "birth_year"),
        (5, "members"),
        (6, "duplicate"),
        (7, "duplicate"),  # no code: the same village, name and birth year as line 2
    ]
    assert RowProblem(6, "duplicate", other=2) in table.problems


def test_a_village_name_is_matched_exactly_never_guessed() -> None:
    rows = [HEADER, ["Lũng Lừ A", "Vàng Mí Kỷ", "", "", "", "nghèo", "2025", ""]]
    assert [p.what for p in read_household_rows(rows, UNITS).problems] == ["village"]
    rows = [HEADER, ["thôn Mã Pí Lèng", "Vàng Mí Kỷ", "", "", "", "nghèo", "2025", ""]]
    ((_, record),) = read_household_rows(rows, UNITS).records
    assert record.village == "v:ma-pi-leng"  # an alias


def test_missing_columns_are_named() -> None:
    table = read_household_rows([["Thôn", "Tên"], ["Sà Lủng", "A"]], UNITS)
    assert [(p.line, p.what, p.value) for p in table.problems] == [
        (1, "missing_columns", "name, category, year")
    ]


def test_year_end_totals_are_a_list_of_their_own() -> None:
    rows = [["Thôn", "Năm", "Tổng số hộ"], ["Sà Lủng", "2025", "121"], ["Xà Phìn", "2025", "-3"]]
    table = read_household_rows(rows, UNITS)
    assert [(p.line, p.what) for p in table.problems] == [(3, "total")]
    assert [(t.village, t.year, t.total) for t in table.totals] == [("v:sa-lung", 2025, 121)]
