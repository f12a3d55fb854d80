"""The workbook and the exports show each report's review and photos; photos export to files."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import main
from handlers import Photo
from tests.channels.test_progress_files import _sheet_rows
from tests.cli.test_cli import run_console
from tests.conftest import Chat
from tests.handlers.test_evidence import jpeg, number


async def test_the_workbook_shows_status_approver_time_and_photos(
    cadre: Chat, leader: Chat
) -> None:
    approved = number(
        (await cadre.send("xong nhà hộ Giàng Seo Chứ", photos=(Photo(jpeg()),)))[0].text
    )
    await cadre.send(None, photos=(Photo(jpeg((1, 2, 3))),))
    rejected = number(await cadre.say("xong 1 nhà"))
    training = number(await cadre.say("đào tạo nghề 4 người"))
    await leader.send(choice=f"duyet:{approved}:a")
    await leader.say(f"/tuchoi {rejected} thiếu ảnh")
    (reply,) = await leader.send("/xuat thôn Sà Lủng")
    assert reply.attachment is not None
    header, *rows = _sheet_rows(reply.attachment.content, "Báo cáo")
    columns = {name: i for i, name in enumerate(header)}
    by_id = {row[0]: row for row in rows}

    def cell(report: int, name: str) -> object:
        return by_id[report][columns[name]]

    assert cell(approved, "Tình trạng duyệt") == "đã duyệt"
    assert cell(approved, "Người duyệt") == "Lãnh đạo huyện"
    assert isinstance(cell(approved, "Thời điểm duyệt"), datetime)
    assert cell(approved, "Số ảnh") == 2
    assert cell(rejected, "Tình trạng duyệt") == "bị từ chối"
    assert cell(rejected, "Lý do từ chối") == "thiếu ảnh"
    assert cell(rejected, "Số ảnh") == 0
    assert cell(training, "Tình trạng duyệt") == "không cần duyệt"
    assert cell(training, "Thời điểm duyệt") is None


def test_console_photos_reach_the_csv_and_export_to_files_named_by_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = str(tmp_path / "x.sqlite3")
    main(["seed-demo", "--db", db])
    picture = tmp_path / "nha.jpg"
    picture.write_bytes(jpeg())
    other = tmp_path / "nha2.jpg"
    other.write_bytes(jpeg((9, 99, 9)))
    script = f":photo {picture} xong nhà hộ Giàng Seo Chứ\n:photo {other}\n:photo /no/such.jpg\n"
    _, out = run_console(monkeypatch, capsys, ["console", "--db", db, "--as", "0912000003"], script)
    assert "Đã gắn 1 ảnh vào báo cáo số 1." in out
    assert "/no/such.jpg" in out  # a path that cannot be read is said, nothing is sent
    assert main(["export", "--db", db, "--format", "csv"]) == 0
    (row,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (row["review"], row["photos"], row["reviewed_by"]) == ("awaiting", "2", "")
    folder = tmp_path / "photos"
    assert main(["export", "--db", db, "--photos", str(folder)]) == 0
    assert "Wrote 2 photos" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == ["bao-cao-1-1.jpg", "bao-cao-1-2.jpg"]
    assert (folder / "bao-cao-1-1.jpg").read_bytes()[:2] == b"\xff\xd8"  # a JPEG
