"""/tiendo as leaders use it: their area, drill-down, both maps, projections, refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_engine, open_app_store
from bot.settings import Settings
from core.models import Role
from core.units import parse_units_csv
from handlers import Engine
from handlers.area import AreaQuery
from locales.translator import Translator
from storage import SqliteStore
from tests.conftest import CADRE_XA_PHIN, Chat, as_person
from tests.fakes import FakeClock

SON_VI_LEADER = "0912000005"


@pytest.fixture
async def son_vi_leader(engine: Engine, clock: FakeClock) -> Chat:
    await engine.store.people.upsert_roster(
        [("Lãnh đạo xã Sơn Vĩ", "84912000005", Role.LEADER, "n:son-vi")],
        actor_id=None,
        at=clock(),
    )
    return await as_person(engine, SON_VI_LEADER)


@pytest.fixture
async def xa_phin(engine: Engine) -> Chat:
    return await as_person(engine, CADRE_XA_PHIN)


async def test_the_district_view_lists_every_current_commune_with_its_figures(
    leader: Chat, cadre: Chat, xa_phin: Chat
) -> None:
    await cadre.say("xong 2 nhà")
    await xa_phin.say("xong 5 nhà")
    text = await leader.say("/tiendo")
    assert text.startswith("Tiến độ huyện Mèo Vạc, giai đoạn 2026–2030, đến thứ Năm, 26/11/2026:")
    assert "Theo 6 xã hiện nay. Theo xã cũ: /tiendo cu" in text
    # The shipped targets end with 2025: the current period has none yet, and says so.
    assert "Giai đoạn 2026–2030 chưa có chỉ tiêu cho địa bàn này" in text
    assert "Nhà ở hoàn thành: 7 nhà (chưa có chỉ tiêu)" in text
    assert "7 ngày qua: +7 nhà; 28 ngày qua: +7 nhà" in text
    for line in ("• Mèo Vạc: 2", "• Sơn Vĩ: 5", "• Tát Ngà: 0", "• Niêm Sơn: 0"):
        assert line in text
    assert "chậm" not in text
    assert "Ít nhất (thôn chưa có chỉ tiêu):" in text
    assert "/tiendo muctieu" in text
    assert "Giai đoạn khác: /tiendo 2021-2025" in text


async def test_a_projection_that_meets_the_deadline_is_on_track(
    admin: Chat, leader: Chat, cadre: Chat
) -> None:
    await admin.say("/chitieu nhà 80 thôn Sà Lủng 30/11/2026")
    await cadre.say("xong 70 nhà")  # 70 in 28 days: 2,5 a day, 10 left take 4 days
    text = await leader.say("/tiendo thôn Sà Lủng")
    assert "Nhà ở hoàn thành: 70/80 nhà (87,5%)" in text
    assert "Dự kiến đạt: thứ Hai, 30/11/2026 — đúng tiến độ (hạn 30/11/2026)." in text
    await admin.say("/chitieu nhà 80 thôn Sà Lủng 29/11/2026")
    text = await leader.say("/tiendo thôn Sà Lủng")
    assert "Dự kiến đạt: thứ Hai, 30/11/2026 — chậm (hạn 29/11/2026)." in text


async def test_without_recent_reports_there_is_no_projection(
    admin: Chat, leader: Chat, cadre: Chat, clock: FakeClock
) -> None:
    await admin.say("/chitieu nhà 10 thôn Sà Lủng 31/12/2027")
    await cadre.say("xong 4 nhà")
    clock.advance(days=28)
    text = await leader.say("/tiendo thôn Sà Lủng")
    assert "7 ngày qua: +0 nhà; 28 ngày qua: +0 nhà" in text
    assert "Chưa có dự báo: 28 ngày qua không có báo cáo — chậm (hạn 31/12/2027)." in text
    await cadre.say("xong 6 nhà")
    assert "Đã đạt chỉ tiêu (hạn 31/12/2027)." in await leader.say("/tiendo thôn Sà Lủng")


async def test_the_villages_furthest_behind_are_named_by_share_of_their_target(
    admin: Chat, leader: Chat, cadre: Chat, xa_phin: Chat
) -> None:
    await admin.say("/chitieu nhà 10 thôn Sà Lủng")
    await admin.say("/chitieu nhà 20 thôn Kho Tấu")
    await admin.say("/chitieu nhà 4 thôn Xà Phìn")
    await cadre.say("xong 5 nhà")
    await xa_phin.say("xong 4 nhà")  # reached: not behind
    text = await leader.say("/tiendo")
    assert "Chậm nhất: Kho Tấu: 0/20 (0%); Sà Lủng: 5/10 (50%)" in text


async def test_old_and_new_commune_names_drill_down(leader: Chat, xa_phin: Chat) -> None:
    await xa_phin.say("xong 3 nhà")
    old = await leader.say("/tiendo Thượng Phùng")
    assert old.startswith("Tiến độ xã Thượng Phùng (cũ), giai đoạn 2026–2030, đến")
    assert "Nay thuộc xã Sơn Vĩ." in old
    assert "• Xà Phìn: 3" in old
    assert "Mé Lầu" not in old  # a village of the former commune Sơn Vĩ
    new = await leader.say("/tiendo xã Sơn Vĩ")
    assert "Gồm các xã cũ: Thượng Phùng, Xín Cái, Sơn Vĩ." in new
    assert "• Mé Lầu: 0" in new
    assert "Theo xã cũ: /tiendo xã Sơn Vĩ cu" in new
    split = await leader.say("/tiendo xã Sơn Vĩ cu")
    assert "Theo 3 xã trước 7/2025. Theo xã hiện nay: /tiendo xã Sơn Vĩ" in split
    assert "• Thượng Phùng: 3" in split
    assert "• Sơn Vĩ: 0" in split
    village = await leader.say("/tiendo thon xa phin")
    assert "Thuộc xã Sơn Vĩ; trước 7/2025 thuộc xã Thượng Phùng." in village


async def test_the_old_map_groups_the_district_by_its_18_former_communes(
    leader: Chat, xa_phin: Chat
) -> None:
    await xa_phin.say("xong 3 nhà")
    text = await leader.say("/tiendo cu")
    assert "Theo 18 xã trước 7/2025. Theo xã hiện nay: /tiendo" in text
    assert "• Thượng Phùng: 3" in text
    assert "• Thị trấn Mèo Vạc: 0" in text
    assert "Nhà ở hoàn thành: 3 nhà" in text  # the same total on either map


async def test_a_commune_leader_never_sees_another_communes_figures(
    son_vi_leader: Chat, cadre: Chat, xa_phin: Chat
) -> None:
    await cadre.say("xong 40 nhà")  # Sà Lủng, in commune Mèo Vạc
    await xa_phin.say("xong 3 nhà")
    own = await son_vi_leader.say("/tiendo")
    assert own.startswith("Tiến độ xã Sơn Vĩ, giai đoạn 2026–2030, đến")
    assert "Nhà ở hoàn thành: 3 nhà" in own
    assert "40" not in own
    assert "Sà Lủng" not in own
    for other in (
        "/tiendo xã Mèo Vạc",
        "/tiendo thôn Sà Lủng",
        "/tiendo Pả Vi",
        "/tiendo huyện Mèo Vạc",
    ):
        reply = await son_vi_leader.say(other)
        assert reply.startswith("Bạn chỉ xem được số liệu trong địa bàn của mình (xã Sơn Vĩ)")
        assert "40" not in reply
    assert "Bạn chỉ xem được" in await son_vi_leader.say("/tiendo bieudo xã Mèo Vạc")
    assert "Bạn chỉ xem được" in await son_vi_leader.say("/xuat xã Mèo Vạc")
    inside = await son_vi_leader.say("/tiendo Thượng Phùng")  # a former commune inside Sơn Vĩ
    assert "• Xà Phìn: 3" in inside
    goals = await son_vi_leader.say("/tiendo muctieu")
    assert "đã báo cáo" not in goals  # the district total includes other communes


async def test_unknown_and_ambiguous_names_get_a_clear_answer(leader: Chat) -> None:
    reply = await leader.say("/tiendo Không Có")
    assert reply.startswith("Không tìm thấy xã hoặc thôn «Không Có».")
    assert "Ví dụ: /tiendo xã Sơn Vĩ" in reply
    assert "Tiến độ" not in reply


async def test_programme_goals_show_baseline_and_target(leader: Chat, cadre: Chat) -> None:
    await cadre.say("xong 2 nhà ngày 15/12/2025")  # the goals are those of 2021–2025
    await cadre.say("xong 3 nhà")  # 2026: not counted against them
    text = await leader.say("/tiendo muctieu")
    assert "Mục tiêu của Chương trình giảm nghèo bền vững đến 31/12/2025:" in text
    assert "• Tỷ lệ hộ nghèo (giảm bình quân ≥ 6 điểm %/năm): ≤ 5,99%; mốc 29,99% năm 2021" in text
    assert "(5.157 hộ)" in text
    assert "• Hộ nghèo, cận nghèo được hỗ trợ nhà ở: > 1.733; đã báo cáo 2 (0,12%)" in text
    assert "≥ 55%" in text
    assert "Xã đạt chuẩn nông thôn mới: ≥ 3; mốc 1 năm 2021" in text
    assert "Thôn đạt chuẩn nông thôn mới: ≥ 22" in text


async def test_english_speakers_get_the_same_view_in_english(
    admin: Chat, leader: Chat, cadre: Chat
) -> None:
    await admin.say("/chitieu nhà 1733 huyện Mèo Vạc 31/12/2030")
    await cadre.say("xong 2 nhà")
    await leader.say("/ngonngu en")
    text = await leader.say("/tiendo")
    assert "Houses completed: 2/1,733 houses (0.12%)" in text
    assert "By 6 current communes." in text
    assert "Last 7 days: +2 houses; last 28 days: +2 houses" in text
    # 1.731 left at 2 per 28 days: 24.234 days.
    assert "Projected completion: Thursday, 02/04/2093 — behind (deadline 31/12/2030)." in text


async def test_cadres_may_not_ask_for_progress_charts_or_exports(cadre: Chat) -> None:
    for command in ("/tiendo", "/tiendo bieudo", "/xuat", "/tiendo muctieu"):
        assert "không có quyền" in await cadre.say(command)


async def test_an_unknown_own_area_is_explained(engine: Engine, clock: FakeClock) -> None:
    store = engine.store
    assert isinstance(store, SqliteStore)
    await store.db.connection.execute(
        "UPDATE people SET scope = 'x:gone' WHERE phone = ?", ("84912000002",)
    )
    chat = await as_person(engine, "0912000002")
    assert "không có trong danh mục" in await chat.say("/tiendo")


@pytest.mark.parametrize(
    ("args", "mode", "names", "merged"),
    [
        ("", "", (), (True,)),
        ("cu", "", (), (False,)),
        ("xã cũ", "", (), (False,)),
        ("bieudo", "chart", (), (True,)),
        ("biểu đồ cũ", "chart", (), (False,)),
        ("bieudo xã Sơn Vĩ cu", "chart", ("xã Sơn Vĩ", "xã Sơn Vĩ cu"), (False, True)),
        ("cu xã Sơn Vĩ", "", ("xã Sơn Vĩ", "cu xã Sơn Vĩ"), (False, True)),
        ("xã cũ Sơn Vĩ", "", ("xã cũ Sơn Vĩ",), (True,)),
        ("muctieu", "goals", (), (True,)),
    ],
)
def test_the_arguments_name_a_view_a_unit_and_a_map(
    args: str, mode: str, names: tuple[str, ...], merged: tuple[bool, ...]
) -> None:
    from handlers.area import parse_query
    from handlers.progress import _MODES

    assert parse_query(args, _MODES) == AreaQuery(mode, names, merged)


@pytest.fixture
async def twin_villages(
    tmp_path: Path, settings: Settings, translators: dict[str, Translator], clock: FakeClock
) -> AsyncIterator[Engine]:
    """Two communes that each have a village people call Trùng."""
    text = (
        "level,name,parent,current_commune,aliases,note\n"
        "district,Huyện Thử,Tỉnh,,,\n"
        "commune,An,Huyện Thử,An,,\ncommune,Bình,Huyện Thử,Bình,,\n"
        "village,Trùng Trên,An,An,Trùng,\nvillage,Trùng Dưới,Bình,Bình,Trùng,\n"
    )
    store = await open_app_store(tmp_path / "twins.sqlite3", now=clock())
    await store.units.replace(parse_units_csv(text), actor_id=None, at=clock())
    await store.people.upsert_roster(
        [
            ("Huyện", "84912000011", Role.LEADER, "d:huyen-thu"),
            ("Xã An", "84912000012", Role.LEADER, "n:an"),
        ],
        actor_id=None,
        at=clock(),
    )
    yield await build_engine(store, settings, translators=translators, clock=clock)
    await store.close()


async def test_an_ambiguous_name_lists_the_units_it_may_mean(twin_villages: Engine) -> None:
    district = await as_person(twin_villages, "0912000011")
    reply = await district.say("/tiendo thôn Trùng")
    assert reply == (
        "«thôn Trùng» có thể là: thôn Trùng Trên (xã An); thôn Trùng Dưới (xã Bình)."
        " Hãy ghi rõ hơn, ví dụ thêm «thôn» hoặc «xã»."
    )
    commune = await as_person(twin_villages, "0912000012")
    own = await commune.say("/tiendo thôn Trùng")  # only one of them is in the area
    assert own.startswith("Tiến độ thôn Trùng Trên, giai đoạn 2026–2030, đến")
