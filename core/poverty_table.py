"""Reading the target paths of the poverty rate (rows of a sheet or CSV): baselines per unit and
year, and optionally the yearly fall of the rate that follows them.

Columns are found by their header, ignoring case, diacritics and spacing: the unit, the year,
the rate at that year's end and/or the counts behind it (poor households, all households), and
optionally how many points the rate should fall each following year. Every bad line is
reported (``RowProblem``; the bot words them), and then nothing is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Final

from core.columns import column_index, header_keys, sheet_lines
from core.household_table import FIRST_YEAR, LAST_YEAR, MAX_TOTAL, RowProblem
from core.periods import PeriodSet
from core.poverty_rate import Baseline, PathStep
from core.units import UnitDirectory, find_units

__all__ = ["BaselineTable", "parse_rate", "read_baseline_rows"]

COLUMNS: Final = {
    "unit": ("đơn vị", "địa bàn", "unit"),
    "year": ("năm", "cuối năm", "year"),
    "rate": ("tỷ lệ hộ nghèo", "tỷ lệ hộ nghèo (%)", "tỷ lệ", "tỷ lệ (%)", "rate"),
    "poor": ("số hộ nghèo", "hộ nghèo", "poor", "poor households"),
    "total": ("tổng số hộ", "số hộ", "total", "total households"),
    "fall": ("giảm mỗi năm", "giảm mỗi năm (điểm %)", "mức giảm", "fall", "fall per year"),
}
_BY_HEADER: Final = column_index(COLUMNS)
# Two rounded figures agree when they differ by less than this (in points): 5.157 of 17.196 is
# 29,9895%, written 29,99%.
_TOLERANCE: Final = Fraction(1, 100)


@dataclass(slots=True)
class BaselineTable:
    baselines: list[Baseline] = field(default_factory=list)
    steps: list[PathStep] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def parse_rate(text: str) -> Fraction | None:
    """A rate as written: '29,99', '29.99%', or a share as Excel keeps a percent cell
    ('0.2999'); None unless between 0% and 100%."""
    text = text.strip().replace(" ", "")
    percent = text.endswith("%")
    try:
        value = Fraction(Decimal(text.removesuffix("%").replace(",", ".")))
    except (InvalidOperation, ValueError):
        return None
    if not percent and 0 < value < 1:
        value *= 100  # Excel stores 29,99% as 0.2999
    return value / 100 if 0 <= value <= 100 else None


def _points(text: str) -> Fraction | None:
    """A yearly fall in points ('6', '6%', '4,5'); None unless between 0 and 100."""
    try:
        value = Fraction(Decimal(text.strip().removesuffix("%").replace(",", ".")))
    except (InvalidOperation, ValueError):
        return None
    return value / 100 if 0 <= value <= 100 else None


def _count(text: str, smallest: int) -> int | None:
    text = text.strip().removesuffix(".0").replace(".", "").replace(" ", "")
    return int(text) if text.isdigit() and smallest <= int(text) <= MAX_TOTAL else None


def _line(
    line: int, row: dict[str, str], units: UnitDirectory, periods: PeriodSet, table: BaselineTable
) -> None:
    before = len(table.problems)

    def problem(what: str, value: str = "") -> None:
        table.problems.append(RowProblem(line, what, value))

    found = find_units(units, row.get("unit", "")) if row.get("unit") else []
    if len(found) != 1:
        problem("unit", row.get("unit", ""))
    year_text = row.get("year", "").strip().removesuffix(".0")
    year = int(year_text) if year_text.isdigit() else 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problem("year", row.get("year", ""))
    rate = parse_rate(row["rate"]) if row.get("rate") else None
    if row.get("rate") and rate is None:
        problem("rate", row["rate"])
    poor = _count(row["poor"], 0) if row.get("poor") else None
    if row.get("poor") and poor is None:
        problem("poor", row["poor"])
    total = _count(row["total"], 1) if row.get("total") else None
    if row.get("total") and total is None:
        problem("total", row["total"])
    if poor is not None and total is not None and poor > total:
        problem("poor_above_total")
    elif poor is not None and total is not None:
        counted = Fraction(poor, total)
        if rate is not None and abs(rate - counted) * 100 >= _TOLERANCE:
            problem("rate_mismatch", row["rate"])
        rate = rate if rate is not None else counted
    if rate is None and not row.get("rate") and (poor is None or total is None):
        problem("no_rate")
    fall = _points(row["fall"]) if row.get("fall") else None
    if row.get("fall") and fall is None:
        problem("fall", row["fall"])
    # The fall holds for the years after the baseline: the period of the next year.
    period = periods.holding(date(year + 1, 1, 1)) if year else None
    if fall is not None and period is None:
        problem("no_period", str(year + 1))
    if len(table.problems) > before or rate is None:
        return
    unit = found[0].code
    table.baselines.append(Baseline(unit, year, rate, poor, total))
    if fall is not None and period is not None:
        step = PathStep(period.code, unit, fall)
        if any(s.period == step.period and s.unit == unit and s != step for s in table.steps):
            problem("fall_conflict", period.code)
        else:
            table.steps.append(step)


def read_baseline_rows(
    rows: Sequence[Sequence[str]], units: UnitDirectory, periods: PeriodSet
) -> BaselineTable:
    """The baselines (and yearly falls) of a sheet; the header is line 1."""
    table = BaselineTable()
    if not rows:
        table.problems.append(RowProblem(1, "empty"))
        return table
    header = header_keys(rows[0], _BY_HEADER)
    missing = [c for c in ("unit", "year") if c not in header]
    if not {"rate", "poor"} & set(header):
        missing.append("rate")
    if missing:
        table.problems.append(RowProblem(1, "missing_columns", ", ".join(missing)))
        return table
    seen: dict[tuple[str, int], int] = {}
    for line, row in sheet_lines(rows, header):
        if row is None:
            table.problems.append(RowProblem(line, "extra_values"))
            continue
        count = len(table.baselines)
        _line(line, row, units, periods, table)
        if len(table.baselines) > count:
            last = table.baselines[-1]
            earlier = seen.setdefault((last.unit, last.year), line)
            if earlier != line:
                table.problems.append(RowProblem(line, "duplicate", other=earlier))
    if not table.baselines and not table.problems:
        table.problems.append(RowProblem(2, "empty"))
    table.problems.sort(key=lambda p: p.line)
    return table
