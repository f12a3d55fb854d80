"""Targets from a table (indicator, unit, value, deadline[, baseline][, period]): all lines or
none. A line without a period belongs to the period that holds its deadline."""

from __future__ import annotations

import re

from core.dates import parse_day
from core.indicators import IndicatorSet, find_indicator
from core.models import Target
from core.periods import PeriodSet
from core.tables import TableError, read_table
from core.units import UnitDirectory, find_units

__all__ = ["parse_count", "parse_targets_csv"]

_COUNT = re.compile(r"^(\d{1,3}([.,]\d{3})+|\d{1,9})$")
MAX_TARGET = 9_999_999


def parse_count(text: str) -> int | None:
    """'1733', '1.733' or '1,733' → 1733; None for anything else or above MAX_TARGET."""
    text = text.strip()
    if not _COUNT.match(text):
        return None
    value = int(re.sub(r"[.,]", "", text))
    return value if value <= MAX_TARGET else None


def parse_targets_csv(
    text: str, units: UnitDirectory, indicators: IndicatorSet, periods: PeriodSet
) -> list[Target]:
    """Every line's target, or TableError naming every bad line."""
    reader = read_table(text)
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    missing = sorted({"indicator", "unit", "value", "deadline"} - columns)
    if missing:
        raise TableError([f"missing columns: {', '.join(missing)}"])
    targets: list[Target] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        indicator = find_indicator(indicators, row.get("indicator", ""))
        found = find_units(units, row.get("unit", "")) if row.get("unit") else []
        value = parse_count(row.get("value", ""))
        deadline = parse_day(row.get("deadline", ""))
        baseline = parse_count(row["baseline"]) if row.get("baseline") else 0
        named = row.get("period", "")
        period = periods.find(named) if named else (periods.holding(deadline) if deadline else None)
        if indicator is None:
            problems.append(f"line {line}: indicator {row.get('indicator', '')!r} is unknown")
        elif len(found) != 1:
            kind = "ambiguous" if found else "unknown"
            problems.append(f"line {line}: unit {row.get('unit', '')!r} is {kind}")
        elif value is None or value == 0:
            problems.append(f"line {line}: value {row.get('value', '')!r} is not a number from 1")
        elif deadline is None:
            problems.append(
                f"line {line}: deadline {row.get('deadline', '')!r} is not a date"
                " (YYYY-MM-DD or DD/MM/YYYY)"
            )
        elif baseline is None:
            problems.append(f"line {line}: baseline {row['baseline']!r} is not a whole number")
        elif period is None:
            known = ", ".join(p.code for p in periods)
            problems.append(
                f"line {line}: period {named!r} is unknown (known: {known})"
                if named
                else f"line {line}: no period holds the deadline {deadline.isoformat()}"
                f" (known: {known}); add a period column or import the period first"
            )
        elif not period.holds(deadline):
            problems.append(
                f"line {line}: deadline {deadline.isoformat()} is outside period {period.code}"
            )
        elif (key := (indicator.code, found[0].code, period.code)) in seen:
            problems.append(f"line {line}: the same target as line {seen[key]}")
        else:
            seen[key] = line
            targets.append(
                Target(indicator.code, found[0].code, value, deadline, baseline, period.code)
            )
    if problems:
        raise TableError(problems)
    return targets
