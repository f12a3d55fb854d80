"""/tiendo shows the real poverty rate: now and at each year's end, against the target path,
with phát sinh and tái nghèo; the chart and the workbook carry it."""

from __future__ import annotations

import io
from fractions import Fraction

import pytest
from openpyxl import load_workbook
from PIL import Image

from core.households import Category, HouseholdRecord, VillageTotal
from core.poverty_rate import Baseline, PathStep
from handlers import Engine
from tests.conftest import Chat
from tests.fakes import FakeClock

POOR, NEAR, NONE = Category.POOR, Category.NEAR_POOR, Category.NONE


@pytest.fixture
async def registry(engine: Engine, clock: FakeClock) -> None:
    """Thôn Sà Lủng, 10 households at the end of 2024 and 2025:
    h1 poor 2024 → out 2025; h2 poor since 2024; h3 near-poor 2024 → poor 2025 (phát sinh).
    End of 2024: 2 poor (20%), 1 near-poor (10%). End of 2025: 2 poor (20%), none near-poor."""
    store = engine.store

    def rec(code: str, category: Category, year: int) -> tuple[int, HouseholdRecord]:
        return (2, HouseholdRecord("v:sa-lung", f"Hộ {code}", category, year, code=code))

    totals = [VillageTotal("v:sa-lung", 2024, 10), VillageTotal("v:sa-lung", 2025, 10)]
    first = [rec("h1", POOR, 2024), rec("h2", POOR, 2024), rec("h3", NEAR, 2024)]
    await store.households.import_records(first, totals, actor_id=None, at=clock())
    later = [rec("h1", NONE, 2025), rec("h3", POOR, 2025)]
    await store.households.import_records(later, [], actor_id=None, at=clock())
    # The village's own baseline: 25% at the end of 2024, so 19% is the 2025 target.
    baseline = [Baseline("v:sa-lung", 2024, Fraction(25, 100))]
    await store.poverty.set_path(baseline, [], actor_id=None, at=clock())


@pytest.mark.usefixtures("registry")
async def test_an_ended_year_above_its_target_is_not_achieved(leader: Chat) -> None:
    text = await leader.say("/tiendo 2021-2025 thôn Sà Lủng")
    assert "Tỷ lệ hộ nghèo (hộ nghèo ÷ tổng số hộ cuối năm):" in text
    assert "Lộ trình (giảm 6 điểm %/năm từ mốc): 2024: 25% (mốc); 2025: ≤ 19%." in text
    assert "• Cuối năm 2024: 20% (2/10 hộ), cận nghèo 10%\n" in text
    assert (
        "• Cuối năm 2025: 20% (2/10 hộ), cận nghèo 0% — không đạt (mục tiêu cuối năm 2025 ≤ 19%);"
        " phát sinh 1, tái nghèo 0"
    ) in text
    assert "Hiện nay" not in text  # an ended period shows its final figures


@pytest.mark.usefixtures("registry")
async def test_a_rate_on_some_villages_only_gets_no_verdict(leader: Chat) -> None:
    text = await leader.say("/tiendo 2021-2025")
    rate = text[text.index("Tỷ lệ hộ nghèo (") :]
    # The shipped path of the district: 29,99% at the end of 2021, 6 points a year.
    assert (
        "2021: 29,99% (mốc); 2022: ≤ 23,99%; 2023: ≤ 17,99%; 2024: ≤ 11,99%; 2025: ≤ 5,99%" in rate
    )
    assert "• Cuối năm 2025: 20% (2/10 hộ), cận nghèo 0%; tính trên 1/43 thôn" in rate
    assert "không đạt" not in rate
    assert "— đạt" not in rate
    assert "Theo xã (2025):\n  Mèo Vạc: 20% (2/10 hộ), cận nghèo 0%; tính trên 1/9 thôn" in rate
    assert "Chỉ đánh giá tỷ lệ tính trên mọi thôn" in rate


@pytest.mark.usefixtures("registry")
async def test_the_current_period_without_a_path_shows_the_rate_without_verdict(
    leader: Chat, engine: Engine, clock: FakeClock
) -> None:
    text = await leader.say("/tiendo thôn Sà Lủng")
    assert "Giai đoạn này chưa có lộ trình giảm tỷ lệ hộ nghèo: chưa đánh giá." in text
    assert "• Cuối năm 2025: 20% (2/10 hộ), cận nghèo 0%" in text
    assert "• Hiện nay: 20% (2/10 hộ), cận nghèo 0%" in text
    assert "đúng tiến độ" not in text
    assert "chậm" not in text
    # Once the district gives 2026–2030 a path, this year is judged on the rate now.
    path = [Baseline("v:sa-lung", 2025, Fraction(22, 100))]
    step = [PathStep("2026-2030", "v:sa-lung", Fraction(1, 100))]
    await engine.store.poverty.set_path(path, step, actor_id=None, at=clock())
    text = await leader.say("/tiendo thôn Sà Lủng")
    assert (
        "• Hiện nay: 20% (2/10 hộ), cận nghèo 0% — đúng tiến độ (mục tiêu cuối năm 2026 ≤ 21%)"
        in (text)
    )


async def test_an_area_without_registry_or_path_has_no_rate_section(leader: Chat) -> None:
    assert "Tỷ lệ hộ nghèo (" not in await leader.say("/tiendo")


@pytest.mark.usefixtures("registry")
async def test_a_commune_leader_sees_only_the_communes_villages(
    engine: Engine, clock: FakeClock
) -> None:
    from core.models import Role
    from tests.conftest import as_person

    await engine.store.people.upsert_roster(
        [("Lãnh đạo xã Sơn Vĩ", "84912000005", Role.LEADER, "n:son-vi")],
        actor_id=None,
        at=clock(),
    )
    son_vi = await as_person(engine, "0912000005")
    assert "Tỷ lệ hộ nghèo (" not in await son_vi.say("/tiendo")  # Sà Lủng is not theirs
    refused = await son_vi.say("/tiendo thôn Sà Lủng")
    assert "20%" not in refused
    assert "không thuộc địa bàn" in refused


@pytest.mark.usefixtures("registry")
async def test_the_chart_and_the_workbook_carry_the_rate(leader: Chat) -> None:
    # Thôn Xà Phìn has neither a list nor a path: its chart has no rate panel.
    (plain,) = await leader.send("/tiendo bieudo 2021-2025 thôn Xà Phìn")
    (chart,) = await leader.send("/tiendo bieudo 2021-2025 thôn Sà Lủng")
    assert chart.attachment is not None
    assert plain.attachment is not None
    heights = []
    for png in (plain.attachment.content, chart.attachment.content):
        with Image.open(io.BytesIO(png)) as image:
            heights.append(image.size[1])
    assert heights[1] > heights[0] + 200  # the rate panel under the bars
    (reply,) = await leader.send("/xuat 2021-2025 thôn Sà Lủng")
    assert reply.attachment is not None
    workbook = load_workbook(io.BytesIO(reply.attachment.content))
    assert "Tỷ lệ hộ nghèo" in workbook.sheetnames
    rows = list(workbook["Tỷ lệ hộ nghèo"].iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Đơn vị",
        "Thời điểm",
        "Hộ nghèo",
        "Hộ cận nghèo",
        "Tổng số hộ",
        "Tỷ lệ hộ nghèo",
    )
    assert rows[1][:9] == ("thôn Sà Lủng", "cuối năm 2024", 2, 1, 10, 0.2, 0.1, 0.25, None)
    assert rows[2] == (
        "thôn Sà Lủng",
        "cuối năm 2025",
        2,
        0,
        10,
        0.2,
        0.0,
        0.19,
        "không đạt",
        1,
        0,
        "1/1",
    )


async def test_the_demo_registry_gives_the_district_a_real_rate(
    leader: Chat, engine: Engine, clock: FakeClock
) -> None:
    from bot.demo import seed_demo_households
    from bot.demo_poverty import seed_demo_poverty

    store = engine.store
    await seed_demo_households(store, now=clock())
    await seed_demo_poverty(store, now=clock())
    households = len(await store.households.in_villages(None))
    await seed_demo_poverty(store, now=clock())  # once only
    assert len(await store.households.in_villages(None)) == households
    text = await leader.say("/tiendo")
    now = next(line for line in text.splitlines() if line.startswith("• Hiện nay:"))
    rate = float(now.split("%")[0].removeprefix("• Hiện nay: ").replace(",", "."))
    assert 10 < rate < 40  # a poverty rate as Mèo Vạc's villages have, not a sample's 2%
    assert "tính trên 2/43 thôn" in now
    village = await leader.say("/tiendo 2021-2025 thôn Sà Lủng")
    assert "2022: " in village
    assert "(mốc)" in village
    assert "phát sinh" in village
    assert "tái nghèo" in village
    assert "— đạt" in village or "— không đạt" in village
