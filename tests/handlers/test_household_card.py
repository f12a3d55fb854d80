"""/ho: a household's card within the asker's scope, and the reports naming households not
on the list. A cadre sees their village's households only, a leader their area's; a name
of another area is never shown, nor said to exist."""

from __future__ import annotations

import io
import logging
import re

import pytest

from bot.demo import seed_demo_households
from bot.logs import log_handler
from core.households import Category, HouseholdRecord
from core.models import Role
from handlers import Engine, Reply
from storage import SqliteStore
from tests.conftest import CADRE_XA_PHIN, Chat, as_person
from tests.fakes import FakeClock

COMMUNE_LEADER = "0912000007"


@pytest.fixture
async def registry(store: SqliteStore, clock: FakeClock) -> None:
    # bot/data/households_sample.csv: Sà Lủng has Giàng Seo Chứ (SL-001), Lò Văn Sính,
    # two Giàng Mí Già; Xà Phìn has Vàng Mí Kỷ (XP-001) and Sùng Thị Mai.
    await seed_demo_households(store, now=clock())


@pytest.fixture
async def xa_phin(engine: Engine) -> Chat:
    return await as_person(engine, CADRE_XA_PHIN)


@pytest.fixture
async def commune_leader(engine: Engine, store: SqliteStore, clock: FakeClock) -> Chat:
    # xã Mèo Vạc (since 2025) holds thôn Sà Lủng, not thôn Xà Phìn (xã Sơn Vĩ).
    await store.people.upsert_roster(
        [("Chủ tịch xã Mèo Vạc", "84912000007", Role.LEADER, "n:meo-vac")],
        actor_id=None,
        at=clock(),
    )
    return await as_person(engine, COMMUNE_LEADER)


async def _id(store: SqliteStore, code: str) -> int:
    (found,) = [h.id for h in await store.households.in_villages() if h.code == code]
    return found


def button(reply: Reply, start: str) -> str:
    (choice,) = [c for c in reply.choices if c.label.startswith(start)]
    return choice.data


async def test_the_card_of_a_household_of_the_cadres_village(registry: None, cadre: Chat) -> None:
    for typed in ("/ho giang seo chu", "/ho GiàngSeo  Chứ", "/ho sl-001"):
        card = await cadre.say(typed)
        assert card.splitlines()[:3] == [
            "Hộ Giàng Seo Chứ, sinh 1978, mã SL-001",
            "thôn Sà Lủng · dân tộc Mông · 6 nhân khẩu",
            "Phân loại: hộ nghèo từ năm 2025, quyết định 123/QĐ-UBND",
        ], typed
        assert "Chưa có báo cáo nào về hộ này." in card


async def test_the_card_shows_who_reported_what_and_when_and_the_category_history(
    registry: None, cadre: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    await cadre.say("xong nhà hộ Giàng Seo Chứ")  # 10:00 local time, 26/11
    clock.advance(days=1)
    await cadre.say("ho giang seo chu thoat ngheo")
    await cadre.say("/huy 1")
    record = HouseholdRecord(
        "v:sa-lung", "Giàng Seo Chứ", Category.NEAR_POOR, 2026, 1978, decision="9/QĐ", code="SL-001"
    )
    await store.households.import_records([(2, record)], [], actor_id=None, at=clock())
    card = await cadre.say("/ho Giàng Seo Chứ")
    assert "Phân loại: hộ cận nghèo từ năm 2026, quyết định 9/QĐ" in card
    assert "• năm 2025, quyết định 123/QĐ-UBND: hộ nghèo" in card
    assert "• năm 2026, quyết định 9/QĐ: hộ cận nghèo" in card
    assert (
        "• 26/11/2026: nhà ở hoàn thành 1 nhà — báo cáo số 1 của Cán bộ thôn Sà Lủng,"
        " gửi lúc 10:00 ngày 26/11/2026 (đã hủy)"
    ) in card
    assert "thoát nghèo 1 hộ — báo cáo số 2 của Cán bộ thôn Sà Lủng" in card


async def test_same_named_households_are_listed_to_pick_from(registry: None, cadre: Chat) -> None:
    (listing,) = await cadre.send("/ho giang mi gia")
    assert "Có 2 hộ tên «Giàng Mí Già»" in listing.text
    assert [c.label for c in listing.choices] == [
        "Giàng Mí Già, sinh 1962, mã SL-004, thôn Sà Lủng",
        "Giàng Mí Già, sinh 1990, mã SL-003, thôn Sà Lủng",
    ]
    (card,) = await cadre.send(None, choice=button(listing, "Giàng Mí Già, sinh 1990"))
    assert card.text.startswith("Hộ Giàng Mí Già, sinh 1990, mã SL-003")


async def test_a_cadre_cannot_see_another_villages_household(
    registry: None, cadre: Chat, store: SqliteStore
) -> None:
    unknown = await cadre.say("/ho Không Có Ai")
    # The same answer as for a name found nowhere: nothing says it exists elsewhere.
    for typed in ("Vàng Mí Kỷ", "XP-001", "vang mi ky"):
        reply = await cadre.say(f"/ho {typed}")
        assert reply == unknown.replace("Không Có Ai", typed)
    (forged,) = await cadre.send(None, choice=f"ho:{await _id(store, 'XP-001')}")
    assert "Vàng" not in forged.text
    assert "Không xem được hộ này" in forged.text


async def test_a_leader_sees_the_households_of_their_area_only(
    registry: None, commune_leader: Chat, leader: Chat
) -> None:
    assert (await commune_leader.say("/ho SL-001")).startswith("Hộ Giàng Seo Chứ")
    refused = await commune_leader.say("/ho Vàng Mí Kỷ")
    assert refused.startswith("Không tìm thấy hộ «Vàng Mí Kỷ» trong danh sách hộ của xã Mèo Vạc")
    # The district's leader sees both.
    assert (await leader.say("/ho Vàng Mí Kỷ")).startswith("Hộ Vàng Mí Kỷ, sinh 1970, mã XP-001")


@pytest.mark.parametrize(
    "command", ["/ho chuacodanhsach", "/ho chưa có danh sách", "/ho Chua Co Trong Danh Sach"]
)
async def test_reports_naming_households_not_on_the_list_within_the_scope(
    registry: None, cadre: Chat, xa_phin: Chat, leader: Chat, command: str
) -> None:
    assert "chưa có trong danh sách hộ" in await cadre.say("hộ Sùng Mí Páo thoát nghèo")
    assert "chưa có trong danh sách hộ" in await xa_phin.say("hộ Lầu Mí Dế thoát nghèo")
    await cadre.say("hộ Giàng Seo Chứ thoát nghèo")  # on the list: not listed
    mine = await cadre.say(command)
    assert mine.splitlines() == [
        "1 báo cáo ghi tên hộ chưa có trong danh sách hộ (xã rà soát, bổ sung danh sách hoặc"
        " sửa báo cáo):",
        "• thôn Sà Lủng — hộ Sùng Mí Páo: 26/11/2026: hộ thoát nghèo 1 hộ — báo cáo số 1 của"
        " Cán bộ thôn Sà Lủng, gửi lúc 10:00 ngày 26/11/2026",
    ]
    assert "Lầu Mí Dế" not in mine
    everything = await leader.say(command)
    assert "hộ Sùng Mí Páo" in everything
    assert "thôn Xà Phìn — hộ Lầu Mí Dế" in everything


async def test_nothing_to_review_and_no_name_say_so(registry: None, cadre: Chat) -> None:
    assert "Không có báo cáo nào" in await cadre.say("/ho chuacodanhsach")
    assert "/ho TÊN_CHỦ_HỘ" in await cadre.say("/ho")


async def test_household_names_never_reach_the_log_at_info(
    registry: None, cadre: Chat, store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    handler = log_handler((), logging.INFO, stream)  # the process's own handler
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        await cadre.say("hộ Giàng Mí Già thoát nghèo")
        await cadre.say("hộ Sùng Mí Páo thoát nghèo")
        await cadre.say("/ho chuacodanhsach")

        async def failing(text: str, villages: object) -> None:
            raise RuntimeError(f"lookup of {text} failed")

        monkeypatch.setattr(store.households, "find", failing)
        await cadre.say("/ho Giàng Seo Chứ")  # fails: the failure is logged
    finally:
        root.removeHandler(handler)
    logged = stream.getvalue()
    assert "handling a console message failed" in logged
    for name in ("Giàng", "Giang", "Sùng", "Sung", "Páo", "Seo"):
        assert name not in logged


async def test_unregistered_people_cannot_look_households_up(
    registry: None, engine: Engine
) -> None:
    stranger = Chat(engine, "0987654321")
    reply = await stranger.say("/ho Giàng Seo Chứ")
    assert "Giàng Seo Chứ" not in reply
    assert "chưa đăng ký" in reply


async def test_the_card_shows_decisions_recorded_in_chat_and_undone_ones_marked(
    registry: None, cadre: Chat, commune_leader: Chat
) -> None:
    recorded = await commune_leader.say(
        "/quyetdinh Giàng Seo Chứ thoát nghèo sang cận nghèo số 9/QĐ-UBND ngày 15/11/2026"
    )
    (number,) = re.findall(r"Đã ghi quyết định số (\d+)", recorded)
    card = await cadre.say("/ho Giàng Seo Chứ")
    assert "Phân loại: hộ cận nghèo từ năm 2026, quyết định 9/QĐ-UBND" in card
    assert "• năm 2026, quyết định 9/QĐ-UBND ngày 15/11/2026: hộ cận nghèo" in card
    await commune_leader.say(f"/quyetdinh huy {number}")
    card = await cadre.say("/ho Giàng Seo Chứ")
    assert "Phân loại: hộ nghèo từ năm 2025, quyết định 123/QĐ-UBND" in card
    assert "• năm 2026, quyết định 9/QĐ-UBND ngày 15/11/2026: hộ cận nghèo (đã hủy)" in card
