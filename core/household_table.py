"""Reading a commune's household list (rows of a sheet or CSV) into registry records.

Columns are found by their header, in Vietnamese or English, ignoring case, diacritics and
spacing. A list of households has the village and the head's name, and where known the birth
year, ethnicity, number of members, category, year and decision, and the household code. A
list of year-end totals (tổng số hộ) has the village, the year and the total instead. Every
bad line is reported (``RowProblem``; the bot words them), and then nothing is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from core.columns import column_index, header_keys, sheet_lines
from core.dates import parse_day
from core.households import Category, HouseholdRecord, VillageTotal, category_of, duplicate_lines
from core.text import fold
from core.units import VILLAGE, UnitDirectory

__all__ = ["COLUMNS", "HouseholdTable", "RowProblem", "read_household_rows", "village_index"]


# Field → the headers it is found by (compared folded, without spaces or punctuation).
COLUMNS: Final = {
    "village": ("thôn", "thôn bản", "bản", "thôn/bản", "village"),
    "name": ("chủ hộ", "tên chủ hộ", "họ tên chủ hộ", "họ và tên chủ hộ", "head", "name"),
    "birth_year": ("năm sinh", "năm sinh chủ hộ", "birth year", "birth_year"),
    "ethnicity": ("dân tộc", "ethnicity"),
    "members": ("số nhân khẩu", "nhân khẩu", "số khẩu", "members"),
    "category": ("phân loại", "phân loại hộ", "diện", "loại hộ", "category"),
    "year": ("năm", "năm quyết định", "year"),
    "decision": ("quyết định", "số quyết định", "decision"),
    "decided_on": ("ngày quyết định", "ngày qđ", "decision date", "decided_on"),
    "code": ("mã hộ", "mã số hộ", "household code", "code"),
    "total": ("tổng số hộ", "số hộ", "total", "total households"),
}
_BY_HEADER: Final = column_index(COLUMNS)
FIRST_YEAR: Final = 2000
LAST_YEAR: Final = 2100
MAX_MEMBERS: Final = 50
MAX_TOTAL: Final = 100_000


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why a line cannot be imported. ``what``: missing_columns, extra_values, village,
    name, category, year, birth_year, decided_on, members, total, duplicate, empty.
    ``value``: the text at fault; ``other``: the earlier line of a duplicate."""

    line: int
    what: str
    value: str = ""
    other: int = 0


@dataclass(slots=True)
class HouseholdTable:
    records: list[tuple[int, HouseholdRecord]] = field(default_factory=list)
    totals: list[VillageTotal] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _year(text: str) -> int | None:
    text = text.strip().removesuffix(".0")
    return int(text) if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR else None


def _number(text: str, largest: int) -> int | None:
    text = text.strip().removesuffix(".0")
    return int(text) if text.isdigit() and 0 < int(text) <= largest else None


def village_index(units: UnitDirectory) -> dict[str, str | None]:
    """Villages by folded name and alias; None for a name two villages share."""
    index: dict[str, str | None] = {}
    for unit in units:
        if unit.level == VILLAGE:
            for name in unit.names:
                key = fold(name)
                index[key] = unit.code if index.get(key, unit.code) == unit.code else None
    return index


def _village(text: str, villages: dict[str, str | None]) -> str | None:
    """The village named exactly (a list is typed once and checked: no typo is guessed)."""
    key = fold(text)
    for marker in ("thon ", "ban "):
        key = key.removeprefix(marker)
    return villages.get(key)


def _household(
    line: int, row: dict[str, str], villages: dict[str, str | None], problems: list[RowProblem]
) -> HouseholdRecord | None:
    before = len(problems)
    village = _village(row.get("village", ""), villages)
    if village is None:
        problems.append(RowProblem(line, "village", row.get("village", "")))
    name = " ".join(row.get("name", "").split())
    if not name:
        problems.append(RowProblem(line, "name"))
    category = category_of(row.get("category", ""))
    if category is None:
        problems.append(RowProblem(line, "category", row.get("category", "")))
    year = _year(row.get("year", ""))
    if year is None:
        problems.append(RowProblem(line, "year", row.get("year", "")))
    birth_year: int | None = None
    if row.get("birth_year"):
        birth_year = _number(row["birth_year"], LAST_YEAR)
        if birth_year is None or birth_year < 1900:
            problems.append(RowProblem(line, "birth_year", row["birth_year"]))
    members: int | None = None
    if row.get("members"):
        members = _number(row["members"], MAX_MEMBERS)
        if members is None:
            problems.append(RowProblem(line, "members", row["members"]))
    decided_on = None
    if row.get("decided_on"):
        decided_on = parse_day(row["decided_on"])  # an Excel date arrives as 2025-12-15
        if decided_on is None or decided_on.year < FIRST_YEAR:
            problems.append(RowProblem(line, "decided_on", row["decided_on"]))
    if len(problems) > before or village is None or category is None or year is None:
        return None
    return HouseholdRecord(
        village=village,
        name=name,
        category=Category(category),
        year=year,
        birth_year=birth_year,
        ethnicity=" ".join(row.get("ethnicity", "").split()),
        members=members,
        decision=row.get("decision", "").strip(),
        code=row.get("code", "").strip(),
        decided_on=decided_on,
    )


def _total(
    line: int, row: dict[str, str], villages: dict[str, str | None], problems: list[RowProblem]
) -> VillageTotal | None:
    village = _village(row.get("village", ""), villages)
    year = _year(row.get("year", ""))
    total = _number(row.get("total", ""), MAX_TOTAL)
    if village is None:
        problems.append(RowProblem(line, "village", row.get("village", "")))
    if year is None:
        problems.append(RowProblem(line, "year", row.get("year", "")))
    if total is None:
        problems.append(RowProblem(line, "total", row.get("total", "")))
    if village is None or year is None or total is None:
        return None
    return VillageTotal(village, year, total)


def read_household_rows(rows: Sequence[Sequence[str]], units: UnitDirectory) -> HouseholdTable:
    """The households (or year-end totals) of a sheet; the header is line 1."""
    table = HouseholdTable()
    villages = village_index(units)
    if not rows:
        table.problems.append(RowProblem(1, "empty"))
        return table
    header = header_keys(rows[0], _BY_HEADER)
    is_totals = "total" in header and "name" not in header
    needed = ("village", "year", "total") if is_totals else ("village", "name", "category", "year")
    missing = [c for c in needed if c not in header]
    if missing:
        table.problems.append(RowProblem(1, "missing_columns", ", ".join(missing)))
        return table
    seen_totals: dict[tuple[str, int], int] = {}
    for line, row in sheet_lines(rows, header):
        if row is None:
            table.problems.append(RowProblem(line, "extra_values"))
            continue
        if is_totals:
            total = _total(line, row, villages, table.problems)
            if total is not None:
                earlier = seen_totals.setdefault((total.village, total.year), line)
                if earlier != line:
                    table.problems.append(RowProblem(line, "duplicate", other=earlier))
                table.totals.append(total)
            continue
        record = _household(line, row, villages, table.problems)
        if record is not None:
            table.records.append((line, record))
    for line, earlier in duplicate_lines(table.records):
        table.problems.append(RowProblem(line, "duplicate", other=earlier))
    if not table.records and not table.totals and not table.problems:
        table.problems.append(RowProblem(2, "empty"))
    table.problems.sort(key=lambda p: p.line)
    return table
