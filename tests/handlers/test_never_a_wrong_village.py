"""Through the whole engine: a report naming a place the bot does not know stores nothing."""

from __future__ import annotations

import pytest

from storage import SqliteStore
from tests.conftest import Chat


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("bản Nậm Ban xong 2 nhà", "Nậm Ban"),
        ("bản Tả Lủng xong 2 nhà", "Tả Lủng"),
        ("thôn Sủng Là 1 hộ thoát nghèo", "Sủng Là"),
        ("Sà Lủng Dưới: xong 2 nhà", "Sà Lủng Dưới"),
        ("hộ Giàng Seo Chứ thôn Lũng Lừ A thoát nghèo", "Lũng Lừ A"),
    ],
)
async def test_an_unknown_village_is_refused_and_nothing_is_stored(
    cadre: Chat, store: SqliteStore, text: str, quoted: str
) -> None:
    reply = await cadre.say(text)
    assert "Không tìm thấy thôn" in reply
    assert quoted in reply
    assert await store.reports.all() == []


async def test_a_village_after_ở_is_the_reports_village_not_the_senders(
    cadre: Chat, store: SqliteStore
) -> None:
    # The Sà Lủng cadre names Xà Phìn: not stored against Sà Lủng, and out of scope.
    reply = await cadre.say("xong 2 nhà ở Xà Phìn")
    assert "thôn Xà Phìn không thuộc địa bàn của bạn" in reply
    assert await store.reports.all() == []
