"""Progress arithmetic, targets and the programme's goals: plain functions, exact numbers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from importlib import resources

import pytest

from core.indicators import DEFAULT_INDICATORS
from core.models import Target
from core.periods import DEFAULT_PERIODS
from core.programme import parse_programme_csv
from core.progress import (
    AreaTarget,
    Standing,
    Status,
    TargetIndex,
    area_groups,
    area_progress,
    assess,
    furthest_behind,
    projected_date,
    window_sum,
)
from core.tables import TableError
from core.targets import parse_count, parse_targets_csv
from core.units import COMMUNE, NEW_COMMUNE, VILLAGE, UnitDirectory

TODAY = date(2026, 11, 26)  # a Thursday
END = date(2026, 12, 31)


def test_the_change_counts_the_last_seven_days_with_today() -> None:
    daily = {TODAY: 1, TODAY - timedelta(days=6): 2, TODAY - timedelta(days=7): 4}
    daily[TODAY + timedelta(days=1)] = 8  # dated in the future: not yet part of the change
    assert window_sum(daily, TODAY, 7) == 3
    assert window_sum(daily, TODAY, 28) == 7


@pytest.mark.parametrize(
    ("remaining", "recent", "days"),
    [
        (10, 70, 4),  # 70 in 28 days = 2.5 a day: 10 more take exactly 4 days
        (11, 70, 5),  # 4.4 days: a part day is a whole day
        (86, 14, 172),
        (1, 28, 1),
        (1726, 1, 48_328),  # more than a century: no date at all
    ],
)
def test_projection_is_today_plus_the_whole_days_needed(
    remaining: int, recent: int, days: int
) -> None:
    expected = TODAY + timedelta(days=days) if days <= 36_500 else None
    assert projected_date(remaining, recent, TODAY) == expected


def test_no_pace_means_no_projection_and_nothing_left_means_today() -> None:
    assert projected_date(5, 0, TODAY) is None
    assert projected_date(0, 0, TODAY) == TODAY
    assert projected_date(-3, 9, TODAY) == TODAY


def test_a_target_is_on_track_when_the_projection_meets_the_deadline() -> None:
    target = AreaTarget(value=80, deadline=date(2026, 11, 30))
    assert assess(70, target, 70, TODAY) == (date(2026, 11, 30), Status.ON_TRACK)
    late = AreaTarget(value=80, deadline=date(2026, 11, 29))
    assert assess(70, late, 70, TODAY) == (date(2026, 11, 30), Status.BEHIND)
    assert assess(70, target, 0, TODAY) == (None, Status.BEHIND)  # no pace: it will not happen
    assert assess(80, target, 0, TODAY) == (None, Status.ACHIEVED)
    assert assess(5, None, 5, TODAY) == (None, Status.NO_TARGET)


def _target(indicator: str, unit: str, value: int, deadline: date = END, base: int = 0) -> Target:
    return Target(indicator, unit, value, deadline, base)


def test_an_area_without_its_own_target_sums_the_targets_inside_it_once(
    units: UnitDirectory,
) -> None:
    son_vi = frozenset(v.code for v in units.villages_in("n:son-vi"))
    targets = [
        _target("housing", "c:thuong-phung", 40, date(2026, 6, 30)),  # old commune inside Sơn Vĩ
        _target("housing", "v:xa-phin", 15),  # inside Thượng Phùng: already counted there
        _target("housing", "v:me-lau", 5, base=2),  # old commune Sơn Vĩ, not covered yet
        _target("housing", "v:sa-lung", 100),  # another commune: never added
    ]
    index = TargetIndex(units, targets)
    assert index.for_area("housing", "n:son-vi", son_vi) == AreaTarget(
        value=45, deadline=END, baseline=2, derived=True
    )
    assert index.for_area("graduated", "n:son-vi", son_vi) is None
    assert index.for_area("housing", "v:xa-phin", frozenset({"v:xa-phin"})) == AreaTarget(15, END)


def test_an_own_target_wins_over_the_sum_inside(units: UnitDirectory) -> None:
    targets = [_target("housing", "n:son-vi", 300), _target("housing", "v:xa-phin", 15)]
    son_vi = frozenset(v.code for v in units.villages_in("n:son-vi"))
    assert TargetIndex(units, targets).for_area("housing", "n:son-vi", son_vi) == AreaTarget(
        300, END
    )


def test_a_part_of_an_old_commune_does_not_take_the_whole_communes_target(
    units: UnitDirectory,
) -> None:
    target = _target("housing", "c:thuong-phung", 40)
    part = frozenset({"v:xa-phin", "v:then-pa"})  # not all of Thượng Phùng
    assert TargetIndex(units, [target]).for_area("housing", "c:thuong-phung", part) is None


def test_the_district_splits_into_the_communes_of_either_map(units: UnitDirectory) -> None:
    district = units["d:meo-vac"]
    current = area_groups(units, district, merged=True)
    assert [u.name for u, _ in current] == [
        "Mèo Vạc",
        "Sơn Vĩ",
        "Sủng Máng",
        "Khâu Vai",
        "Tát Ngà",  # no village listed yet: still shown
        "Niêm Sơn",
    ]
    assert all(u.level == NEW_COMMUNE for u, _ in current)
    before = area_groups(units, district, merged=False)
    assert len(before) == 18
    assert all(u.level == COMMUNE for u, _ in before)
    assert sum(len(v) for _, v in before) == len(units.villages)


def test_a_current_commune_on_the_old_map_splits_into_its_former_communes(
    units: UnitDirectory,
) -> None:
    groups = area_groups(units, units["n:son-vi"], merged=False)
    assert [u.name for u, _ in groups] == ["Thượng Phùng", "Xín Cái", "Sơn Vĩ"]
    assert "v:xa-phin" in dict((u.code, v) for u, v in groups)["c:thuong-phung"]
    villages = area_groups(units, units["n:son-vi"], merged=True)
    assert all(u.level == VILLAGE for u, _ in villages)
    assert area_groups(units, units["v:sa-lung"], merged=True) == []


def _standing(code: str, achieved: int, target: int | None) -> Standing:
    return Standing(code, achieved, AreaTarget(target, END) if target is not None else None)


def test_the_villages_furthest_behind_have_the_lowest_share_of_their_target() -> None:
    standings = [
        _standing("a", 5, 10),  # 50%
        _standing("b", 1, 3),  # 33.3%
        _standing("c", 30, 30),  # reached: not behind
        _standing("d", 0, None),  # no target: not judged
        _standing("e", 2, 6),  # 33.3%: ties with b exactly, keeps the directory order
        _standing("f", 9, 10),  # 90%
    ]
    behind, by_share = furthest_behind(standings)
    assert by_share
    assert [s.code for s in behind] == ["b", "e", "a"]


def test_without_village_targets_the_lowest_counts_are_shown() -> None:
    standings = [_standing("a", 4, None), _standing("b", 0, None), _standing("c", 2, None)]
    behind, by_share = furthest_behind(standings, count=2)
    assert not by_share
    assert [s.code for s in behind] == ["b", "c"]


def test_area_progress_adds_up_totals_targets_baseline_and_pace(units: UnitDirectory) -> None:
    targets = [
        _target("housing", "n:son-vi", 100, date(2027, 6, 30), base=10),
        _target("housing", "v:xa-phin", 20),
    ]
    totals = {
        ("v:xa-phin", "housing"): 12,
        ("v:me-lau", "housing"): 3,
        ("v:sa-lung", "housing"): 50,
    }
    daily = {
        ("housing", TODAY): 5,
        ("housing", TODAY - timedelta(days=10)): 9,
        ("housing", TODAY - timedelta(days=40)): 1,  # outside both windows
    }
    data = area_progress(
        units,
        DEFAULT_INDICATORS,
        targets,
        units["n:son-vi"],
        merged=True,
        totals=totals,
        daily=daily,
        today=TODAY,
    )
    housing = data.indicators[0]
    assert housing.indicator == "housing"
    assert housing.achieved == 10 + 12 + 3  # baseline + Sơn Vĩ's villages, not Sà Lủng
    assert housing.target == AreaTarget(100, date(2027, 6, 30), 10)
    assert housing.ratio == pytest.approx(0.25)
    assert (housing.change, housing.recent) == (5, 14)
    # 75 left at 14 per 28 days: 150 days.
    assert housing.projected == TODAY + timedelta(days=150)
    assert housing.status == Status.ON_TRACK
    assert [s.code for s in housing.behind] == ["v:xa-phin"]  # 12/20, the only village target
    assert data.group_level == VILLAGE
    assert next(g for g in housing.groups if g.code == "v:me-lau").achieved == 3
    graduated = data.indicators[1]
    assert (graduated.achieved, graduated.status, graduated.behind_by_share) == (
        0,
        Status.NO_TARGET,
        False,
    )


def test_the_shipped_programme_goals_hold_the_programmes_figures() -> None:
    text = (resources.files("bot") / "data" / "programme.csv").read_text(encoding="utf-8")
    goals = {g.code: g for g in parse_programme_csv(text)}
    poverty = goals["poverty_rate"]
    assert (poverty.baseline, poverty.baseline_count, poverty.baseline_year) == (
        Decimal("29.99"),
        5157,
        2021,
    )
    assert poverty.target == Decimal("29.99") - 4 * 6  # six points a year, 2022 to 2025
    assert (goals["housing_support"].target, goals["housing_support"].indicator) == (
        1733,
        "housing",
    )
    assert (goals["trained_workers"].target, goals["trained_certified"].target) == (55, 20)
    assert (goals["new_rural_communes"].target, goals["new_rural_villages"].target) == (3, 22)
    assert {g.deadline for g in goals.values()} == {date(2025, 12, 31)}


def test_a_programme_file_with_a_bad_line_is_refused() -> None:
    header = "code,kind,comparison,target,deadline,name_vi,name_en\n"
    with pytest.raises(ValueError, match="line 2"):
        parse_programme_csv(header + "x,ratio,>=,5,2025-12-31,A,A\n")
    with pytest.raises(ValueError, match="line 2: target"):
        parse_programme_csv(header + "x,percent,>=,năm,2025-12-31,A,A\n")


@pytest.mark.parametrize(
    ("text", "value"), [("1733", 1733), ("1.733", 1733), ("1,733", 1733), ("0", 0)]
)
def test_counts_are_read_with_or_without_thousands_separators(text: str, value: int) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["", "-1", "1,5", "12a", "10000000", "1.73"])
def test_anything_else_is_not_a_count(text: str) -> None:
    assert parse_count(text) is None


def test_a_targets_file_is_read_whole(units: UnitDirectory) -> None:
    text = (
        "indicator,unit,value,deadline,baseline\n"
        "nhà,xã Sơn Vĩ,1.200,31/12/2026,15\n"
        "training,thôn Sà Lủng,40,2026-12-31,\n"
        "thoát nghèo,xã cũ Thượng Phùng,30,2027-06-30,0\n"
    )
    assert parse_targets_csv(text, units, DEFAULT_INDICATORS, DEFAULT_PERIODS) == [
        Target("housing", "n:son-vi", 1200, date(2026, 12, 31), 15, "2026-2030"),
        Target("training", "v:sa-lung", 40, date(2026, 12, 31), 0, "2026-2030"),
        Target("graduated", "c:thuong-phung", 30, date(2027, 6, 30), 0, "2026-2030"),
    ]


def test_a_targets_period_is_named_or_the_one_holding_the_deadline(units: UnitDirectory) -> None:
    text = (
        "indicator,unit,value,deadline,period\n"
        "nhà,xã Sơn Vĩ,100,31/12/2025,\n"
        "nhà,xã Sơn Vĩ,300,30/06/2030,2026–2030\n"
    )
    found = parse_targets_csv(text, units, DEFAULT_INDICATORS, DEFAULT_PERIODS)
    assert [(t.value, t.period) for t in found] == [(100, "2021-2025"), (300, "2026-2030")]
    bad = (
        "indicator,unit,value,deadline,period\n"
        "nhà,xã Sơn Vĩ,100,31/12/2026,2021-2025\n"
        "nhà,xã Sơn Vĩ,100,31/12/2026,2031-2035\n"
        "nhà,xã Sơn Vĩ,100,31/12/2036,\n"
    )
    with pytest.raises(TableError) as error:
        parse_targets_csv(bad, units, DEFAULT_INDICATORS, DEFAULT_PERIODS)
    assert error.value.problems == [
        "line 2: deadline 2026-12-31 is outside period 2021-2025",
        "line 3: period '2031-2035' is unknown (known: 2021-2025, 2026-2030)",
        "line 4: no period holds the deadline 2036-12-31 (known: 2021-2025, 2026-2030);"
        " add a period column or import the period first",
    ]


def test_a_targets_file_names_every_bad_line(units: UnitDirectory) -> None:
    text = (
        "indicator,unit,value,deadline\n"
        "nhà,xã Sơn Vĩ,100,31/12/2026\n"
        "lúa,xã Sơn Vĩ,100,31/12/2026\n"
        "nhà,xã Không Có,100,31/12/2026\n"
        "nhà,thôn Sà Lủng,nhiều,31/12/2026\n"
        "nhà,thôn Sà Lủng,5,31/02/2026\n"
        "nha,xa Son Vi,7,31/12/2026\n"
    )
    with pytest.raises(TableError) as error:
        parse_targets_csv(text, units, DEFAULT_INDICATORS, DEFAULT_PERIODS)
    assert [p.split(":")[0] for p in error.value.problems] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
    ]
    assert "same target as line 2" in error.value.problems[-1]
    with pytest.raises(TableError, match="missing columns: deadline"):
        parse_targets_csv("indicator,unit,value\n", units, DEFAULT_INDICATORS, DEFAULT_PERIODS)
