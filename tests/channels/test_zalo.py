"""The Zalo channel: payloads shaped like Zalo's, through the adapter and a stand-in API."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.channels.zalo.updates import parse_update, unwrap
from core.phones import normalize_phone
from handlers import Engine
from tests.channels.zalo_harness import ZBOT, ZaloHarness
from tests.conftest import CADRE_SA_LUNG, LEADER
from tests.fake_zalo_api import zalo_update
from tests.handlers.test_evidence import jpeg, number, photo_counts

CADRE, BOSS, STRANGER = "6ede9afa66b88fe6d6a9", "7fef0b0b77c99f0f07ba", "88aa11bb22cc33dd44ee"


def test_flat_and_wrapped_webhook_bodies_are_the_same_update() -> None:
    flat = zalo_update(CADRE, "xong 2 nhà", message_id="2d758cb5e222177a4e35")
    assert unwrap(flat) == flat
    assert unwrap({"ok": True, "result": flat}) == flat
    assert unwrap({"ok": True}) is None
    assert unwrap(["not", "an", "update"]) is None


def test_dates_are_milliseconds_and_ids_strings() -> None:
    update = zalo_update(CADRE, "xong 2 nhà", message_id="2d758cb5e222177a4e35")
    update["message"]["date"] = 1750316131602
    parsed = parse_update(ZBOT, update, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert parsed.date == datetime(2025, 6, 19, 6, 55, 31, 602000, tzinfo=UTC)
    assert parsed.user_id == CADRE
    assert parsed.chat_id == CADRE
    # The inbox key is the message's: the same message twice is one entry.
    again = parse_update(ZBOT, update, now=datetime(2031, 1, 1, tzinfo=UTC))
    assert parsed.key == again.key


async def test_an_unregistered_person_is_asked_for_an_invite_code_not_a_phone(
    zalo: ZaloHarness,
) -> None:
    replies = await zalo.say(CADRE, "xong 2 nhà")
    assert len(replies) == 1
    assert "mã mời" in replies[0]
    assert "Chia sẻ số điện thoại" not in replies[0]


@pytest.mark.parametrize("how", ["{code}", "/dangky {code}", "  {lower}  "])
async def test_a_cadre_registers_with_an_invite_code_and_reports(
    zalo: ZaloHarness, engine: Engine, how: str
) -> None:
    code = await zalo.invite(CADRE_SA_LUNG)
    welcome = await zalo.say(CADRE, how.format(code=code, lower=code.lower()))
    assert "thôn Sà Lủng" in welcome[0]
    replies = await zalo.say(CADRE, "xong 2 nhà")
    assert "Nhà ở hoàn thành 2 nhà" in replies[0]
    assert zalo.api.sent[-1].chat_id == CADRE
    reports = await engine.store.reports.all()
    assert [(r.village, r.count) for r in reports] == [("v:sa-lung", 2)]


async def test_a_wrong_or_expired_code_registers_nobody(zalo: ZaloHarness) -> None:
    expired = await zalo.invite(CADRE_SA_LUNG, expired=True)
    for text in (expired, "ABCDEF"):
        replies = await zalo.say(CADRE, text)
        assert "không đúng hoặc đã hết hạn" in replies[0]
    assert "chưa đăng ký" in (await zalo.say(CADRE, "xong 1 nhà"))[0]


async def test_the_same_update_delivered_twice_is_stored_and_answered_once(
    zalo: ZaloHarness, engine: Engine
) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    update = zalo_update(CADRE, "xong 2 nhà")
    first = await zalo.feed(update)
    second = await zalo.feed(update)
    assert len(first) == 1
    assert second == []
    assert len(await engine.store.reports.all()) == 1


async def test_a_leader_asks_tiendo_on_zalo(zalo: ZaloHarness) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    await zalo.say(CADRE, "xong 2 nhà ngày 5/5/2025")
    await zalo.register(BOSS, LEADER)
    replies = await zalo.say(BOSS, "/tiendo 2021-2025")
    assert "2/1.733 nhà (0,12%)" in "\n".join(replies)
    assert all(len(text) <= 2000 for text in zalo.api.texts())


async def test_choices_are_numbered_and_answered_by_number(zalo: ZaloHarness) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    question = (await zalo.say(CADRE, "/ngonngu"))[0]
    assert "1. Tiếng Việt" in question
    assert "2. English" in question
    assert "Trả lời 1 hoặc 2" in question
    answer = await zalo.say(CADRE, "2")
    assert "English" in answer[0]
    # Now in English: a report is confirmed in English.
    assert "Recorded" in (await zalo.say(CADRE, "xong 1 nhà"))[0]


async def test_a_stale_or_foreign_number_changes_nothing(zalo: ZaloHarness, engine: Engine) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    await zalo.register(STRANGER, "0912000004")
    await zalo.say(CADRE, "/ngonngu")
    # Someone else's "2" is not an answer to the question asked of the cadre.
    await zalo.say(STRANGER, "2")
    stranger = await engine.store.people.by_phone(normalize_phone("0912000004"))
    assert stranger is not None
    assert stranger.language is None
    # Another message in between: the question is stale, "2" picks nothing.
    await zalo.say(CADRE, "/huongdan")
    await zalo.say(CADRE, "2")
    cadre = await engine.store.people.by_phone(normalize_phone(CADRE_SA_LUNG))
    assert cadre is not None
    assert cadre.language is None


async def test_a_pending_choice_survives_a_restart(zalo: ZaloHarness, engine: Engine) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    await zalo.say(CADRE, "/ngonngu")
    await zalo.restart()  # a new process: nothing in memory
    await zalo.say(CADRE, "2")
    cadre = await engine.store.people.by_phone(normalize_phone(CADRE_SA_LUNG))
    assert cadre is not None
    assert cadre.language == "en"


async def test_long_replies_are_split_at_line_boundaries(zalo: ZaloHarness) -> None:
    lines = [f"dòng {n}: " + "x" * 90 for n in range(60)]
    await zalo.channel.sender.send_text(ZBOT, CADRE, "\n".join(lines))
    parts = zalo.api.texts(CADRE)
    assert len(parts) == 3
    assert all(len(part) <= 2000 for part in parts)
    assert "\n".join(parts).split("\n") == lines


@pytest.mark.parametrize("field", ["photo_url", "photo"])
async def test_a_photo_is_downloaded_at_once_and_kept_with_its_report(
    zalo: ZaloHarness, field: str
) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    zalo.api.photos["p.jpg"] = jpeg()
    update = zalo_update(
        CADRE,
        event="message.image.received",
        message_type="CHAT_PHOTO",
        caption="xong nhà hộ Giàng Seo Chứ",
        **{field: zalo.api.photo_url("p.jpg")},
    )
    (answer,) = await zalo.feed(update)
    report = number(answer)
    assert f"Đã gắn 1 ảnh vào báo cáo số {report}." in answer
    assert await photo_counts(zalo.engine.store) == {report: 1}  # type: ignore[arg-type]


async def test_a_photo_after_a_report_is_its_evidence(zalo: ZaloHarness) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    report = number((await zalo.say(CADRE, "xong 1 nhà"))[0])
    zalo.api.photos["later.jpg"] = jpeg((200, 10, 10))
    photo = zalo.api.photo_url("later.jpg")
    (answer,) = await zalo.say(CADRE, event="message.image.received", photo_url=photo)
    assert f"báo cáo số {report}" in answer
    assert await photo_counts(zalo.engine.store) == {report: 1}  # type: ignore[arg-type]


async def test_a_photo_whose_link_expired_is_explained(zalo: ZaloHarness) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    await zalo.say(CADRE, "xong 1 nhà")
    gone = zalo.api.photo_url("expired.jpg")
    (answer,) = await zalo.say(CADRE, event="message.image.received", photo_url=gone)
    assert "không tải được ảnh" in answer
    assert await photo_counts(zalo.engine.store) == {}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("event", "answered"),
    [
        ("message.sticker.received", True),
        ("message.unsupported.received", True),
        ("message.reaction.received", False),
        ("message.something.new", False),
    ],
)
async def test_stickers_unsupported_and_unknown_events_never_crash(
    zalo: ZaloHarness, event: str, answered: bool
) -> None:
    await zalo.register(CADRE, CADRE_SA_LUNG)
    replies = await zalo.say(CADRE, event=event, sticker="abc", url="https://x")
    if answered:
        assert len(replies) == 1
        assert "chữ" in replies[0]
    else:
        assert replies == []


async def test_an_unsupported_event_without_a_message_is_silence(zalo: ZaloHarness) -> None:
    assert await zalo.feed({"event_name": "message.unsupported.received"}) == []


async def test_updates_from_bots_and_from_itself_are_dropped(
    zalo: ZaloHarness, engine: Engine
) -> None:
    assert await zalo.say(CADRE, "xong 2 nhà", is_bot=True) == []
    assert await zalo.say(ZBOT, "xong 2 nhà") == []
    assert await engine.store.reports.all() == []


async def test_group_reports_are_confirmed_in_private_with_a_bare_group_ack(
    zalo: ZaloHarness, engine: Engine
) -> None:
    group = "99group0000000000000"
    await zalo.register(CADRE, CADRE_SA_LUNG)
    replies = await zalo.say(CADRE, "@Bot Báo Cáo xong 2 nhà", chat=group, chat_type="GROUP")
    assert len(await engine.store.reports.all()) == 1
    private = zalo.api.texts(CADRE)[-1]
    assert "Nhà ở hoàn thành 2 nhà" in private
    in_group = zalo.api.texts(group)
    assert len(in_group) == 1
    assert "\n" not in in_group[0]
    assert not re.search(r"\d", in_group[0])
    assert "Sà Lủng" not in in_group[0]
    assert len(replies) == 2


async def test_group_messages_of_strangers_or_not_reports_get_silence_in_the_group(
    zalo: ZaloHarness,
) -> None:
    group = "99group0000000000000"
    assert await zalo.say(STRANGER, "@Bot xong 2 nhà", chat=group, chat_type="GROUP") == []
    await zalo.register(CADRE, CADRE_SA_LUNG)
    await zalo.say(CADRE, "@Bot chào cả nhà", chat=group, chat_type="GROUP")
    assert zalo.api.texts(group) == []
