"""/duyet: approving and rejecting reports, the cadre's correction, who may decide, totals."""

from __future__ import annotations

import json

from core.evidence import Review
from core.models import Role
from handlers import Engine, Photo, Reply
from locales.translator import Translator
from storage import SqliteStore
from tests.conftest import Chat, as_person
from tests.fakes import FakeClock
from tests.handlers.test_corrections import aggregates_match_reports
from tests.handlers.test_evidence import jpeg, number

SON_VI_LEADER = "0912000009"


def choice(reply: Reply, label: str) -> str:
    (found,) = [c.data for c in reply.choices if c.label == label]
    return found


async def review_aggregates_match_reports(store: SqliteStore) -> None:
    """approved_daily and review_queue say what the reports say."""
    approved: dict[tuple[str, str, str], int] = {}
    waiting: set[int] = set()
    for report in await store.reports.all():
        if report.status.value != "active":
            continue
        if report.review == Review.APPROVED:
            key = (report.village, report.indicator, report.done_on.isoformat())
            approved[key] = approved.get(key, 0) + report.count
        if report.review == Review.AWAITING:
            waiting.add(report.id)
    rows = await store.db.fetchall("SELECT village, indicator, day, total FROM approved_daily")
    assert {(r[0], r[1], r[2]): r[3] for r in rows if r[3]} == approved
    queue = await store.db.fetchall("SELECT report_id FROM review_queue")
    assert {r[0] for r in queue} == waiting


async def housing(store: SqliteStore) -> int:
    return (await store.reports.village_totals(["v:sa-lung"])).get(("v:sa-lung", "housing"), 0)


async def test_reject_correct_and_approve_round_trip(
    cadre: Chat, leader: Chat, store: SqliteStore
) -> None:
    sent = await cadre.send("xong nhà hộ Giàng Seo Chứ", photos=(Photo(jpeg()),))
    report = number(sent[0].text)
    assert (await store.reports.get(report)).review == Review.AWAITING  # type: ignore[union-attr]
    assert await housing(store) == 1  # awaiting reports count

    shown = await leader.send("/duyet")
    photo, card = shown
    assert photo.attachment is not None
    assert photo.attachment.is_image
    assert f"Số {report}:" in card.text
    assert "thôn Sà Lủng" in card.text
    assert "hộ Giàng Seo Chứ" in card.text
    assert "Cán bộ thôn Sà Lủng" in card.text
    assert "26/11/2026" in card.text
    assert [c.label for c in card.choices] == ["Duyệt", "Từ chối", "Để sau"]

    reasons = await leader.send(choice=choice(card, "Từ chối"))
    rejected = await leader.send(choice=choice(reasons[0], "Công trình chưa hoàn thành"))
    assert f"Đã từ chối báo cáo số {report}" in rejected[0].text
    assert "Không còn báo cáo nào chờ duyệt" in rejected[-1].text
    assert await housing(store) == 0  # a rejected report leaves the totals
    await aggregates_match_reports(store)
    (notice,) = [m for m in await store.outbox.all() if m.kind == "rejection"]
    assert "bị từ chối" in notice.text
    assert "Công trình chưa hoàn thành" in notice.text
    assert f"/sua {report}" in notice.text

    fixed = await cadre.say(f"/sua {report} xong nhà hộ Giàng Seo Chứ")
    assert "gửi lại để lãnh đạo xã duyệt" in fixed
    assert (await store.reports.get(report)).review == Review.AWAITING  # type: ignore[union-attr]
    assert await housing(store) == 1

    card = (await leader.send("/duyet"))[-1]
    approved = await leader.send(choice=choice(card, "Duyệt"))
    assert approved[0].text == f"Đã duyệt báo cáo số {report}."
    info = (await store.reviews.infos([report]))[report]
    assert info.review == Review.APPROVED
    assert await store.reviews.approved_totals(["v:sa-lung"]) == {"housing": 1}

    rows = await store.db.fetchall(
        "SELECT action, actor_id, after FROM events WHERE entity = 'report' AND entity_id = ?"
        " AND action IN ('approved', 'rejected') ORDER BY id",
        (str(report),),
    )
    leader_id = (await store.people.by_phone("84912000002")).id  # type: ignore[union-attr]
    assert [(r["action"], r["actor_id"]) for r in rows] == [
        ("rejected", leader_id),
        ("approved", leader_id),
    ]
    assert json.loads(rows[0]["after"])["reason"] == "Công trình chưa hoàn thành"
    await review_aggregates_match_reports(store)


async def test_a_reason_may_be_typed_and_a_photo_reply_sends_the_report_back(
    cadre: Chat, leader: Chat, store: SqliteStore
) -> None:
    report = number(await cadre.say("xong 1 nhà"))
    answer = await leader.say(f"/tuchoi {report} chưa có ảnh mái nhà")
    assert "lý do: chưa có ảnh mái nhà" in answer
    (notice,) = [m for m in await store.outbox.all() if m.kind == "rejection"]
    replies = await cadre.send(None, photos=(Photo(jpeg()),), reply_to_text=notice.text)
    assert f"Báo cáo số {report} đã được gửi lại để lãnh đạo xã duyệt." in replies[0].text
    assert (await store.reports.get(report)).review == Review.AWAITING  # type: ignore[union-attr]
    assert await housing(store) == 1


async def test_only_leaders_of_the_villages_area_decide_and_never_on_their_own_report(
    cadre: Chat, leader: Chat, engine: Engine, store: SqliteStore
) -> None:
    await store.people.upsert_roster(
        [("Lãnh đạo xã Sơn Vĩ", "84912000009", Role.LEADER, "n:son-vi")],
        actor_id=None,
        at=engine.clock(),
    )
    son_vi = await as_person(engine, SON_VI_LEADER)
    report = number(await cadre.say("xong 1 nhà"))
    assert "Không còn báo cáo nào chờ duyệt" in await son_vi.say("/duyet")
    refused = await son_vi.send(choice=f"duyet:{report}:a")
    assert "không thuộc địa bàn của bạn" in refused[0].text
    assert "không thuộc địa bàn" in await son_vi.say(f"/tuchoi {report} sai")
    assert "không có quyền" in await cadre.say("/duyet")
    assert "không có quyền" in "\n".join(
        r.text for r in await cadre.send(choice=f"duyet:{report}:a")
    )

    own = number(await leader.say("thôn Sà Lủng xong 1 nhà"))
    queue = await leader.send("/duyet")
    assert f"Số {own}:" not in queue[-1].text
    assert "tự duyệt" in (await leader.send(choice=f"duyet:{own}:a"))[0].text
    for number_ in (report, own):
        assert (await store.reports.get(number_)).review == Review.AWAITING  # type: ignore[union-attr]


async def test_totals_with_and_without_approval(
    cadre: Chat, leader: Chat, store: SqliteStore
) -> None:
    training = number(await cadre.say("đào tạo nghề 12 người"))
    assert (await store.reports.get(training)).review is None  # type: ignore[union-attr]
    first = number(await cadre.say("xong 2 nhà"))
    second = number(await cadre.say("hôm qua xong 3 nhà"))
    await leader.send(choice=f"duyet:{first}:a")
    await leader.say(f"/tuchoi {second} số liệu sai")
    totals = await store.reports.totals(["v:sa-lung"])
    assert totals == {"training": 12, "housing": 2}
    assert await store.reviews.approved_totals(["v:sa-lung"]) == {"housing": 2}
    assert await store.reviews.summary(["v:sa-lung"]) == (0, None)
    await aggregates_match_reports(store)
    await review_aggregates_match_reports(store)
    # Cancelling the rejected report changes no total a second time.
    await cadre.say(f"/huy {second}")
    assert await store.reports.totals(["v:sa-lung"]) == {"training": 12, "housing": 2}
    await aggregates_match_reports(store)
    # An approved report corrected waits again, out of the approved count.
    await cadre.say(f"/sua {first} 4")
    assert await store.reviews.approved_totals(["v:sa-lung"]) == {}
    await review_aggregates_match_reports(store)


async def test_a_decided_report_cannot_be_decided_again(
    cadre: Chat, leader: Chat, admin: Chat, store: SqliteStore
) -> None:
    report = number(await cadre.say("xong 1 nhà"))
    await leader.send(choice=f"duyet:{report}:a")
    again = await admin.send(choice=f"duyet:{report}:r")
    assert "không còn chờ duyệt" in again[0].text
    assert (await store.reports.get(report)).review == Review.APPROVED  # type: ignore[union-attr]


async def test_the_demo_database_has_reports_awaiting_approval(
    leader: Chat, engine: Engine, store: SqliteStore
) -> None:
    from bot.demo import seed_demo_reviews

    await seed_demo_reviews(store, now=engine.clock())
    first = await leader.send("/duyet")
    assert first[0].attachment is not None
    assert "2 báo cáo đang chờ" in first[-1].text
    assert "hộ Giàng Seo Chứ" in first[-1].text
    later = await leader.send(choice=choice(first[-1], "Để sau"))
    assert "hộ Sùng Mí Páo" in later[-1].text
    assert "Chưa có ảnh minh chứng." in later[-1].text


async def test_which_indicators_need_approval_is_data(store: SqliteStore, engine: Engine) -> None:
    from core.indicators import parse_indicators_csv

    shipped = await store.indicators.load()
    assert shipped["housing"].needs_approval
    assert not shipped["training"].needs_approval
    table = (
        "code,name_vi,name_en,unit_vi,unit_en,keywords,household,approval\n"
        "training,Đào tạo nghề,Vocational training,người,person|people,đào tạo nghề,no,yes\n"
        "housing,Nhà ở hoàn thành,Houses completed,nhà,house|houses,nhà,yes,\n"
    )
    changed = parse_indicators_csv(table, shipped)
    await store.indicators.set_many(changed, actor_id=None, at=engine.clock())
    loaded = await store.indicators.load()
    assert loaded["training"].needs_approval
    assert loaded["housing"].needs_approval  # left empty: kept as it was


async def test_tiendo_says_how_much_is_approved_and_what_waits(cadre: Chat, leader: Chat) -> None:
    first = number(await cadre.say("xong 2 nhà"))
    await cadre.say("hôm qua xong 1 nhà")
    await cadre.say("đào tạo nghề 5 người")
    await leader.send(choice=f"duyet:{first}:a")
    text = await leader.say("/tiendo")
    assert "Đã duyệt: nhà ở hoàn thành 2/3 nhà" in text
    assert "1 báo cáo chờ duyệt, lâu nhất từ 26/11/2026 (/duyet)" in text
    assert "Đã duyệt: đào tạo nghề" not in text


async def test_the_weekly_digest_says_how_many_wait_for_approval_and_since_when(
    cadre: Chat, store: SqliteStore, clock: FakeClock, translators: dict[str, Translator]
) -> None:
    from tests.reminder_helpers import MONDAY
    from tests.scheduler.test_reminders import planned

    await cadre.say("xong 1 nhà")  # Thursday 26/11
    clock.advance(days=1)
    await cadre.say("xong 2 nhà")
    clock.now = MONDAY
    digest = (await planned(store, clock, translators))["84912000002"]
    assert "2 báo cáo chờ duyệt, lâu nhất từ 26/11/2026: gửi /duyet để duyệt." in digest
