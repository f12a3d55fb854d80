"""Reports name registry households: one household however its name is typed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.households import Category, HouseholdRecord
from storage import SqliteStore
from tests.conftest import Chat

AT = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
async def registry(store: SqliteStore) -> None:
    lines = [
        (2, HouseholdRecord("v:sa-lung", "Giàng Seo Chứ", Category.POOR, 2025, 1978)),
        (3, HouseholdRecord("v:sa-lung", "Lò Văn Sính", Category.NEAR_POOR, 2025, 1985)),
        (4, HouseholdRecord("v:xa-phin", "Vàng Mí Kỷ", Category.POOR, 2025)),
    ]
    await store.households.import_records(lines, [], actor_id=None, at=AT)


@pytest.mark.parametrize(
    "text",
    [
        "hộ Giàng Seo Chứ thoát nghèo",
        "ho giang seo chu thoat ngheo",
        "gia đình GiàngSeo Chứ thoát nghèo",
    ],
)
async def test_every_spelling_is_the_registry_household(
    registry: None, cadre: Chat, store: SqliteStore, text: str
) -> None:
    reply = await cadre.say(text)
    assert "Đã ghi nhận 1 báo cáo" in reply
    (report,) = await store.reports.all()
    assert report.household == "Giàng Seo Chứ"
    assert "chưa có trong danh sách hộ" not in reply


async def test_a_second_spelling_cannot_graduate_the_household_again(
    registry: None, cadre: Chat, store: SqliteStore
) -> None:
    assert "Đã ghi nhận" in await cadre.say("hộ Giàng Seo Chứ thoát nghèo")
    second = await cadre.say("ho giang seo chu thoat ngheo")
    assert "Đã ghi nhận" not in second
    assert len(await store.reports.all()) == 1


async def test_a_name_not_on_the_list_is_stored_as_typed_and_flagged(
    registry: None, cadre: Chat, store: SqliteStore
) -> None:
    reply = await cadre.say("hộ Sùng Mí Páo thoát nghèo")
    assert "Đã ghi nhận 1 báo cáo" in reply
    assert "Hộ Sùng Mí Páo chưa có trong danh sách hộ của thôn" in reply
    (report,) = await store.reports.all()
    assert report.household == "Sùng Mí Páo"


async def test_another_villages_household_is_not_this_villages(
    registry: None, cadre: Chat, store: SqliteStore
) -> None:
    # Vàng Mí Kỷ is on Xà Phìn's list, not Sà Lủng's: lower case is not read as a name.
    assert "Đã ghi nhận" not in await cadre.say("ho vang mi ky thoat ngheo")
    assert await store.reports.all() == []


async def test_without_a_registry_nothing_changes(cadre: Chat, store: SqliteStore) -> None:
    assert "Đã ghi nhận" not in await cadre.say("ho giang seo chu thoat ngheo")
    reply = await cadre.say("hộ Giàng Seo Chứ thoát nghèo")
    assert "Đã ghi nhận 1 báo cáo" in reply
    assert "danh sách hộ" not in reply
