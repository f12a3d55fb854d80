"""The poverty rate on a small worked example, every figure computed by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from core.households import Category, VillageTotal
from core.periods import DEFAULT_PERIODS
from core.poverty_rate import (
    EVERY_UNIT,
    Baseline,
    Movements,
    PathStep,
    Rate,
    RegistryFacts,
    Step,
    judge,
    target_path,
)
from core.progress import Status

POOR, NEAR, NONE = Category.POOR, Category.NEAR_POOR, Category.NONE
PERIOD = DEFAULT_PERIODS.get("2021-2025")
NEXT = DEFAULT_PERIODS.get("2026-2030")
assert PERIOD is not None
assert NEXT is not None

# Village A has totals for 2021–2023 and its list since 2021; village B a total for 2022 only
# and its list since 2022.
#   h1 (A): poor 2021, out 2022, poor 2023      → tái nghèo 2023
#   h2 (A): poor 2021, near-poor 2023
#   h3 (A): near-poor 2021, poor 2022           → phát sinh 2022
#   h4 (A): a new household, poor 2022          → phát sinh 2022
#   h6 (B): poor 2022 (B's first list)          → the starting point, not phát sinh
#   h7 (B): near-poor 2022, poor 2023           → phát sinh 2023
HISTORY = [
    (1, "A", POOR, 2021),
    (1, "A", NONE, 2022),
    (1, "A", POOR, 2023),
    (2, "A", POOR, 2021),
    (2, "A", NEAR, 2023),
    (3, "A", NEAR, 2021),
    (3, "A", POOR, 2022),
    (4, "A", POOR, 2022),
    (6, "B", POOR, 2022),
    (7, "B", NEAR, 2022),
    (7, "B", POOR, 2023),
]
TOTALS = [
    VillageTotal("A", 2021, 10),
    VillageTotal("A", 2022, 10),
    VillageTotal("A", 2023, 12),
    VillageTotal("B", 2022, 8),
]
AREA = ["A", "B"]


def facts() -> RegistryFacts:
    steps = [Step(h, v, c, y) for h, v, c, y in HISTORY]
    last = {h: (v, c) for h, v, c, _ in HISTORY}  # the current category: the last step
    return RegistryFacts(steps, last.values(), TOTALS)


def test_a_year_end_rate_counts_only_villages_with_that_years_total() -> None:
    # 2021: only A (B has no 2021 total); poor h1, h2; near-poor h3.
    assert facts().year_end(AREA, 2021) == Rate(
        poor=2, near_poor=1, total=10, counted=1, villages=2
    )
    rate = facts().year_end(AREA, 2021)
    assert rate.poor_rate == Fraction(2, 10)
    assert rate.near_poor_rate == Fraction(1, 10)
    assert not rate.complete


def test_a_year_end_rate_over_every_village_is_complete() -> None:
    # 2022: A — h1 out, h2 poor (2021 still holds), h3 poor, h4 poor; B — h6 poor, h7 near.
    rate = facts().year_end(AREA, 2022)
    assert rate == Rate(poor=4, near_poor=1, total=18, counted=2, villages=2)
    assert rate.poor_rate == Fraction(4, 18)
    assert rate.complete


def test_the_rate_now_uses_current_categories_and_each_villages_latest_total() -> None:
    # A: h1, h3, h4 poor, h2 near-poor, latest total 12 (2023); B: h6, h7 poor, latest 8 (2022).
    rate = facts().now(AREA)
    assert rate == Rate(poor=5, near_poor=1, total=20, counted=2, villages=2)
    assert rate.poor_rate == Fraction(1, 4)
    assert rate.near_poor_rate == Fraction(1, 20)


def test_newly_poor_and_poor_again_are_counted_apart() -> None:
    registry = facts()
    assert registry.movements(AREA, 2022) == Movements(newly_poor=2, poor_again=0)
    assert registry.movements(AREA, 2023) == Movements(newly_poor=1, poor_again=1)
    # Village B alone: its first list (2022) is where it starts, not new poverty.
    assert registry.movements(["B"], 2022) == Movements()


def test_without_totals_there_is_no_rate_and_never_a_division_by_zero() -> None:
    assert facts().year_end(AREA, 2025) == Rate(villages=2)
    assert facts().year_end(AREA, 2025).poor_rate is None
    zero = RegistryFacts([Step(1, "A", POOR, 2021)], [("A", POOR)], [VillageTotal("A", 2021, 0)])
    assert zero.year_end(["A"], 2021).poor_rate is None
    assert zero.now(["A"]).poor_rate is None
    # A total without any household of the village in the registry is not counted either:
    # a list not loaded yet must not read as a village without poverty.
    empty = RegistryFacts([], [], [VillageTotal("A", 2021, 50)])
    assert empty.year_end(["A"], 2021).poor_rate is None
    assert empty.now(["A"]).poor_rate is None


MEO_VAC = Baseline("d", 2021, Fraction(2999, 10000), poor=5157, total=17196)
SIX_POINTS = PathStep("2021-2025", EVERY_UNIT, Fraction(6, 100))


def test_the_path_falls_six_points_a_year_from_the_baseline() -> None:
    path = target_path("d", PERIOD, [MEO_VAC], [SIX_POINTS])
    assert {y: t.rate for y, t in path.items()} == {
        2021: Fraction(2999, 10000),
        2022: Fraction(2399, 10000),
        2023: Fraction(1799, 10000),
        2024: Fraction(1199, 10000),
        2025: Fraction(599, 10000),
    }
    assert path[2021].is_baseline
    assert not path[2022].is_baseline


def test_a_later_baseline_starts_the_path_again() -> None:
    rebased = Baseline("d", 2022, Fraction(40, 100))
    path = target_path("d", PERIOD, [MEO_VAC, rebased], [SIX_POINTS])
    assert path[2021].rate == Fraction(2999, 10000)
    assert path[2022].rate == Fraction(40, 100)
    assert path[2022].is_baseline
    assert path[2025].rate == Fraction(22, 100)


def test_a_units_own_step_wins_and_the_path_never_goes_below_zero() -> None:
    own = PathStep("2021-2025", "d", Fraction(10, 100))
    path = target_path("d", PERIOD, [MEO_VAC], [SIX_POINTS, own])
    assert path[2023].rate == Fraction(999, 10000)
    assert path[2024].rate == 0


def test_a_period_without_a_step_or_a_baseline_has_no_path() -> None:
    # The 2026–2030 period ships without a path; and a unit without a baseline has none.
    assert target_path("d", NEXT, [MEO_VAC], [SIX_POINTS]) == {}
    assert target_path("c", PERIOD, [MEO_VAC], [SIX_POINTS]) == {}
    # A baseline at the end of 2025 starts the 2026–2030 path once it has a step.
    end_2025 = Baseline("d", 2025, Fraction(20, 100))
    path = target_path("d", NEXT, [end_2025], [PathStep("2026-2030", "d", Fraction(4, 100))])
    assert path[2026].rate == Fraction(16, 100)


@pytest.mark.parametrize(
    ("year", "ended", "expected"),
    [
        (2022, True, Status.ACHIEVED),  # 4/18 = 22,2% ≤ 23,99%
        (2022, False, Status.ON_TRACK),
        (2021, True, None),  # the baseline's own year
        (2023, True, None),  # a rate on 1 of 2 villages: no verdict
    ],
)
def test_verdicts(year: int, ended: bool, expected: Status | None) -> None:
    path = target_path("d", PERIOD, [MEO_VAC], [SIX_POINTS])
    assert judge(facts().year_end(AREA, year), path.get(year), ended=ended) == expected


def test_a_rate_above_its_target_is_missed_or_behind() -> None:
    rate = Rate(poor=30, total=100, counted=1, villages=1)
    target = target_path("d", PERIOD, [MEO_VAC], [SIX_POINTS])[2022]  # 23,99%
    assert judge(rate, target, ended=True) == Status.MISSED
    assert judge(rate, target, ended=False) == Status.BEHIND
    assert judge(rate, None, ended=True) is None
