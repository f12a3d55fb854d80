"""Dates in a report message: how cadres write them and which day they mean.

"12/11", "12/11/2026", "2026-11-12", "ngày 12 tháng 11 [năm 2026]", "ngày 12", "hôm qua",
"thứ hai", "CN". A day and month without a year is the latest such day not after today
and at most ``MAX_AGE_WITHOUT_YEAR`` old; "ngày D" alone is the latest day D not after
today. No date lies in the future or before the programme began (``EARLIEST_DATE``).
The numbers of a date are read as everywhere else (``core.dates``); a message may also put
the year first with "/" or "." ("2026/11/12").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from core.dates import date_numbers, full_year, real_date
from core.wording import NUM, Line

__all__ = ["last_weekday", "numeric_date", "read_day", "relative_day"]

# A day/month without year older than this must be written with its year.
MAX_AGE_WITHOUT_YEAR: Final = timedelta(days=180)
EARLIEST_DATE: Final = date(2021, 1, 1)

# A date read from tokens: the day (None when it cannot be) and the token after it.
DateRead = tuple[date | None, int]


def _resolve_date(day: int, month: int, year: int | None, today: date) -> date | None:
    """The date meant by d/m[/y], or None when it is impossible, too old or in the future."""
    if year is not None:
        when = real_date(year, month, day)
        if when is None or when < EARLIEST_DATE or when > today:
            return None
        return when
    when = real_date(today.year, month, day)
    if when is None or when > today:
        when = real_date(today.year - 1, month, day)
    if when is None or today - when > MAX_AGE_WITHOUT_YEAR:
        return None
    return when


def _within_programme(when: date, today: date) -> date | None:
    return when if EARLIEST_DATE <= when <= today else None


def relative_day(today: date, offset: int) -> date | None:
    """ "hôm nay", "hôm qua", "hôm kia": today plus ``offset`` days."""
    return _within_programme(today + timedelta(days=offset), today)


def last_weekday(today: date, weekday: int) -> date | None:
    """ "thứ hai" … "CN": the latest such day, today included; None before the programme
    (a "CN" sent on its first day)."""
    return _within_programme(today - timedelta(days=(today.weekday() - weekday) % 7), today)


def read_day(t: Line, j: int, today: date) -> DateRead | None:
    """ "ngày D tháng M [năm Y]" or "ngày D" (this month or the one before), "ngày" at j.

    None when no day number follows "ngày" (or a numeric date does, read elsewhere).
    """
    key, kind, n = t.key, t.kind, t.n
    d = j + 1
    if d >= n or kind[d] != NUM or (t.joined(d, d + 1) and key[d + 1] in ("/", "-", ".")):
        return None
    day = int(key[d]) if len(key[d]) <= 2 else 0
    if d + 2 < n and key[d + 1] == "thang" and kind[d + 2] == NUM:
        month = int(key[d + 2]) if len(key[d + 2]) <= 2 else 0
        end = d + 3
        year = None
        if end + 1 < n and key[end] == "nam" and kind[end + 1] == NUM:
            year = full_year(key[end + 1])
            end += 2
        return _resolve_date(day, month, year, today), end
    year, month = today.year, today.month
    for _ in range(3):
        when = real_date(year, month, day)
        if when is not None and when <= today:
            return when, d + 1
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None, d + 1


def numeric_date(t: Line, j: int, today: date, after_day_word: bool) -> DateRead | None:
    """d/m, d/m/yyyy (also with - or . after "ngày" or with a year) and yyyy-mm-dd at j.

    None when the number at j starts no date (then it may be a count).
    """
    key, kind = t.key, t.kind
    if not (
        t.joined(j, j + 1)
        and key[j + 1] in ("/", "-", ".")
        and t.joined(j + 1, j + 2)
        and kind[j + 2] == NUM
    ):
        return None
    sep = key[j + 1]
    parts = [key[j], key[j + 2]]
    end = j + 3
    if (
        t.joined(end - 1, end)
        and key[end] == sep
        and t.joined(end, end + 1)
        and kind[end + 1] == NUM
    ):
        parts.append(key[end + 1])
        end += 2
    if len(parts) == 2 and sep != "/" and not after_day_word:
        return None
    written = date_numbers(parts)
    if written is None:
        return (None, end) if sep == "/" else None
    return _resolve_date(written.day, written.month, written.year, today), end
