"""The programme's goals that cadres do not report: rates, incomes, new-rural counts.

They come from section II.2 of the district's programme (bot/data/programme.csv) and are
shown with their baseline and target; an achieved figure only where a reported indicator
measures the goal (``indicator``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

__all__ = ["COMPARISONS", "KINDS", "ProgrammeGoal", "parse_programme_csv"]

KINDS = ("percent", "count", "number")
# As written in the file → as shown to people.
COMPARISONS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}
_COLUMNS = ("code", "kind", "comparison", "target", "deadline", "name_vi", "name_en")


@dataclass(frozen=True, slots=True)
class ProgrammeGoal:
    code: str
    name_vi: str
    name_en: str
    kind: str  # one of KINDS; a percent is in points: 29.99 means 29,99%
    comparison: str  # one of the keys of COMPARISONS
    target: Decimal
    deadline: date
    baseline: Decimal | None = None
    baseline_year: int | None = None
    baseline_count: int | None = None  # households behind a baseline rate
    indicator: str | None = None  # the reported indicator that measures this goal, if any
    source: str = ""

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi

    @property
    def symbol(self) -> str:
        return COMPARISONS[self.comparison]


def _decimal(text: str, line: int, column: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"line {line}: {column} {text!r} is not a number") from None


def parse_programme_csv(text: str) -> tuple[ProgrammeGoal, ...]:
    """Goals from CSV text; ValueError names the first bad line."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    goals = []
    for line, row in enumerate(reader, start=2):
        cell = {k: (v or "").strip() for k, v in row.items() if k}
        if cell["kind"] not in KINDS or cell["comparison"] not in COMPARISONS:
            raise ValueError(
                f"line {line}: kind must be one of {KINDS} and comparison one of "
                f"{tuple(COMPARISONS)}"
            )
        try:
            deadline = date.fromisoformat(cell["deadline"])
        except ValueError:
            raise ValueError(f"line {line}: deadline {cell['deadline']!r} is not a date") from None
        baseline = cell.get("baseline", "")
        year = cell.get("baseline_year", "")
        count = cell.get("baseline_count", "")
        if (year and not year.isdigit()) or (count and not count.isdigit()):
            raise ValueError(f"line {line}: baseline_year and baseline_count are whole numbers")
        goals.append(
            ProgrammeGoal(
                code=cell["code"],
                name_vi=cell["name_vi"],
                name_en=cell["name_en"] or cell["name_vi"],
                kind=cell["kind"],
                comparison=cell["comparison"],
                target=_decimal(cell["target"], line, "target"),
                deadline=deadline,
                baseline=_decimal(baseline, line, "baseline") if baseline else None,
                baseline_year=int(year) if year else None,
                baseline_count=int(count) if count else None,
                indicator=cell.get("indicator") or None,
                source=cell.get("source", ""),
            )
        )
    return tuple(goals)
