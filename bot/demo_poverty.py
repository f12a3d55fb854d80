"""The demo's poverty registry: the poor and near-poor lists of thôn Sà Lủng and thôn Xà Phìn
from 2021 to 2025, with year-end totals, so that `make run` → /tiendo shows a real rate.

The households are made up (deterministically: the same demo every time) and move between
categories as lists do: most poor households stay poor a year, some leave, a few fall back
(tái nghèo) and some near-poor ones become poor (phát sinh); the 2022 standard made more
households poor. Each village also gets a baseline at the end of 2022 (its rate under the new
standard), so /tiendo 2021-2025 judges 2023–2025 against −6 points a year.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Final

from core.households import Category, HouseholdRecord, VillageTotal
from core.ports import Store
from core.poverty_rate import Baseline, RegistryFacts, Step

__all__ = ["DEMO_VILLAGES", "demo_registry", "seed_demo_poverty"]

POOR, NEAR, NONE = Category.POOR, Category.NEAR_POOR, Category.NONE
YEARS: Final = range(2021, 2026)
# Village code, code prefix, year-end totals 2021–2025 (2024–2025 as in the sample file),
# households poor and near-poor at the end of 2021.
DEMO_VILLAGES: Final = (
    ("v:sa-lung", "SL-D", (110, 113, 115, 118, 121), 36, 17),
    ("v:xa-phin", "XP-D", (88, 90, 93, 95, 97), 27, 14),
)
# The chance of each category next year, from each category (the 2022 standard: more poor).
_MOVES: Final = {
    POOR: ((POOR, 0.72), (NEAR, 0.18), (NONE, 0.10)),
    NEAR: ((POOR, 0.07), (NEAR, 0.70), (NONE, 0.23)),
    NONE: ((POOR, 0.04), (NEAR, 0.04), (NONE, 0.92)),
}
_MOVES_2022: Final = {
    POOR: ((POOR, 0.92), (NEAR, 0.06), (NONE, 0.02)),
    NEAR: ((POOR, 0.45), (NEAR, 0.50), (NONE, 0.05)),
    NONE: ((POOR, 0.05), (NEAR, 0.05), (NONE, 0.90)),
}
_FAMILY: Final = ("Giàng", "Sùng", "Vàng", "Thào", "Hầu", "Mua", "Lầu", "Ly", "Cư", "Lý")
_MIDDLE: Final = ("Mí", "Seo", "Chí", "Văn", "Thị", "Nhà")
_GIVEN: Final = ("Dế", "Súa", "Pó", "Tủa", "Lử", "Sò", "Dình", "Chư", "Của", "Phử", "Dũng")
# Names the sample list and the demo reports use: left out, so each stays one household.
_TAKEN: Final = {"Giàng Seo Chứ", "Giàng Mí Già", "Lò Văn Sính", "Vàng Mí Kỷ", "Sùng Mí Páo"}


def _pick(rng: random.Random, moves: tuple[tuple[Category, float], ...]) -> Category:
    roll, edge = rng.random(), 0.0
    for category, chance in moves:
        edge += chance
        if roll < edge:
            return category
    return moves[-1][0]


@dataclass(slots=True)
class _Household:
    code: str
    name: str
    birth_year: int
    categories: dict[int, Category]  # year → category at its end, from the year it is listed


def _households(rng: random.Random, names: Iterator[str]) -> dict[str, list[_Household]]:
    found: dict[str, list[_Household]] = {}
    for village, prefix, _, poor, near in DEMO_VILLAGES:
        listed = [
            _Household(f"{prefix}{n + 1:03d}", next(names), rng.randint(1950, 2000), {})
            for n in range(poor + near)
        ]
        for n, household in enumerate(listed):
            household.categories[YEARS[0]] = POOR if n < poor else NEAR
        for year in YEARS[1:]:
            moves = _MOVES_2022 if year == 2022 else _MOVES
            for household in listed:
                household.categories[year] = _pick(rng, moves[household.categories[year - 1]])
            # Now and then a new household (a son's family setting up), poor or near-poor.
            for _ in range(rng.randint(0, 2)):
                code = f"{prefix}{len(listed) + 1:03d}"
                new = _Household(code, next(names), rng.randint(1985, 2003), {})
                new.categories[year] = rng.choice((POOR, NEAR))
                listed.append(new)
        found[village] = listed
    return found


def demo_registry() -> tuple[dict[int, list[HouseholdRecord]], list[VillageTotal]]:
    """Year → the lines of that year's decisions (households listed or moved that year), and
    the year-end totals."""
    rng = random.Random(2021)  # a demo, not a secret
    names = [
        " ".join(parts)
        for parts in itertools.product(_FAMILY, _MIDDLE, _GIVEN)
        if " ".join(parts) not in _TAKEN
    ]
    rng.shuffle(names)
    decisions: dict[int, list[HouseholdRecord]] = {year: [] for year in YEARS}
    for village, households in _households(rng, iter(names)).items():
        for household in households:
            before = None
            for year, category in sorted(household.categories.items()):
                if category != before:
                    decisions[year].append(
                        HouseholdRecord(
                            village=village,
                            name=household.name,
                            category=category,
                            year=year,
                            birth_year=household.birth_year,
                            ethnicity="Mông",
                            decision=f"{100 + year % 100}/QĐ-UBND",
                            code=household.code,
                        )
                    )
                before = category
    totals = [
        VillageTotal(village, year, size)
        for village, _, sizes, _, _ in DEMO_VILLAGES
        for year, size in zip(YEARS, sizes, strict=True)
    ]
    return decisions, totals


def _baselines(
    decisions: dict[int, list[HouseholdRecord]], totals: list[VillageTotal]
) -> list[Baseline]:
    """Each demo village's rate at the end of 2022, as its commune would set it."""
    ids: dict[str, int] = {}
    steps = [
        Step(ids.setdefault(r.code, len(ids)), r.village, r.category, year)
        for year, records in sorted(decisions.items())
        for r in records
    ]
    facts = RegistryFacts(steps, [], totals)
    baselines = []
    for village, *_ in DEMO_VILLAGES:
        rate = facts.year_end([village], 2022)
        if rate.poor_rate is not None:
            rounded = Fraction(round(rate.poor_rate * 10_000), 10_000)
            baselines.append(Baseline(village, 2022, rounded, rate.poor, rate.total))
    return baselines


async def seed_demo_poverty(store: Store, *, now: datetime) -> None:
    """The demo registry, year by year, and the villages' baselines; nothing when the demo
    households are there already."""
    villages = [village for village, *_ in DEMO_VILLAGES]
    prefixes = tuple(prefix for _, prefix, *_ in DEMO_VILLAGES)
    if any(h.code.startswith(prefixes) for h in await store.households.in_villages(villages)):
        return
    decisions, totals = demo_registry()
    for year, records in sorted(decisions.items()):
        lines = list(enumerate(records, start=2))
        year_totals = [t for t in totals if t.year == year]
        await store.households.import_records(lines, year_totals, actor_id=None, at=now)
    await store.poverty.set_path(_baselines(decisions, totals), [], actor_id=None, at=now)
