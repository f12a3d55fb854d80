"""`python -m bot reminders` and the demo database, as an operator uses them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

DEMO_AT = "2026-11-30T07:30+07:00"

EXPECTED_DRY_RUN = """\
At 2026-11-30 07:30 Asia/Ho_Chi_Minh (period 2026-W49): 3 message(s) would be sent. \
Dry run: nothing was changed.
── to Lãnh đạo huyện (0912 000 002) · digest
Tổng hợp tuần 23/11/2026–29/11/2026 cho huyện Mèo Vạc
Kết quả trong tuần:
• Nhà ở hoàn thành: 0 nhà
• Hộ thoát nghèo: 0 hộ
• Đào tạo nghề: 0 người
Thôn đã báo cáo (0/2): —
Thôn chưa báo cáo (2): Sà Lủng, Xà Phìn
Không có nhiệm vụ nào quá hạn.
── to Cán bộ thôn Sà Lủng (0912 000 003) · reminder
Nhắc việc tuần này cho thôn Sà Lủng (thứ Hai, 30/11/2026):
• Nhà ở hoàn thành: 0/5 nhà — hạn 31/12/2026, còn 31 ngày
Đã 7 ngày nay bạn chưa gửi báo cáo nào. Có việc gì đã xong thì nhắn cho bot nhé, ví dụ: xong 2 nhà
Gõ /nhiemvu để xem lại nhiệm vụ bất cứ lúc nào.
── to Cán bộ thôn Xà Phìn (0912 000 004) · reminder
Chào Cán bộ thôn Xà Phìn!
Đã 7 ngày nay bạn chưa gửi báo cáo nào. Có việc gì đã xong thì nhắn cho bot nhé, ví dụ: xong 2 nhà
"""


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "DEFAULT_LOCALE", "TIMEZONE"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    db = str(tmp_path / "demo.sqlite3")
    assert main(["seed-demo", "--db", db]) == 0
    capsys.readouterr()
    return db


def dump(db: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.mark.parametrize("command", ["reminders", "import-tasks"])
def test_new_subcommands_have_help_with_db(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "--db" in capsys.readouterr().out


def test_the_dry_run_on_the_demo_shows_the_sa_lung_reminder_and_changes_nothing(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(demo)
    assert main(["reminders", "--db", demo, "--at", DEMO_AT, "--dry-run"]) == 0
    assert capsys.readouterr().out == EXPECTED_DRY_RUN
    assert dump(demo) == before


def test_the_dry_run_as_a_program(demo: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "reminders", "--db", demo, "--at", DEMO_AT, "--dry-run"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXPECTED_DRY_RUN


def test_a_dry_run_at_night_says_the_messages_wait(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reminders", "--db", demo, "--at", "2026-11-30T22:00", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "At 2026-11-30 22:00 Asia/Ho_Chi_Minh (period 2026-W49): quiet hours, nothing would be"
        " sent; 3 message(s) would wait for the morning."
    )


def test_running_queues_the_week_once_and_leaves_sending_to_the_bot(
    demo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reminders", "--db", demo, "--at", DEMO_AT]) == 0
    out = capsys.readouterr().out
    assert "3 queued for the bot to send" in out
    assert (
        "── to Cán bộ thôn Sà Lủng (0912 000 003) · reminder\nNhắc việc tuần này cho thôn Sà Lủng"
        in out
    )
    assert main(["reminders", "--db", demo, "--at", "2026-11-30T09:00+07:00"]) == 0
    assert "0 queued for the bot to send (3 waiting" in capsys.readouterr().out
    # Printed is not sent: the three still wait for the bot.
    assert main(["reminders", "--db", demo, "--at", "2026-11-30T09:00+07:00", "--dry-run"]) == 0
    assert "3 message(s) would be sent" in capsys.readouterr().out


def test_without_a_database_nothing_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "none.sqlite3"
    assert main(["reminders", "--db", str(db), "--dry-run"]) == 2
    assert "No database" in capsys.readouterr().err
    assert not db.exists()


def test_a_bad_moment_is_refused(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["reminders", "--db", demo, "--at", "thứ hai", "--dry-run"])
    assert exit_info.value.code == 2
    assert "ISO date-time" in capsys.readouterr().err


def test_a_dry_run_refuses_to_migrate_an_older_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storage.database import _migrations, _split_statements

    db = tmp_path / "old.sqlite3"
    version, sql = _migrations()[0]
    with sqlite3.connect(db) as conn:
        for statement in _split_statements(sql):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    before = db.read_bytes()
    assert main(["reminders", "--db", str(db), "--dry-run"]) == 2
    assert "older schema" in capsys.readouterr().err
    assert db.read_bytes() == before
