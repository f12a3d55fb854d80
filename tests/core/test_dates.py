"""Dates written in numbers: one reader for reports, tasks, targets and CSV files."""

from __future__ import annotations

from datetime import date

import pytest

from core.dates import DueDateError, parse_day, parse_due, read_deadline
from core.parser import parse_report
from core.parsing import ParseOk
from core.units import UnitDirectory

TODAY = date(2026, 11, 26)


def test_days_are_read_in_either_form_and_must_exist() -> None:
    assert parse_day("31/12/2026") == parse_day("2026-12-31") == date(2026, 12, 31)
    assert parse_day("31/02/2026") is None
    assert parse_day("cuối năm") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12", date(2026, 12, 31)),
        ("26/11", date(2026, 11, 26)),  # today is still in time
        ("25/11", date(2027, 11, 25)),  # d/m means the next such day
        ("1/1", date(2027, 1, 1)),
        ("29/2", date(2028, 2, 29)),
        ("31/12/2026", date(2026, 12, 31)),
        ("31.12.26", date(2026, 12, 31)),
        ("2027-06-30", date(2027, 6, 30)),
    ],
)
def test_due_dates(text: str, expected: date) -> None:
    assert parse_due(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [("31/2", "invalid"), ("32/12/2026", "invalid"), ("mai", "invalid"), ("25/11/2026", "past")],
)
def test_bad_due_dates(text: str, reason: str) -> None:
    with pytest.raises(DueDateError) as error:
        parse_due(text, TODAY)
    assert error.value.reason == reason


def test_a_deadline_may_have_passed_where_a_due_date_may_not() -> None:
    # /chitieu records targets whose deadline is over; /giao refuses such a task.
    assert read_deadline("25/11/2026", TODAY) == date(2026, 11, 25)
    with pytest.raises(DueDateError):
        parse_due("25/11/2026", TODAY)


@pytest.mark.parametrize(
    "text", ["20/11/2026", "20.11.2026", "20-11-2026", "2026-11-20", "20/11/26"]
)
def test_a_report_and_a_command_read_a_date_alike(units: UnitDirectory, text: str) -> None:
    village = units.villages[0].code
    result = parse_report(f"xong 1 nhà {text}", home_village=village, today=TODAY, units=units)
    assert isinstance(result, ParseOk)
    assert result.items[0].date == parse_day(text) == date(2026, 11, 20)
