"""Reported vs decided: a cadre reports a graduation, the commune's decision changes the
category (/quyetdinh in chat, or the decided list imported), and both show."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from core.households import Category, HouseholdRecord
from core.models import Role
from handlers import Engine
from storage import SqliteStore
from tests.conftest import Chat, as_person

AT = datetime(2026, 11, 1, tzinfo=UTC)
MEO_VAC_LEADER, SON_VI_LEADER, VILLAGE_LEADER = "0912000009", "0912000010", "0912000011"


@pytest.fixture
async def registry(store: SqliteStore) -> None:
    lines = [
        (
            2,
            HouseholdRecord("v:sa-lung", "Giàng Seo Chứ", Category.POOR, 2025, 1978, code="SL-001"),
        ),
        (3, HouseholdRecord("v:sa-lung", "Lò Văn Sính", Category.NEAR_POOR, 2025, 1985)),
        (4, HouseholdRecord("v:sa-lung", "Giàng Mí Già", Category.POOR, 2025, 1990)),
        (5, HouseholdRecord("v:sa-lung", "Giàng Mí Già", Category.POOR, 2025, 1962)),
        (6, HouseholdRecord("v:xa-phin", "Vàng Mí Kỷ", Category.POOR, 2025)),
    ]
    await store.households.import_records(lines, [], actor_id=None, at=AT)


@pytest.fixture
async def chairs(engine: Engine, store: SqliteStore) -> tuple[Chat, Chat, Chat]:
    """Leaders of xã Mèo Vạc (Sà Lủng's commune), xã Sơn Vĩ, and of thôn Sà Lủng itself."""
    await store.people.upsert_roster(
        [
            ("Chủ tịch xã Mèo Vạc", "84" + MEO_VAC_LEADER[1:], Role.LEADER, "n:meo-vac"),
            ("Chủ tịch xã Sơn Vĩ", "84" + SON_VI_LEADER[1:], Role.LEADER, "n:son-vi"),
            ("Trưởng thôn Sà Lủng", "84" + VILLAGE_LEADER[1:], Role.LEADER, "v:sa-lung"),
        ],
        actor_id=None,
        at=engine.clock(),
    )
    return (
        await as_person(engine, MEO_VAC_LEADER),
        await as_person(engine, SON_VI_LEADER),
        await as_person(engine, VILLAGE_LEADER),
    )


async def category(store: SqliteStore, name: str) -> Category:
    (household,) = [h for h in await store.households.in_villages() if h.name == name]
    return household.category


GRADUATE = "/quyetdinh Giàng Seo Chứ thoát nghèo sang cận nghèo số 123/QĐ-UBND ngày 15/11/2026"


async def test_a_report_is_not_a_decision_until_the_commune_records_one(
    registry: None, cadre: Chat, chairs: tuple[Chat, Chat, Chat], store: SqliteStore
) -> None:
    meo_vac, _, _ = chairs
    assert "Đã ghi nhận" in await cadre.say("hộ Giàng Seo Chứ thoát nghèo")
    assert await category(store, "Giàng Seo Chứ") == Category.POOR
    waiting = await meo_vac.say("/quyetdinh")
    assert "Thoát nghèo: 1 hộ báo cáo, 0 đã có quyết định." in waiting
    assert "Báo cáo thoát nghèo chưa có quyết định (1):" in waiting
    assert "hộ Giàng Seo Chứ, thôn Sà Lủng" in waiting

    reply = await meo_vac.say(GRADUATE)
    assert "Đã ghi quyết định số" in reply
    assert "hộ Giàng Seo Chứ, sinh 1978, mã SL-001, thôn Sà Lủng — thoát nghèo" in reply
    assert "từ hộ nghèo thành hộ cận nghèo theo quyết định 123/QĐ-UBND ngày 15/11/2026" in reply
    assert "Người ghi: Chủ tịch xã Mèo Vạc" in reply
    assert await category(store, "Giàng Seo Chứ") == Category.NEAR_POOR
    (household,) = [h for h in await store.households.in_villages() if h.code == "SL-001"]
    assert (household.year, household.decision) == (2026, "123/QĐ-UBND")
    last = (await store.decisions.steps(household_id=household.id))[-1]
    assert (last.source, last.decided_on, last.before) == (
        "chat",
        AT.date().replace(day=15),
        Category.POOR,
    )

    done = await meo_vac.say("/quyetdinh")
    assert "Thoát nghèo: 1 hộ báo cáo, 1 đã có quyết định." in done
    assert "Không có báo cáo thoát nghèo nào chờ quyết định." in done
    assert "Quyết định gần đây:" in done
    assert "hộ nghèo → hộ cận nghèo" in done
    assert "ghi qua tin nhắn" in done


async def test_tiendo_shows_reported_and_decided_graduations(
    registry: None, cadre: Chat, leader: Chat, chairs: tuple[Chat, Chat, Chat]
) -> None:
    assert "Thoát nghèo:" not in await leader.say("/tiendo")
    await cadre.say("hộ Giàng Seo Chứ thoát nghèo")
    await cadre.say("2 hộ thoát nghèo")
    assert "Thoát nghèo: 3 hộ báo cáo, 0 đã có quyết định." in await leader.say("/tiendo")
    await chairs[0].say(GRADUATE)
    assert "Thoát nghèo: 3 hộ báo cáo, 1 đã có quyết định." in await leader.say("/tiendo")


async def test_importing_the_decided_list_counts_as_a_decision(
    registry: None, cadre: Chat, chairs: tuple[Chat, Chat, Chat], store: SqliteStore
) -> None:
    await cadre.say("hộ Giàng Seo Chứ thoát nghèo")
    decided = HouseholdRecord(
        "v:sa-lung",
        "Giàng Seo Chứ",
        Category.MIDDLE,
        2026,
        1978,
        code="SL-001",
        decision="45/QĐ-UBND",
        decided_on=AT.date(),
    )
    await store.households.import_records([(2, decided)], [], actor_id=None, at=AT)
    shown = await chairs[0].say("/quyetdinh")
    assert "Thoát nghèo: 1 hộ báo cáo, 1 đã có quyết định." in shown
    assert "— thoát nghèo (hộ nghèo → hộ có mức sống trung bình)" in shown
    assert "quyết định 45/QĐ-UBND ngày 01/11/2026, nhập danh sách" in shown


async def test_namesakes_are_a_choice_and_the_press_records_it(
    registry: None, chairs: tuple[Chat, Chat, Chat], store: SqliteStore
) -> None:
    meo_vac = chairs[0]
    (question,) = await meo_vac.send("/quyetdinh giang mi gia can ngheo 7/QĐ-UBND 20/11/2026")
    assert "Có 2 hộ tên «giang mi gia»" in question.text
    labels = [c.label for c in question.choices]
    assert labels == [
        "Giàng Mí Già, sinh 1962, thôn Sà Lủng",
        "Giàng Mí Già, sinh 1990, thôn Sà Lủng",
    ]
    assert await category(store, "Giàng Seo Chứ") == Category.POOR
    namesakes = [h for h in await store.households.in_villages() if h.name == "Giàng Mí Già"]
    assert {h.category for h in namesakes} == {Category.POOR}
    (done,) = await meo_vac.send(choice=question.choices[1].data)
    assert "Đã ghi quyết định số" in done.text
    assert "sinh 1990" in done.text
    (again,) = await meo_vac.send(choice=question.choices[0].data)
    assert "Không có gì thay đổi" in again.text
    young, old = sorted(
        (h for h in await store.households.in_villages() if h.name == "Giàng Mí Già"),
        key=lambda h: h.birth_year or 0,
        reverse=True,
    )
    assert (young.category, old.category) == (Category.NEAR_POOR, Category.POOR)


async def test_a_household_code_names_it_and_entering_poverty_is_a_decision_too(
    registry: None, chairs: tuple[Chat, Chat, Chat], store: SqliteStore
) -> None:
    reply = await chairs[0].say("/quyetdinh Lò Văn Sính tái nghèo 9/QĐ-UBND 2026-11-20")
    assert "— vào diện nghèo, từ hộ cận nghèo thành hộ nghèo" in reply
    assert await category(store, "Lò Văn Sính") == Category.POOR
    reply = await chairs[0].say("/quyetdinh sl-001 không thuộc diện 10/QĐ-UBND 21/11/2026")
    assert "— thoát nghèo, từ hộ nghèo thành không thuộc diện" in reply


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("/quyetdinh Giàng Seo Chứ thoát nghèo 123/QĐ-UBND 15/11/2026", "Hãy ghi rõ"),
        ("/quyetdinh Giàng Seo Chứ cận nghèo 15/11/2026", "Chưa ghi số quyết định"),
        ("/quyetdinh Giàng Seo Chứ cận nghèo 123/QĐ-UBND", "Chưa ghi ngày quyết định"),
        ("/quyetdinh Giàng Seo Chứ cận nghèo 123/QĐ-UBND 31/02/2026", "Chưa ghi ngày"),
        ("/quyetdinh Giàng Seo Chứ cận nghèo 123/QĐ-UBND 15/12/2030", "chưa đến"),
        ("/quyetdinh Giàng Seo Chứ 123/QĐ-UBND 15/11/2026", "Chưa ghi phân loại mới"),
        ("/quyetdinh cận nghèo 123/QĐ-UBND 15/11/2026", "Chưa ghi tên hoặc mã hộ"),
        ("/quyetdinh Sùng Mí Páo cận nghèo 1/QĐ 15/11/2026", "Không tìm thấy hộ «Sùng Mí Páo»"),
        ("/quyetdinh Giàng Seo Chứ nghèo 1/QĐ 15/11/2026", "đã là hộ nghèo"),
        ("/quyetdinh Lò Văn Sính thoát nghèo sang trung bình 1/QĐ 15/11/2026", "không phải hộ"),
        ("/quyetdinh Lò Văn Sính thoát cận nghèo sang nghèo 1/QĐ 15/11/2026", "không khớp"),
        ("/quyetdinh Giàng Seo Chứ cận nghèo 1/QĐ 15/11/2024", "cũ hơn phân loại hiện nay"),
        ("/quyetdinh huy abc", "Cách hủy"),
        ("/quyetdinh huy 999", "Không tìm thấy quyết định số 999"),
    ],
)
async def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    registry: None, chairs: tuple[Chat, Chat, Chat], store: SqliteStore, text: str, answer: str
) -> None:
    before = await store.households.in_villages()
    assert answer in await chairs[0].say(text)
    assert await store.households.in_villages() == before


async def test_a_mistake_is_undone_and_kept_in_the_history(
    registry: None, chairs: tuple[Chat, Chat, Chat], store: SqliteStore
) -> None:
    meo_vac = chairs[0]
    reply = await meo_vac.say(GRADUATE)
    number = reply.split("Đã ghi quyết định số ")[1].split(":")[0]
    undone = await meo_vac.say(f"/quyetdinh huy {number}")
    assert f"Đã hủy quyết định số {number}" in undone
    assert "trở lại là hộ nghèo (năm 2025)" in undone
    assert await category(store, "Giàng Seo Chứ") == Category.POOR
    assert "đã hủy trước đó" in await meo_vac.say(f"/quyetdinh huy {number}")
    (household,) = [h for h in await store.households.in_villages() if h.code == "SL-001"]
    steps = await store.decisions.steps(household_id=household.id)
    assert [(s.source, s.cancelled) for s in steps] == [("import", False), ("chat", True)]
    assert "nhập từ danh sách" in await meo_vac.say(f"/quyetdinh huy {steps[0].id}")
    events = [e.action for e in await store.audit.events(entity="household")]
    assert events[-2:] == ["decided", "decision_cancelled"]


async def test_only_a_leader_of_the_households_commune_or_above_decides(
    registry: None,
    cadre: Chat,
    leader: Chat,
    chairs: tuple[Chat, Chat, Chat],
    store: SqliteStore,
) -> None:
    meo_vac, son_vi, village = chairs
    assert "không có quyền" in await cadre.say(GRADUATE)
    # Sơn Vĩ's leader does not find Sà Lủng's household, nor learns that it exists.
    assert "Không tìm thấy hộ «Giàng Seo Chứ»" in await son_vi.say(GRADUATE)
    assert "Chỉ lãnh đạo xã" in await village.say(GRADUATE)
    assert await category(store, "Giàng Seo Chứ") == Category.POOR
    reply = await meo_vac.say(GRADUATE)
    number = reply.split("Đã ghi quyết định số ")[1].split(":")[0]
    assert "Không tìm thấy quyết định" in await son_vi.say(f"/quyetdinh huy {number}")
    assert await category(store, "Giàng Seo Chứ") == Category.NEAR_POOR
    # Sơn Vĩ's list shows none of Mèo Vạc's households or decisions.
    listing = await son_vi.say("/quyetdinh")
    assert "Sà Lủng" not in listing
    assert "Quyết định gần đây" not in listing
    assert "Sà Lủng" in await leader.say("/quyetdinh")  # the district sees it


async def test_names_and_categories_are_never_logged(
    registry: None,
    cadre: Chat,
    chairs: tuple[Chat, Chat, Chat],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await cadre.say("hộ Giàng Seo Chứ thoát nghèo")
    await chairs[0].say(GRADUATE)
    await chairs[0].say("/quyetdinh")
    await chairs[0].say("/quyetdinh giang mi gia can ngheo 7/QĐ-UBND 20/11/2026")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    for secret in ("Giàng", "giang", "cận nghèo", "near_poor", "123/QĐ"):
        assert secret not in logged


async def test_a_namesakes_report_is_decided_by_its_own_household(
    registry: None, cadre: Chat, chairs: tuple[Chat, Chat, Chat]
) -> None:
    (question,) = await cadre.send("hộ Giàng Mí Già thoát nghèo")
    assert len(question.choices) == 2
    await cadre.send(choice=question.choices[1].data)  # the one born in 1990
    meo_vac = chairs[0]
    assert "Báo cáo thoát nghèo chưa có quyết định (1):" in await meo_vac.say("/quyetdinh")
    (asked,) = await meo_vac.send("/quyetdinh Giàng Mí Già cận nghèo 7/QĐ-UBND 20/11/2026")
    await meo_vac.send(choice=asked.choices[0].data)  # the namesake born in 1962
    assert "Báo cáo thoát nghèo chưa có quyết định (1):" in await meo_vac.say("/quyetdinh")
    (asked,) = await meo_vac.send("/quyetdinh Giàng Mí Già cận nghèo 8/QĐ-UBND 21/11/2026")
    await meo_vac.send(choice=asked.choices[1].data)
    assert "Không có báo cáo thoát nghèo nào chờ quyết định." in await meo_vac.say("/quyetdinh")
