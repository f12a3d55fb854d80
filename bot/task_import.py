"""Reading tasks from CSV (village, indicator, count, due[, start][, period]) into validated new
tasks. A task belongs to the programme period that holds its due date; a ``period`` column, when
given, must name that period."""

from __future__ import annotations

from datetime import date

from core.dates import DueDateError, parse_day, parse_due
from core.indicators import IndicatorSet, find_indicator
from core.periods import DEFAULT_PERIODS, PeriodSet
from core.tables import TableError, read_table
from core.tasks import MAX_TASK_COUNT, NewTask
from core.units import VILLAGE, UnitDirectory, find_units

__all__ = ["parse_tasks_csv"]

REQUIRED = ("village", "indicator", "count", "due")


def _read_line(
    row: dict[str, str],
    units: UnitDirectory,
    indicators: IndicatorSet,
    today: date,
    periods: PeriodSet,
) -> NewTask | str:
    found = [u for u in find_units(units, row["village"]) if u.level == VILLAGE]
    if len(found) != 1:
        return f"village {row['village']!r} is unknown or ambiguous"
    indicator = find_indicator(indicators, row["indicator"])
    if indicator is None:
        return f"indicator {row['indicator']!r} is unknown"
    count_text = row["count"]
    if not count_text.isdigit() or not 1 <= int(count_text) <= MAX_TASK_COUNT:
        return f"count {count_text!r} must be a whole number from 1 to {MAX_TASK_COUNT}"
    try:
        due = parse_due(row["due"], today)
    except DueDateError as error:
        if error.reason == "past":
            return f"due date {row['due']!r} has passed"
        return f"due date {row['due']!r} is not a date (d/m, d/m/yyyy or yyyy-mm-dd)"
    if row.get("period"):
        period = periods.find(row["period"])
        if period is None:
            return f"period {row['period']!r} is unknown"
        if not period.holds(due):
            return f"due date {due.isoformat()} is outside period {period.code}"
    start = today
    if row.get("start"):
        parsed = parse_day(row["start"])
        if parsed is None:
            return f"start {row['start']!r} is not a date (d/m/yyyy or yyyy-mm-dd)"
        start = parsed
    if start > due:
        return f"start {row['start']!r} is after the due date"
    return NewTask(
        village=found[0].code,
        indicator=indicator.code,
        target=int(count_text),
        start_on=start,
        due_on=due,
    )


def parse_tasks_csv(
    text: str,
    units: UnitDirectory,
    indicators: IndicatorSet,
    today: date,
    periods: PeriodSet = DEFAULT_PERIODS,
) -> list[NewTask]:
    """Every line as a task; raise TableError naming each bad line (header is line 1)."""
    reader = read_table(text)
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise TableError([f"missing columns: {', '.join(missing)}"])
    tasks: list[NewTask] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, date], int] = {}
    for line, raw in enumerate(reader, start=2):
        if None in raw:  # csv puts the values beyond the header under the key None
            problems.append(f"line {line}: more values than columns")
            continue
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items()}
        result = _read_line(row, units, indicators, today, periods)
        if isinstance(result, str):
            problems.append(f"line {line}: {result}")
            continue
        key = (result.village, result.indicator, result.due_on)
        if key in seen:
            problems.append(f"line {line}: the same task as line {seen[key]}")
            continue
        seen[key] = line
        tasks.append(result)
    if problems:
        raise TableError(problems)
    if not tasks:
        raise TableError(["no tasks in the file"])
    return tasks
