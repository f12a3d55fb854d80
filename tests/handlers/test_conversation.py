"""The engine through the console channel's plain messages: what cadres and leaders see."""

from __future__ import annotations

import re

from handlers import Engine
from tests.conftest import CADRE_XA_PHIN, Chat, as_person
from tests.fakes import FakeClock


async def test_report_reply_names_number_village_and_running_total(cadre: Chat) -> None:
    first = await cadre.say("xong 2 nhà")
    assert re.search(r"Số \d+: Nhà ở hoàn thành 2 nhà — thôn Sà Lủng, ngày 26/11/2026", first)
    assert "Tổng thôn Sà Lủng: nhà ở hoàn thành 2 nhà" in first
    second = await cadre.say("hôm qua xong 3 nha")
    assert "ngày 25/11/2026" in second
    assert "Tổng thôn Sà Lủng: nhà ở hoàn thành 5 nhà" in second


async def test_a_bad_report_is_explained_and_nothing_is_stored(cadre: Chat, engine: Engine) -> None:
    reply = await cadre.say("chào anh")
    assert "Ví dụ" in reply
    reply = await cadre.say("xong nhà")
    assert "Thiếu số lượng" in reply
    assert await engine.store.reports.all() == []


async def test_a_cadre_cannot_report_for_another_village(cadre: Chat, engine: Engine) -> None:
    reply = await cadre.say("thôn Xà Phìn xong 2 nhà")
    assert "không thuộc địa bàn" in reply
    assert await engine.store.reports.all() == []


async def test_a_leader_reports_for_any_village_in_the_area_but_must_name_it(
    leader: Chat, engine: Engine
) -> None:
    assert "ghi rõ tên thôn" in await leader.say("xong 2 nhà")
    assert "thôn Xà Phìn" in await leader.say("thôn Xà Phìn xong 2 nhà")
    assert len(await engine.store.reports.all()) == 1


async def test_progress_counts_only_the_leaders_area(engine: Engine, leader: Chat) -> None:
    sa_lung = await as_person(engine, "0912000003")
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    await sa_lung.say("xong 2 nhà")
    await xa_phin.say("xong 5 nhà")
    text = await leader.say("/tiendo")
    assert "Nhà ở hoàn thành: 7 nhà (chưa có chỉ tiêu)" in text
    assert "Hộ thoát nghèo: 0 hộ (chưa có chỉ tiêu)" in text
    assert "Đào tạo nghề: 0 người (chưa có chỉ tiêu)" in text


async def test_admin_sets_a_commune_target_and_a_commune_leader_sees_it(
    engine: Engine, admin: Chat, clock: FakeClock
) -> None:
    from core.models import Role

    reply = await admin.say("/chitieu đào tạo 300 xã Sơn Vĩ 31/12/2026")
    assert "Đã đặt chỉ tiêu đào tạo nghề cho xã Sơn Vĩ: 300 người, hạn 31/12/2026" in reply
    await engine.store.people.upsert_roster(
        [("Lãnh đạo xã", "84912000005", Role.LEADER, "n:son-vi")], actor_id=None, at=clock()
    )
    commune_leader = await as_person(engine, "0912000005")
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    sa_lung = await as_person(engine, "0912000003")
    await xa_phin.say("đào tạo nghề 12 người")
    await sa_lung.say("đào tạo nghề 40 người")  # another commune: not counted for Sơn Vĩ
    text = await commune_leader.say("/tiendo")
    assert "xã Sơn Vĩ" in text
    assert "12/300 người (4%)" in text


async def test_admin_invites_by_phone_and_the_code_registers_once(
    engine: Engine, admin: Chat, clock: FakeClock
) -> None:
    reply = await admin.say("/moi 0912 000 004")
    code = re.search(r"/dangky ([A-Z0-9]{6})", reply)
    assert code is not None
    newcomer = Chat(engine, "telegram-user-1")
    welcome = await newcomer.say(f"/dangky {code[1].lower()}")
    assert "thôn Xà Phìn" in welcome
    stranger = Chat(engine, "telegram-user-2")
    assert "không đúng hoặc đã hết hạn" in await stranger.say(f"/dangky {code[1]}")


async def test_an_invite_expires_after_a_week(
    engine: Engine, admin: Chat, clock: FakeClock
) -> None:
    reply = await admin.say("/moi 0912000004")
    code = re.search(r"/dangky ([A-Z0-9]{6})", reply)
    assert code is not None
    clock.advance(days=8)
    assert "hết hạn" in await Chat(engine, "late").say(f"/dangky {code[1]}")


async def test_only_admins_invite(leader: Chat) -> None:
    assert "không có quyền" in await leader.say("/moi 0912000004")


async def test_english_speakers_get_english(cadre: Chat) -> None:
    assert await cadre.say("/ngonngu en") == "Switched to English."
    reply = await cadre.say("xong 2 nha")
    assert "Houses completed 2 houses" in reply
    assert await cadre.say("/ngonngu vi") == "Đã chuyển sang tiếng Việt."


async def test_unknown_commands_point_to_the_guide(cadre: Chat) -> None:
    assert "/huongdan" in await cadre.say("/khongco")
    guide = await cadre.say("/huongdan")
    assert "xong 2 nhà" in guide
    assert "/tiendo" not in guide  # cadres are not shown leaders' commands
