"""/huy, /sua, and corrections by replying to the bot or editing the message."""

from __future__ import annotations

import json
import re
from typing import Any

from core.evidence import Review
from core.models import ReportStatus, Role
from handlers import Engine
from storage import SqliteStore
from tests.conftest import CADRE_XA_PHIN, Chat, as_person
from tests.fakes import FakeClock


async def events(store: SqliteStore, report_id: int) -> list[dict[str, Any]]:
    rows = await store.db.fetchall(
        "SELECT action, actor_id, at, before, after FROM events"
        " WHERE entity = 'report' AND entity_id = ? ORDER BY id",
        (str(report_id),),
    )
    return [
        {
            "action": r["action"],
            "actor_id": r["actor_id"],
            "at": r["at"],
            "before": json.loads(r["before"]) if r["before"] else None,
            "after": json.loads(r["after"]) if r["after"] else None,
        }
        for r in rows
    ]


async def aggregates_match_reports(store: SqliteStore) -> None:
    """village_totals and village_daily equal what the active reports add up to."""
    expected_totals: dict[tuple[str, str], int] = {}
    expected_daily: dict[tuple[str, str, str], int] = {}
    for report in await store.reports.all():
        if report.status != ReportStatus.ACTIVE or report.review == Review.REJECTED:
            continue
        key = (report.village, report.indicator)
        expected_totals[key] = expected_totals.get(key, 0) + report.count
        day = (*key, report.done_on.isoformat())
        expected_daily[day] = expected_daily.get(day, 0) + report.count
    totals = {
        (r["village"], r["indicator"]): r["total"]
        for r in await store.db.fetchall("SELECT * FROM village_totals")
        if r["total"]
    }
    daily = {
        (r["village"], r["indicator"], r["day"]): r["total"]
        for r in await store.db.fetchall("SELECT * FROM village_daily")
        if r["total"]
    }
    assert totals == expected_totals
    assert daily == expected_daily


def number(reply: str) -> int:
    match = re.search(r"Số (\d+):", reply)
    assert match, reply
    return int(match[1])


# --- /huy ---------------------------------------------------------------------------


async def test_a_cadre_cancels_their_report_and_the_total_follows(
    cadre: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    await cadre.say("xong 2 nhà")
    n = number(await cadre.say("xong 3 nhà"))
    clock.advance(minutes=5)
    reply = await cadre.say(f"/huy {n}")
    assert f"Đã hủy báo cáo: Số {n}: Nhà ở hoàn thành 3 nhà — thôn Sà Lủng" in reply
    assert "Tổng thôn Sà Lủng: nhà ở hoàn thành 2 nhà" in reply
    report = await store.reports.get(n)
    assert report is not None
    assert report.status == ReportStatus.CANCELLED  # kept, not deleted
    assert report.count == 3
    created, cancelled = await events(store, n)
    assert created["action"] == "created"
    assert cancelled["action"] == "cancelled"
    assert cancelled["before"]["status"] == "active"
    assert cancelled["after"]["status"] == "cancelled"
    assert cancelled["at"] == clock().isoformat()
    cadre_person = await store.people.by_phone("84912000003")
    assert cadre_person is not None
    assert cancelled["actor_id"] == cadre_person.id
    assert "đã hủy trước đó" in await cadre.say(f"/huy {n}")
    assert "đã hủy trước đó" in await cadre.say(f"/sua {n} xong 4 nhà")
    await aggregates_match_reports(store)


async def test_huy_understands_the_ways_people_write_the_number(
    cadre: Chat, store: SqliteStore
) -> None:
    for count, form in enumerate(("/huy #{n}", "/huy số {n}", "/huy so{n}"), start=1):
        n = number(await cadre.say(f"xong {count} nhà, đào tạo nghề 2 người"))
        assert "Đã hủy" in await cadre.say(form.format(n=n))
    assert "Cách hủy: /huy" in await cadre.say("/huy")
    assert "Cách hủy: /huy" in await cadre.say("/huy nhà")
    assert "Không tìm thấy báo cáo số 999" in await cadre.say("/huy 999")
    assert "Cách sửa: /sua" in await cadre.say("/sua 3")
    await aggregates_match_reports(store)


async def test_only_the_reporter_or_a_leader_of_the_area_may_change_a_report(
    engine: Engine, cadre: Chat, leader: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    n = number(await cadre.say("xong 2 nhà"))
    xa_phin = await as_person(engine, CADRE_XA_PHIN)
    assert f"Không tìm thấy báo cáo số {n} của bạn" in await xa_phin.say(f"/huy {n}")
    await store.people.upsert_roster(
        [("Lãnh đạo xã Sơn Vĩ", "84912000005", Role.LEADER, "n:son-vi")], actor_id=None, at=clock()
    )
    other_commune = await as_person(engine, "0912000005")
    assert "Không tìm thấy" in await other_commune.say(f"/sua {n} xong 5 nhà")
    reply = await leader.say(f"/sua {n} xong 5 nhà")
    assert "Số lượng: 2 nhà → 5 nhà" in reply
    report = await store.reports.get(n)
    assert report is not None
    assert report.count == 5
    assert report.reporter_id != (await store.people.by_phone("84912000002")).id  # type: ignore[union-attr]
    (_, corrected) = await events(store, n)
    assert corrected["actor_id"] == (await store.people.by_phone("84912000002")).id  # type: ignore[union-attr]


# --- /sua ---------------------------------------------------------------------------


async def test_sua_shows_what_changed_and_the_new_total(cadre: Chat, store: SqliteStore) -> None:
    n = number(await cadre.say("hôm qua xong 2 nhà"))
    await cadre.say("xong 1 nhà")
    reply = await cadre.say(f"/sua {n} xong 3 nhà")
    assert reply.startswith(f"Đã sửa báo cáo số {n}:")
    assert "• Số lượng: 2 nhà → 3 nhà" in reply
    assert "Ngày" not in reply.split("Bây giờ")[0]  # no date given: the old one stays
    assert f"Số {n}: Nhà ở hoàn thành 3 nhà — thôn Sà Lủng, ngày 25/11/2026" in reply
    assert "Tổng thôn Sà Lủng: nhà ở hoàn thành 4 nhà" in reply
    (_, corrected) = await events(store, n)
    assert corrected["action"] == "corrected"
    assert corrected["before"]["count"] == 2
    assert corrected["after"]["count"] == 3
    await aggregates_match_reports(store)


async def test_sua_can_change_the_indicator_date_and_household(
    cadre: Chat, store: SqliteStore
) -> None:
    n = number(await cadre.say("xong 1 nhà"))
    reply = await cadre.say(f"/sua {n} hôm qua hộ Giàng Seo Chứ thoát nghèo")
    assert "• Việc: Nhà ở hoàn thành → Hộ thoát nghèo" in reply
    assert "• Số lượng: 1 nhà → 1 hộ" in reply
    assert "• Ngày: 26/11/2026 → 25/11/2026" in reply
    assert "• Hộ: (không ghi) → Giàng Seo Chứ" in reply
    assert "Tổng thôn Sà Lủng: nhà ở hoàn thành 0 nhà" in reply
    assert "Tổng thôn Sà Lủng: hộ thoát nghèo 1 hộ" in reply
    await aggregates_match_reports(store)


async def test_sua_with_only_the_part_that_changes(cadre: Chat, store: SqliteStore) -> None:
    n = number(await cadre.say("đào tạo nghề 12 người"))
    reply = await cadre.say(f"/sua {n} 15")
    assert "• Số lượng: 12 người → 15 người" in reply
    reply = await cadre.say(f"/sua {n} hôm kia")
    assert "• Ngày: 26/11/2026 → 24/11/2026" in reply
    assert "Số lượng" not in reply
    report = await store.reports.get(n)
    assert report is not None
    assert (report.indicator, report.count, report.done_on.isoformat()) == (
        "training",
        15,
        "2026-11-24",
    )
    assert "không có gì thay đổi" in await cadre.say(f"/sua {n} 15")
    await aggregates_match_reports(store)


async def test_a_leader_moves_a_report_to_another_village(leader: Chat, store: SqliteStore) -> None:
    n = number(await leader.say("thôn Xà Phìn xong 2 nhà"))
    reply = await leader.say(f"/sua {n} thôn Xín Phìn Chủ xong 2 nhà")
    assert "• Thôn: thôn Xà Phìn → thôn Xín Phìn Chủ" in reply
    assert "Tổng thôn Xà Phìn: nhà ở hoàn thành 0 nhà" in reply
    assert "Tổng thôn Xín Phìn Chủ: nhà ở hoàn thành 2 nhà" in reply
    await aggregates_match_reports(store)


async def test_a_bad_correction_is_explained_and_changes_nothing(
    cadre: Chat, store: SqliteStore
) -> None:
    n = number(await cadre.say("xong 2 nhà"))
    assert "«600»" in await cadre.say(f"/sua {n} xong 600 nhà")
    assert "không thuộc địa bàn" in await cadre.say(f"/sua {n} thôn Xà Phìn xong 2 nhà")
    assert "chỉ sửa được một báo cáo" in await cadre.say(f"/sua {n} xong 2 nhà, 3 hộ thoát nghèo")
    report = await store.reports.get(n)
    assert report is not None
    assert report.count == 2
    assert [e["action"] for e in await events(store, n)] == ["created"]


async def test_an_ambiguous_village_in_a_correction_is_asked_with_buttons(
    leader: Chat, store: SqliteStore
) -> None:
    n = number(await leader.say("thôn Xà Phìn xong 2 nhà"))
    (question,) = await leader.send(f"/sua {n} thôn Trù Lủng xong 2 nhà")
    (choice,) = [c for c in question.choices if c.label.endswith("Trên")]
    (done,) = await leader.send(None, choice=choice.data)
    assert "• Thôn: thôn Xà Phìn → thôn Trù Lủng Trên" in done.text
    await aggregates_match_reports(store)


# --- replying to the bot's confirmation ---------------------------------------------------


async def test_replying_to_the_confirmation_corrects_that_report(
    cadre: Chat, store: SqliteStore
) -> None:
    confirmation = await cadre.say("xong 2 nhà")
    n = number(confirmation)
    (reply,) = await cadre.send("xong 3 nhà", reply_to_text=confirmation)
    assert f"Đã sửa báo cáo số {n}" in reply.text
    assert "2 nhà → 3 nhà" in reply.text
    assert len(await store.reports.all()) == 1
    # The correction shows the report again: replying to it corrects once more.
    (again,) = await cadre.send("hủy", reply_to_text=reply.text)
    assert "Đã hủy báo cáo" in again.text
    await aggregates_match_reports(store)


async def test_replying_to_a_confirmation_of_several_asks_which_one(
    cadre: Chat, store: SqliteStore
) -> None:
    confirmation = await cadre.say("xong 2 nhà, 3 hộ thoát nghèo")
    (question,) = await cadre.send("xong 4 nhà", reply_to_text=confirmation)
    assert "Bạn muốn sửa báo cáo nào" in question.text
    assert len(question.choices) == 2
    first = question.choices[0]
    assert "Nhà ở hoàn thành 2 nhà" in first.label
    (done,) = await cadre.send(None, choice=first.data)
    assert "2 nhà → 4 nhà" in done.text
    (twice,) = await cadre.send(None, choice=first.data)
    assert "đã trả lời" in twice.text
    counts = sorted(r.count for r in await store.reports.all())
    assert counts == [3, 4]
    await aggregates_match_reports(store)


async def test_replying_to_another_bot_message_is_a_new_report(
    cadre: Chat, store: SqliteStore
) -> None:
    guide = await cadre.say("/huongdan")
    (stored,) = await cadre.send("xong 1 nhà", reply_to_text=guide)
    assert "Đã ghi nhận 1 báo cáo" in stored.text
    assert len(await store.reports.all()) == 1


async def test_english_confirmations_can_be_replied_to_as_well(
    cadre: Chat, store: SqliteStore
) -> None:
    await cadre.say("/ngonngu en")
    confirmation = await cadre.say("xong 2 nhà")
    (reply,) = await cadre.send("xong 5 nhà", reply_to_text=confirmation)
    report = (await store.reports.all())[0]
    assert report.count == 5, reply.text


# --- editing the message -----------------------------------------------------------------


async def test_editing_a_stored_message_corrects_its_report(
    cadre: Chat, store: SqliteStore
) -> None:
    await cadre.send("xong 2 nhà", message_id="m1")
    (reply,) = await cadre.send("xong 3 nhà", message_id="m1", edited=True)
    assert "2 nhà → 3 nhà" in reply.text
    (report,) = await store.reports.all()
    assert report.count == 3
    await aggregates_match_reports(store)


async def test_editing_a_message_whose_report_was_cancelled_changes_nothing(
    cadre: Chat, store: SqliteStore
) -> None:
    await cadre.send("xong 2 nhà", message_id="m2")
    await cadre.say("/huy 1")
    (reply,) = await cadre.send("xong 3 nhà", message_id="m2", edited=True)
    assert "đã hủy trước đó" in reply.text
    await aggregates_match_reports(store)
