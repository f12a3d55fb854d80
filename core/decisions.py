"""Reported versus decided: a household's category changes only by the commune's decision.

A cadre's "thoát nghèo" is a report. The commune chairman decides the lists of poor,
near-poor, graduated and newly poor households (QĐ 24/2021/QĐ-TTg, recognition step); the
decision is recorded in chat (``/quyetdinh``, by a leader of the commune or above) or by
importing the decided list, and becomes a step of the household's category history with
its number and date. Leaving poverty makes a household near-poor or lifts it above the
poverty line (mức sống trung bình, không thuộc diện); leaving near-poverty lifts it above
the line. Household names and categories are personal data: never logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from core.dates import parse_day
from core.households import Category
from core.models import Person, Role
from core.text import fold
from core.units import VILLAGE, UnitDirectory

__all__ = [
    "ABOVE_THE_LINE",
    "GRADUATION",
    "Decision",
    "DecisionProblem",
    "DecisionRequest",
    "DecisionStep",
    "Movement",
    "ReportedGraduation",
    "may_decide",
    "movement",
    "parse_decision",
]

# The indicator cadres report a household leaving poverty with ("hộ … thoát nghèo").
GRADUATION: Final = "graduated"
# Above the near-poverty line: where a household goes when it leaves near-poverty.
ABOVE_THE_LINE: Final = frozenset({Category.MIDDLE, Category.NONE})


class Movement(StrEnum):
    """What one step of a household's history is, as the review reports name it."""

    LISTED = "listed"  # the first category the registry knows
    LEFT_POVERTY = "left_poverty"  # thoát nghèo: poor → near-poor or above the line
    LEFT_NEAR_POVERTY = "left_near_poverty"  # thoát cận nghèo: near-poor → above the line
    BECAME_POOR = "became_poor"  # phát sinh or tái nghèo
    BECAME_NEAR_POOR = "became_near_poor"  # from above the line
    OTHER = "other"  # the same category by a new decision, or middle ↔ none


def movement(before: Category | None, after: Category) -> Movement:
    if before is None:
        return Movement.LISTED
    if before == after:
        return Movement.OTHER
    if before == Category.POOR:
        return Movement.LEFT_POVERTY
    if after == Category.POOR:
        return Movement.BECAME_POOR
    if before == Category.NEAR_POOR:
        return Movement.LEFT_NEAR_POVERTY
    if after == Category.NEAR_POOR:
        return Movement.BECAME_NEAR_POOR
    return Movement.OTHER


@dataclass(frozen=True, slots=True)
class Decision:
    """The category a decision sets, its number and its date (the step's year is its year)."""

    category: Category
    number: str
    decided_on: date

    @property
    def year(self) -> int:
        return self.decided_on.year


@dataclass(frozen=True, slots=True)
class DecisionStep:
    """One step of a household's category history, as recorded (import or chat)."""

    id: int
    household_id: int
    village: str
    before: Category | None  # the category of the previous step that stands; None: first
    category: Category
    year: int
    decision: str
    decided_on: date | None
    source: str  # "import" or "chat"
    recorded_at: datetime
    actor_id: int | None = None  # who recorded it in chat; None for an import
    cancelled: bool = False

    @property
    def movement(self) -> Movement:
        return movement(self.before, self.category)


@dataclass(frozen=True, slots=True)
class ReportedGraduation:
    """A cadre's report of households leaving poverty, and whether a decision followed:
    its registry household is no longer poor."""

    report_id: int
    village: str
    household: str | None  # None: a count without a name ("3 hộ thoát nghèo")
    count: int
    done_on: date
    reporter_id: int
    decided: bool
    listed: bool  # the village's registry has the household


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """``/quyetdinh HỘ PHÂN_LOẠI SỐ_QĐ NGÀY`` as understood."""

    household: str  # a name or the commune's household code, as written
    decision: Decision
    leaving: Category | None  # "thoát nghèo": POOR; "thoát cận nghèo": NEAR_POOR


class DecisionProblem(StrEnum):
    HOUSEHOLD = "household"  # no household named before the category
    CATEGORY = "category"  # no category
    EXIT_WHERE = "exit_where"  # "thoát nghèo" without the category it leads to
    EXIT_MISMATCH = "exit_mismatch"  # "thoát nghèo sang nghèo"
    NUMBER = "number"  # no decision number
    DATE = "date"  # no date, or no real one
    FUTURE = "future"  # a date after today


# Folded phrases, longest first where one starts another.
_EXITS: Final = {
    ("thoat", "can", "ngheo"): Category.NEAR_POOR,
    ("thoat", "ngheo"): Category.POOR,
}
_CATEGORIES: Final = {
    ("ho", "co", "muc", "song", "trung", "binh"): Category.MIDDLE,
    ("ho", "muc", "song", "trung", "binh"): Category.MIDDLE,
    ("muc", "song", "trung", "binh"): Category.MIDDLE,
    ("ho", "khong", "thuoc", "dien"): Category.NONE,
    ("khong", "thuoc", "dien"): Category.NONE,
    ("ho", "can", "ngheo"): Category.NEAR_POOR,
    ("can", "ngheo"): Category.NEAR_POOR,
    ("trung", "binh"): Category.MIDDLE,
    ("ho", "ngheo"): Category.POOR,
    ("tai", "ngheo"): Category.POOR,
    ("ngheo",): Category.POOR,
}
# Words between "thoát nghèo" and the category it leads to ("thoát nghèo sang cận nghèo").
_LINKS: Final = frozenset({"sang", "thanh", "len", "ve", "la", "->", "→", "-", ":"})
# Words around the decision's number and date that are not part of them.
_FILLERS: Final = frozenset(
    {"so", "qd", "quyet", "dinh", "ngay", "theo", "tai", "nam", "-", ":", "ky"}
)
_PUNCTUATION: Final = re.compile(r"^[,;.]+|[,;.]+$")


def _phrase(
    words: list[str], at: int, phrases: dict[tuple[str, ...], Category]
) -> tuple[int, Category] | None:
    for phrase, category in phrases.items():
        if tuple(words[at : at + len(phrase)]) == phrase:
            return len(phrase), category
    return None


def _without_household_word(words: list[str]) -> list[str]:
    """ "hộ Giàng Seo Chứ", "gia đình …" name the household Giàng Seo Chứ. "Hồ" is a surname,
    and so may "Ho" be: only "hộ" and a lower-case "ho" are dropped."""
    if len(words) > 2 and [fold(w) for w in words[:2]] == ["gia", "dinh"]:
        return words[2:]
    if words and (words[0].lower() == "hộ" or words[0] == "ho"):
        return words[1:]
    return words


def parse_decision(args: str, today: date) -> DecisionRequest | DecisionProblem:
    """'Giàng Seo Chứ thoát nghèo sang cận nghèo số 123/QĐ-UBND ngày 15/11/2026'.

    The household comes first, then the new category (or "thoát nghèo"/"thoát cận nghèo"
    and the category it leads to), then the decision's number and date in either order.
    """
    raw = [_PUNCTUATION.sub("", w) for w in args.split()]
    raw = [w for w in raw if w]
    words = [fold(w) for w in raw]
    start = None
    for i in range(len(words)):
        if _phrase(words, i, _EXITS) or _phrase(words, i, _CATEGORIES):
            start = i
            break
    if start is None:
        return DecisionProblem.CATEGORY
    name_words = _without_household_word(raw[:start])
    if not name_words:
        return DecisionProblem.HOUSEHOLD
    at = start
    leaving: Category | None = None
    exit_phrase = _phrase(words, at, _EXITS)
    if exit_phrase is not None:
        size, leaving = exit_phrase
        at += size
        while at < len(words) and words[at] in _LINKS:
            at += 1
    found = _phrase(words, at, _CATEGORIES)
    if found is None:
        return DecisionProblem.EXIT_WHERE if leaving is not None else DecisionProblem.CATEGORY
    size, category = found
    at += size
    if leaving == Category.POOR and category == Category.POOR:
        return DecisionProblem.EXIT_MISMATCH
    if leaving == Category.NEAR_POOR and category not in ABOVE_THE_LINE:
        return DecisionProblem.EXIT_MISMATCH
    decided_on: date | None = None
    number: list[str] = []
    for word, folded in zip(raw[at:], words[at:], strict=True):
        day = parse_day(word) if decided_on is None else None
        if day is not None:
            decided_on = day
        elif folded not in _FILLERS:
            number.append(word)
    if not number or not any(c.isdigit() for c in "".join(number)):
        return DecisionProblem.NUMBER
    if decided_on is None or decided_on.year < 2000:
        return DecisionProblem.DATE
    if decided_on > today:
        return DecisionProblem.FUTURE
    return DecisionRequest(
        household=" ".join(name_words),
        decision=Decision(category, " ".join(number), decided_on),
        leaving=leaving,
    )


def may_decide(person: Person, village: str, units: UnitDirectory) -> bool:
    """A leader of the village's commune or above, or an admin: the commune decides."""
    if person.role == Role.ADMIN:
        return units.get(village) is not None
    if person.role != Role.LEADER:
        return False
    scope = units.get(person.scope)
    return scope is not None and scope.level != VILLAGE and units.contains(scope.code, village)
