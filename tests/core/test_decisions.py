"""How a leader writes a decision, with or without diacritics, and what a step is."""

from __future__ import annotations

from datetime import date

import pytest

from core.decisions import DecisionProblem, DecisionRequest, Movement, movement, parse_decision
from core.households import Category

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "name", "category", "number", "leaving"),
    [
        (
            "hộ Giàng Seo Chứ thoát nghèo sang cận nghèo số 123/QĐ-UBND ngày 15/11/2026",
            "Giàng Seo Chứ",
            Category.NEAR_POOR,
            "123/QĐ-UBND",
            Category.POOR,
        ),
        (
            "ho giang seo chu thoat ngheo, can ngheo, so 123/QD-UBND ngay 15/11/2026",
            "giang seo chu",
            Category.NEAR_POOR,
            "123/QD-UBND",
            Category.POOR,
        ),
        (
            "gia đình Lò Văn Sính thoát cận nghèo lên mức sống trung bình 15/11/2026 QĐ 45",
            "Lò Văn Sính",
            Category.MIDDLE,
            "45",
            Category.NEAR_POOR,
        ),
        (
            "SL-001 không thuộc diện 7/QĐ-UBND 2026-11-15",
            "SL-001",
            Category.NONE,
            "7/QĐ-UBND",
            None,
        ),
        ("Hồ Văn Páo tái nghèo 8/QĐ 15/11/26", "Hồ Văn Páo", Category.POOR, "8/QĐ", None),
    ],
)
def test_the_ways_a_decision_is_written(
    text: str, name: str, category: Category, number: str, leaving: Category | None
) -> None:
    request = parse_decision(text, TODAY)
    assert isinstance(request, DecisionRequest)
    assert request.household == name
    assert request.decision.category == category
    assert request.decision.number == number
    assert request.decision.decided_on == date(2026, 11, 15)
    assert request.leaving == leaving


def test_what_is_missing_is_named() -> None:
    assert parse_decision("Giàng Seo Chứ thoát nghèo 1/QĐ 15/11/2026", TODAY) == (
        DecisionProblem.EXIT_WHERE
    )
    assert parse_decision("Giàng Seo Chứ cận nghèo 1/QĐ 1/12/2026", TODAY) == (
        DecisionProblem.FUTURE
    )
    assert parse_decision("Giàng Seo Chứ cận nghèo số ngày 1/11/2026", TODAY) == (
        DecisionProblem.NUMBER
    )


def test_movements_as_the_review_names_them() -> None:
    assert movement(None, Category.POOR) == Movement.LISTED
    assert movement(Category.POOR, Category.NEAR_POOR) == Movement.LEFT_POVERTY
    assert movement(Category.POOR, Category.NONE) == Movement.LEFT_POVERTY
    assert movement(Category.NEAR_POOR, Category.MIDDLE) == Movement.LEFT_NEAR_POVERTY
    assert movement(Category.NEAR_POOR, Category.POOR) == Movement.BECAME_POOR
    assert movement(Category.NONE, Category.NEAR_POOR) == Movement.BECAME_NEAR_POOR
    assert movement(Category.MIDDLE, Category.NONE) == Movement.OTHER
