"""Tasks leaders give villages: a target count of one indicator by a due date.

Reading an assignment (`/giao Sà Lủng nhà 5 31/12`, or a CSV line) and the arithmetic of
progress live here, free of storage and messengers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.dates import DueDateError, parse_due
from core.indicators import IndicatorSet, find_indicator
from core.text import fold
from core.units import VILLAGE, UnitDirectory, find_units

__all__ = [
    "MAX_TASK_COUNT",
    "Assignment",
    "AssignmentError",
    "NewTask",
    "Task",
    "TaskProgress",
    "TaskStatus",
    "iso_period",
    "parse_assignment",
]

MAX_TASK_COUNT = 99_999

_COUNT = re.compile(r"^\d+$")
_MAX_WORDS = 16  # longer than any village name, indicator, count and date together
_DUE_WORDS = frozenset({"han", "den", "truoc"})  # "hạn 31/12", "đến 31/12", "trước 31/12"


class TaskStatus(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class NewTask:
    village: str  # unit code of a village
    indicator: str
    target: int
    start_on: date  # reports done on or after this day count toward the task
    due_on: date


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    village: str
    indicator: str
    target: int
    start_on: date
    due_on: date
    created_by: int | None
    status: TaskStatus = TaskStatus.OPEN


@dataclass(frozen=True, slots=True)
class TaskProgress:
    task: Task
    done: int

    @property
    def complete(self) -> bool:
        return self.done >= self.task.target

    def days_left(self, today: date) -> int:
        """Days until the due date; 0 on the day itself, negative once it has passed."""
        return (self.task.due_on - today).days

    def overdue(self, today: date) -> bool:
        return not self.complete and self.task.due_on < today


def iso_period(day: date) -> str:
    """The ISO week a day belongs to, as reminders are keyed: '2026-W49'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class Assignment:
    village: str
    indicator: str
    target: int
    due_on: date


@dataclass(frozen=True, slots=True)
class AssignmentError:
    # usage, invalid_count, invalid_date, past_date, unknown_indicator, unknown_village,
    # ambiguous_village, not_a_village
    code: str
    fragment: str = ""
    candidates: tuple[str, ...] = ()  # unit codes, for ambiguous_village


def _resolve_village(units: UnitDirectory, words: Sequence[str]) -> AssignmentError | str:
    name = " ".join(words)
    found = find_units(units, name)
    if not found:
        return AssignmentError("unknown_village", name)
    villages = [u for u in found if u.level == VILLAGE]
    if len(villages) > 1:
        return AssignmentError("ambiguous_village", name, tuple(u.code for u in villages))
    if not villages:
        return AssignmentError("not_a_village", name)
    return villages[0].code


def parse_assignment(
    text: str, *, today: date, units: UnitDirectory, indicators: IndicatorSet
) -> Assignment | AssignmentError:
    """Read 'THÔN CHỈ_TIÊU SỐ HẠN' (also 'THÔN SỐ CHỈ_TIÊU HẠN'), with or without diacritics."""
    words = text.split()
    if not 4 <= len(words) <= _MAX_WORDS:
        return AssignmentError("usage")
    due_text = words[-1]
    words = words[:-1]
    if words and fold(words[-1]) in _DUE_WORDS:
        words = words[:-1]
    counts = [i for i, w in enumerate(words) if _COUNT.match(w)]
    if not counts:
        return AssignmentError("usage")
    # The last number is the count: village names may contain numbers ('Thôn 2').
    position = counts[-1]
    count_text = words[position]
    before, after = words[:position], words[position + 1 :]
    if after:
        indicator = find_indicator(indicators, " ".join(after))
        if indicator is None:
            return AssignmentError("unknown_indicator", " ".join(after))
        village_words: Sequence[str] = before
    else:
        # The indicator is the longest tail of the words that names one: "đào tạo nghề".
        split = next(
            (
                i
                for i in range(1, len(before))
                if find_indicator(indicators, " ".join(before[i:])) is not None
            ),
            None,
        )
        if split is None:
            return AssignmentError("unknown_indicator", " ".join(before[1:]))
        found_indicator = find_indicator(indicators, " ".join(before[split:]))
        assert found_indicator is not None
        indicator = found_indicator
        village_words = before[:split]
    if not village_words:
        return AssignmentError("usage")
    count = int(count_text)
    if not 1 <= count <= MAX_TASK_COUNT:
        return AssignmentError("invalid_count", count_text)
    try:
        due = parse_due(due_text, today)
    except DueDateError as error:
        return AssignmentError("past_date" if error.reason == "past" else "invalid_date", due_text)
    village = _resolve_village(units, village_words)
    if isinstance(village, AssignmentError):
        return village
    return Assignment(village=village, indicator=indicator.code, target=count, due_on=due)
