"""The commune's household registry: households, their poverty category and its history.

A household's category (nghèo, cận nghèo, mức sống trung bình, không thuộc diện) is set by
the commune's decision of a year; leaving poverty is a move between categories, kept as
history. A household is identified by the commune's household code, else by village, the
head's name (ignoring case, diacritics and spacing) and birth year: names repeat a lot in
Mèo Vạc. Household names, ethnicity and categories are personal data: never logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from core.text import fold

__all__ = [
    "Category",
    "CategoryChange",
    "Household",
    "HouseholdImport",
    "HouseholdRecord",
    "VillageTotal",
    "category_of",
    "household_key",
    "name_key",
]


class Category(StrEnum):
    """A household's poverty category; the stored values never change."""

    POOR = "poor"
    NEAR_POOR = "near_poor"
    MIDDLE = "middle"
    NONE = "none"


# The category as written in a commune's list, folded, without "hộ".
_CATEGORY_WORDS: Final = {
    "ngheo": Category.POOR,
    "ho ngheo": Category.POOR,
    "can ngheo": Category.NEAR_POOR,
    "ho can ngheo": Category.NEAR_POOR,
    "muc song trung binh": Category.MIDDLE,
    "ho muc song trung binh": Category.MIDDLE,
    "ho co muc song trung binh": Category.MIDDLE,
    "trung binh": Category.MIDDLE,
    "khong thuoc dien": Category.NONE,
    "khong": Category.NONE,
    "khong ngheo": Category.NONE,
    "poor": Category.POOR,
    "near_poor": Category.NEAR_POOR,
    "middle": Category.MIDDLE,
    "none": Category.NONE,
}


def category_of(text: str) -> Category | None:
    """The category a list writes ("Hộ nghèo", "cận nghèo", "Không thuộc diện"), or None."""
    return _CATEGORY_WORDS.get(" ".join(fold(text).replace("-", " ").split()))


def name_key(name: str) -> str:
    """A name for matching: case, diacritics (đ = d) and spacing ignored."""
    return "".join(fold(name).split())


@dataclass(frozen=True, slots=True)
class HouseholdRecord:
    """One household as a list gives it (an import line, or a household to add)."""

    village: str  # unit code
    name: str  # the household head's name, as written
    category: Category
    year: int  # the year whose decision set the category
    birth_year: int | None = None
    ethnicity: str = ""
    members: int | None = None
    decision: str = ""  # the decision's number, as written
    code: str = ""  # the commune's own household code
    decided_on: date | None = None  # the decision's date, where the list gives it


@dataclass(frozen=True, slots=True)
class Household:
    """A household in the registry."""

    id: int
    village: str
    name: str
    category: Category
    year: int
    birth_year: int | None = None
    ethnicity: str = ""
    members: int | None = None
    decision: str = ""
    code: str = ""

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True, slots=True)
class CategoryChange:
    """One step of a household's history: the category a decision set, and when."""

    household_id: int
    category: Category
    year: int
    decision: str
    source: str  # "import" or "chat"
    recorded_at: str


@dataclass(frozen=True, slots=True)
class VillageTotal:
    """The number of households of a village at the end of a year (tổng số hộ)."""

    village: str
    year: int
    total: int


@dataclass(frozen=True, slots=True)
class HouseholdImport:
    """What an import changed: households added, updated (and of those, category changes),
    unchanged; year-end totals set; and households whose category a line of an older year
    left as it was (a later decision stands)."""

    added: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    totals: int = 0
    kept: int = 0


def household_key(village: str, name: str, birth_year: int | None) -> tuple[str, str, int]:
    """The identity of a household without a code: village, name key, birth year (0: none)."""
    return village, name_key(name), birth_year or 0


def duplicate_lines(records: Sequence[tuple[int, HouseholdRecord]]) -> list[tuple[int, int]]:
    """(line, earlier line) for each record naming a household an earlier line named: the
    same code, or without a code the same village, name and birth year."""
    by_code: dict[str, int] = {}
    by_key: dict[tuple[str, str, int], int] = {}
    found = []
    for line, record in records:
        key = household_key(record.village, record.name, record.birth_year)
        earlier = by_code.get(record.code) if record.code else by_key.get(key)
        if earlier is not None:
            found.append((line, earlier))
            continue
        if record.code:
            by_code[record.code] = line
        by_key.setdefault(key, line)
    return found
