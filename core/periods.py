"""Programme periods (giai đoạn): targets and tasks belong to one, reports count in one.

A report counts in the period its work date falls in; a target belongs to the period given when
it was set, by default the one that holds its deadline.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from core.dates import parse_day
from core.tables import TableError, read_table
from core.text import fold

__all__ = ["DEFAULT_PERIODS", "Period", "PeriodSet", "parse_periods_csv"]

# "2021-2025", "2021–2025", "gd 2021-2025" → the code "2021-2025".
_SPAN = re.compile(r"(\d{4})\s*[-–—/]\s*(\d{4})")


@dataclass(frozen=True, slots=True)
class Period:
    code: str  # "2026-2030"
    name: str  # "Giai đoạn 2026–2030"
    start: date
    end: date

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end

    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))


@dataclass(frozen=True)
class PeriodSet:
    """Periods ordered by start; they do not overlap."""

    items: tuple[Period, ...]

    def __iter__(self) -> Iterator[Period]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, code: str) -> Period | None:
        return next((p for p in self.items if p.code == code), None)

    def holding(self, day: date) -> Period | None:
        """The period a work date or a deadline falls in."""
        return next((p for p in self.items if p.holds(day)), None)

    def current(self, today: date) -> Period | None:
        """The period under way; between two periods, the one that ended last."""
        started = [p for p in self.items if p.start <= today]
        held = self.holding(today)
        return held or (started[-1] if started else (self.items[0] if self.items else None))

    def find(self, text: str) -> Period | None:
        """A period named by its code, its years or its name: '2021-2025', 'gd 2021–2025'."""
        folded = fold(text)
        for period in self.items:
            if folded in (fold(period.code), fold(period.name)):
                return period
        match = _SPAN.search(folded)
        if match is None:
            return None
        first, last = int(match.group(1)), int(match.group(2))
        return next(
            (p for p in self.items if (p.start.year, p.end.year) == (first, last)),
            None,
        )

    @classmethod
    def of(cls, items: Sequence[Period]) -> PeriodSet:
        ordered = tuple(sorted(items, key=lambda p: p.start))
        for before, after in itertools.pairwise(ordered):
            if after.start <= before.end:
                raise ValueError(f"periods {before.code} and {after.code} overlap")
        return cls(ordered)


DEFAULT_PERIODS = PeriodSet.of(
    [
        Period("2021-2025", "Giai đoạn 2021–2025", date(2021, 1, 1), date(2025, 12, 31)),
        Period("2026-2030", "Giai đoạn 2026–2030", date(2026, 1, 1), date(2030, 12, 31)),
    ]
)


def parse_periods_csv(text: str, known: PeriodSet) -> list[Period]:
    """Periods from a table (code, name, start, end): every line's, or TableError naming each
    bad line. A period may replace a known one of the same code, never overlap another."""
    reader = read_table(text)
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    missing = sorted({"code", "name", "start", "end"} - columns)
    if missing:
        raise TableError([f"missing columns: {', '.join(missing)}"])
    periods: list[Period] = []
    problems: list[str] = []
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        start, end = parse_day(row.get("start", "")), parse_day(row.get("end", ""))
        if not row.get("code") or not row.get("name"):
            problems.append(f"line {line}: code and name are required")
        elif start is None or end is None:
            problems.append(f"line {line}: start and end must be dates (YYYY-MM-DD or DD/MM/YYYY)")
        elif end < start:
            problems.append(f"line {line}: the period ends before it starts")
        else:
            periods.append(Period(row["code"], row["name"], start, end))
    if not problems:
        kept = [p for p in known if p.code not in {n.code for n in periods}]
        try:
            PeriodSet.of([*kept, *periods])
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise TableError(problems)
    return periods
