"""Dates written in numbers, read one way for reports, tasks, targets and CSV files.

The forms are d/m, d/m/y and y/m/d, with "/", "-" or "." between the numbers; a day and a
month have one or two digits, a year two (20YY) or four. Which day a date without a year
means depends on what it is for: a report tells of the past (``core.report_dates`` reads
dates in a report message), a deadline of the future (``read_deadline``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Final, NamedTuple

__all__ = [
    "DueDateError",
    "WrittenDate",
    "date_numbers",
    "full_year",
    "looks_like_date",
    "parse_day",
    "parse_due",
    "read_date",
    "read_deadline",
    "real_date",
]

# A text that is only numbers and separators the way dates are written.
_WRITTEN: Final = re.compile(r"(\d+)([/.-])(\d+)(?:([/.-])(\d+))?")
# A leap day may be four years ahead; eight covers a century year without one.
_YEARS_AHEAD: Final = 9


class WrittenDate(NamedTuple):
    """The numbers of a date as written; not yet checked to be a real day.

    A named tuple, not a dataclass: the report parser makes one for every date it reads."""

    day: int
    month: int
    year: int | None = None  # None: written without a year

    def as_written(self) -> date | None:
        """The day itself, when the year is written and the day exists."""
        return None if self.year is None else real_date(self.year, self.month, self.day)

    def next_from(self, today: date) -> date | None:
        """The day as a deadline: with a year as written, else the next such day from today."""
        if self.year is not None:
            return real_date(self.year, self.month, self.day)
        candidates = (real_date(today.year + k, self.month, self.day) for k in range(_YEARS_AHEAD))
        return next((d for d in candidates if d is not None and d >= today), None)


class DueDateError(ValueError):
    """A due date that is not a real date ('invalid') or lies in the past ('past')."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason}: {text}")
        self.reason = reason
        self.text = text


def real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def full_year(digits: str) -> int | None:
    """A year as written: two digits are 20YY, four as they are; anything else is none."""
    if len(digits) == 4:
        return int(digits)
    if len(digits) == 2:
        return 2000 + int(digits)
    return None


def date_numbers(parts: Sequence[str]) -> WrittenDate | None:
    """The date two or three numbers write: d/m, d/m/y or y/m/d (a year of four digits first).

    None when they cannot be a date: a day or month of more than two digits, or a year of
    other than two or four.
    """
    if len(parts) == 3 and len(parts[0]) == 4:
        parts = (parts[2], parts[1], parts[0])
    if len(parts[0]) > 2 or len(parts[1]) > 2:
        return None
    if len(parts) == 2:
        return WrittenDate(int(parts[0]), int(parts[1]))
    year = full_year(parts[2])
    if year is None:
        return None
    return WrittenDate(int(parts[0]), int(parts[1]), year)


def looks_like_date(text: str) -> bool:
    """Whether a word is numbers joined by "/", "-" or "." as dates are written ("31/12")."""
    return _WRITTEN.fullmatch(text.strip()) is not None


def read_date(text: str) -> WrittenDate | None:
    """A text that is only a date: "31/12", "31.12.26", "31/12/2026", "2026-12-31".

    The separators of d/m/y may differ ("31/12-2026"); a year comes first only in the ISO
    form (yyyy-mm-dd).
    """
    match = _WRITTEN.fullmatch(text.strip())
    if match is None:
        return None
    first, before, second, after, third = match.groups()
    if third is None:
        return date_numbers((first, second))
    if len(first) == 4 and (before, after) != ("-", "-"):
        return None
    return date_numbers((first, second, third))


def parse_day(text: str) -> date | None:
    """A date written with its year: '1/12/2026', '01.12.26' or '2026-12-01'; None otherwise."""
    written = read_date(text)
    return written.as_written() if written is not None else None


def read_deadline(text: str, today: date) -> date | None:
    """'31/12' → the next 31 December on or after today; '31/12/2026' as given; else None."""
    written = read_date(text)
    return written.next_from(today) if written is not None else None


def parse_due(text: str, today: date) -> date:
    """A deadline (see ``read_deadline``) that has not passed.

    Raises DueDateError when the text is no real date or the date has passed.
    """
    raw = text.strip()
    found = read_deadline(raw, today)
    if found is None:
        raise DueDateError("invalid", raw)
    if found < today:
        raise DueDateError("past", raw)
    return found
