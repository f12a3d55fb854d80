"""Telegram photos, images sent as files, albums and locations reach the engine as evidence."""

from __future__ import annotations

from typing import Any

from tests.channels.test_telegram import CADRE_USER, TelegramHarness, telegram
from tests.handlers.test_evidence import jpeg, number, photo_counts

__all__ = ["telegram"]  # the fixture, imported for this module's tests


def photo_sizes(file_id: str, size: int) -> list[dict[str, Any]]:
    small = {"file_id": f"{file_id}-s", "file_unique_id": "s", "width": 90, "height": 60}
    large = {"file_id": file_id, "file_unique_id": "l", "width": 1280, "height": 960}
    return [small, {**large, "file_size": size}]


async def test_a_telegram_photo_with_a_caption_is_a_report_with_its_photo(
    telegram: TelegramHarness,
) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    content = jpeg()
    telegram.request.files["big-1"] = content
    update = telegram.message(
        CADRE_USER, photo=photo_sizes("big-1", len(content)), caption="xong nhà hộ Giàng Seo Chứ"
    )
    (answer,) = await telegram.feed(update)
    report = number(answer)
    assert f"Đã gắn 1 ảnh vào báo cáo số {report}." in answer
    assert await photo_counts(telegram.engine.store) == {report: 1}  # type: ignore[arg-type]


async def test_an_album_of_images_sent_as_files_gets_one_answer(
    telegram: TelegramHarness,
) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    report = number((await telegram.send(CADRE_USER, "xong 1 nhà"))[0])
    answers = []
    for index in range(3):
        content = jpeg((index * 50, 10, 10))
        telegram.request.files[f"doc-{index}"] = content
        document = {
            "file_id": f"doc-{index}",
            "file_unique_id": f"d{index}",
            "file_name": f"IMG_{index}.JPG",
            "mime_type": "image/jpeg",
            "file_size": len(content),
        }
        update = telegram.message(CADRE_USER, document=document, media_group_id="g1")
        answers.append(await telegram.feed(update))
    assert answers[0] == [f"Đã gắn các ảnh vào báo cáo số {report}."]
    assert answers[1:] == [[], []]
    assert await photo_counts(telegram.engine.store) == {report: 3}  # type: ignore[arg-type]


async def test_a_photo_too_large_or_lost_is_explained_and_not_downloaded(
    telegram: TelegramHarness,
) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    await telegram.send(CADRE_USER, "xong 1 nhà")
    huge = {
        "file_id": "huge",
        "file_unique_id": "h",
        "file_name": "scan.png",
        "mime_type": "image/png",
        "file_size": 30 * 1024 * 1024,
    }
    (too_large,) = await telegram.feed(telegram.message(CADRE_USER, document=huge))
    assert "Ảnh quá lớn" in too_large
    assert not [c for c in telegram.request.calls if c.method == "getFile"]
    missing = telegram.message(CADRE_USER, photo=photo_sizes("gone", 1000))
    (lost,) = await telegram.feed(missing)
    assert "không tải được ảnh" in lost
    assert await photo_counts(telegram.engine.store) == {}  # type: ignore[arg-type]


async def test_a_location_after_a_report_is_its_location(telegram: TelegramHarness) -> None:
    await telegram.share_contact(CADRE_USER, "0912000003")
    report = number((await telegram.send(CADRE_USER, "xong 1 nhà"))[0])
    place = {"latitude": 23.16, "longitude": 105.41}
    (answer,) = await telegram.feed(telegram.message(CADRE_USER, location=place))
    assert answer == f"Đã ghi vị trí cho báo cáo số {report}."
