"""Photos and locations as evidence: with a caption, after a report, as a reply, in albums."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from PIL import Image

from core.evidence import Location, PhotoProblem
from handlers import Engine, Photo
from storage import SqliteStore
from tests.conftest import Chat
from tests.fakes import FakeClock


def jpeg(
    color: tuple[int, int, int] = (200, 80, 40),
    size: tuple[int, int] = (64, 48),
    gps: tuple[tuple[float, float, float], str, tuple[float, float, float], str] | None = None,
) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    exif = Image.Exif()
    if gps is not None:
        latitude, north, longitude, east = gps
        exif[0x8825] = {1: north, 2: latitude, 3: east, 4: longitude}
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def number(text: str) -> int:
    match = re.search(r"Số (\d+):", text)
    assert match, text
    return int(match[1])


async def photo_counts(store: SqliteStore) -> dict[int, int]:
    rows = await store.db.fetchall(
        "SELECT report_id, COUNT(*) AS n FROM report_photos GROUP BY report_id"
    )
    return {r["report_id"]: r["n"] for r in rows}


async def test_a_photo_with_a_report_as_caption_is_that_report_with_its_evidence(
    cadre: Chat, store: SqliteStore
) -> None:
    replies = await cadre.send("xong nhà hộ Giàng Seo Chứ", photos=(Photo(jpeg()),))
    text = "\n".join(r.text for r in replies)
    report = number(text)
    assert "Đã ghi nhận 1 báo cáo" in text
    assert f"Đã gắn 1 ảnh vào báo cáo số {report}." in text
    assert await photo_counts(store) == {report: 1}
    (stored,) = await store.evidence.photos(report)
    assert Image.open(io.BytesIO(stored.content)).format == "JPEG"


async def test_a_photo_after_a_report_is_attached_to_it_within_ten_minutes(
    cadre: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    report = number(await cadre.say("xong 1 nhà"))
    clock.advance(minutes=9)
    text = "\n".join(r.text for r in await cadre.send(None, photos=(Photo(jpeg()),)))
    assert text == f"Đã gắn 1 ảnh vào báo cáo số {report}."
    clock.advance(minutes=11)
    late = "\n".join(r.text for r in await cadre.send(None, photos=(Photo(jpeg((1, 2, 3))),)))
    assert "Ảnh chưa được ghi: không có báo cáo nào của bạn trong 10 phút" in late
    assert await photo_counts(store) == {report: 1}


async def test_a_photo_replying_to_the_confirmation_goes_to_its_report_at_any_time(
    cadre: Chat, store: SqliteStore, clock: FakeClock
) -> None:
    first = (await cadre.send("xong 1 nhà"))[0].text
    clock.advance(minutes=3)
    second = number(await cadre.say("hộ Giàng Seo Chứ thoát nghèo"))
    clock.advance(days=2)
    replies = await cadre.send(None, photos=(Photo(jpeg()),), reply_to_text=first)
    assert replies[0].text == f"Đã gắn 1 ảnh vào báo cáo số {number(first)}."
    assert await photo_counts(store) == {number(first): 1}
    assert second not in await photo_counts(store)


async def test_an_album_gets_one_answer_and_all_its_photos(cadre: Chat, store: SqliteStore) -> None:
    colours = [(10, 10, 10), (20, 200, 20), (30, 30, 250)]
    answers = [
        await cadre.send(
            "xong nhà hộ Sùng Mí Páo" if index == 0 else None,
            photos=(Photo(jpeg(colour)),),
            album="album-1",
        )
        for index, colour in enumerate(colours)
    ]
    assert [len(a) for a in answers] == [1, 0, 0]
    report = number(answers[0][0].text)
    assert "Đã gắn các ảnh vào báo cáo số" in answers[0][0].text
    assert await photo_counts(store) == {report: 3}


async def test_the_same_photo_sent_twice_is_stored_once(cadre: Chat, store: SqliteStore) -> None:
    picture = jpeg()
    first = number(await cadre.say("xong 1 nhà"))
    await cadre.send(None, photos=(Photo(picture),))
    await cadre.send(None, photos=(Photo(picture),))
    second = number(await cadre.say("xong 2 nhà"))
    await cadre.send(None, photos=(Photo(picture),))
    assert await photo_counts(store) == {first: 1, second: 1}
    row = await store.db.fetchone("SELECT COUNT(*) FROM photos")
    assert row is not None
    assert row[0] == 1


async def test_oversize_unreadable_and_undownloadable_photos_are_explained_and_the_report_kept(
    cadre: Chat, engine: Engine, store: SqliteStore
) -> None:
    assert engine.photos is not None
    engine.photos = replace(engine.photos, max_bytes=2000)
    big = jpeg(size=(400, 400)) + b"\0" * 2000
    replies = await cadre.send("xong nhà hộ Giàng Seo Chứ", photos=(Photo(big),))
    text = "\n".join(r.text for r in replies)
    report = number(text)
    assert "Ảnh quá lớn" in text
    assert "chưa được ghi" in text
    assert (await store.reports.get(report)) is not None
    unreadable = "\n".join(r.text for r in await cadre.send(None, photos=(Photo(b"%PDF-1.4"),)))
    assert "không phải ảnh bot đọc được" in unreadable
    lost = Photo(problem=PhotoProblem.DOWNLOAD_FAILED)
    failed = "\n".join(r.text for r in await cadre.send(None, photos=(lost,)))
    assert "không tải được ảnh" in failed
    assert await photo_counts(store) == {}


async def test_a_report_keeps_at_most_five_photos(cadre: Chat, store: SqliteStore) -> None:
    report = number(await cadre.say("xong 1 nhà"))
    answers = [
        "\n".join(r.text for r in await cadre.send(None, photos=(Photo(jpeg((i, i, i))),)))
        for i in range(6)
    ]
    assert "tối đa 5 ảnh" in answers[-1]
    assert await photo_counts(store) == {report: 5}


async def test_exif_gps_and_a_location_message_become_the_reports_location(
    cadre: Chat, store: SqliteStore
) -> None:
    gps = ((23.0, 9.0, 36.0), "N", (105.0, 24.0, 18.0), "E")
    report = number(await cadre.say("xong 1 nhà"))
    await cadre.send(None, photos=(Photo(jpeg(gps=gps)),))
    located = (await store.evidence.locations([report]))[report]
    assert (located.latitude, located.longitude) == (23.16, 105.405)
    answer = await cadre.send(None, location=Location(23.2, 105.41))
    assert answer[0].text == f"Đã ghi vị trí cho báo cáo số {report}."
    assert (await store.evidence.locations([report]))[report] == Location(23.2, 105.41)


async def test_a_location_with_no_recent_report_is_not_kept(
    cadre: Chat, store: SqliteStore
) -> None:
    answer = await cadre.send(None, location=Location(23.2, 105.41))
    assert "Vị trí chưa được ghi" in answer[0].text
    row = await store.db.fetchone("SELECT COUNT(*) FROM reports WHERE latitude IS NOT NULL")
    assert row is not None
    assert row[0] == 0


async def test_a_full_photo_store_refuses_photos_keeps_reports_and_tells_the_admins(
    cadre: Chat, engine: Engine, store: SqliteStore
) -> None:
    assert engine.photos is not None
    engine.photos = replace(engine.photos, total_cap=100)
    replies = await cadre.send("xong 1 nhà", photos=(Photo(jpeg()),))
    text = "\n".join(r.text for r in replies)
    assert "Kho lưu ảnh của bot đã đầy" in text
    assert (await store.reports.get(number(text))) is not None
    queued = [item for item in await store.outbox.all() if item.kind == "photo_storage_full"]
    assert len(queued) == 1
    assert "Kho ảnh minh chứng đã đầy" in queued[0].text
    assert await photo_counts(store) == {}


async def test_a_report_awaiting_approval_asks_for_a_photo_unless_it_came_with_one(
    cadre: Chat,
) -> None:
    assert "hãy gửi ảnh minh chứng" in await cadre.say("xong 1 nhà")
    assert "hãy gửi ảnh minh chứng" not in await cadre.say("đào tạo nghề 3 người")
    with_photo = await cadre.send("hộ Sùng Mí Páo xong nhà", photos=(Photo(jpeg()),))
    assert "hãy gửi ảnh minh chứng" not in with_photo[0].text
