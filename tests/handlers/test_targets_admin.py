"""Admins set targets (/chitieu, import-targets) and export the district offline."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from handlers import Engine
from tests.conftest import Chat


@pytest.fixture
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "DEFAULT_LOCALE", "TIMEZONE"):
        monkeypatch.delenv(key, raising=False)


async def test_chitieu_keeps_the_deadline_and_baseline_it_does_not_change(
    admin: Chat, engine: Engine
) -> None:
    await admin.say("/chitieu nhà 100 xã Sơn Vĩ 30/06/2027")
    reply = await admin.say("/chitieu nhà 1.200 xã Sơn Vĩ")
    assert "Đã đặt chỉ tiêu nhà ở hoàn thành cho xã Sơn Vĩ: 1.200 nhà, hạn 30/06/2027." in reply
    targets = [t for t in await engine.store.targets.all() if t.unit == "n:son-vi"]
    assert [(t.value, t.deadline) for t in targets] == [(1200, date(2027, 6, 30))]


async def test_chitieu_lists_the_targets_inside_a_unit(admin: Chat) -> None:
    await admin.say("/chitieu đào tạo 300 xã Sơn Vĩ 31/12/2026")
    await admin.say("/chitieu nhà 10 thôn Xà Phìn")
    await admin.say("/chitieu nhà 10 thôn Sà Lủng")
    text = await admin.say("/chitieu xã Sơn Vĩ")
    assert text.startswith("Chỉ tiêu trong xã Sơn Vĩ, giai đoạn 2026–2030:")
    assert "• Đào tạo nghề, xã Sơn Vĩ: 300 người, hạn 31/12/2026" in text
    # Without a deadline a target is for the current period, due at its end.
    assert "• Nhà ở hoàn thành, thôn Xà Phìn: 10 nhà, hạn 31/12/2030" in text
    assert "Sà Lủng" not in text
    assert "• Nhà ở hoàn thành, huyện Mèo Vạc" not in text


async def test_chitieu_explains_what_it_cannot_place(admin: Chat, engine: Engine) -> None:
    before = await engine.store.targets.all()
    assert "Không tìm thấy đơn vị «xã Không Có»" in await admin.say("/chitieu nhà 5 xã Không Có")
    assert "không phải ngày có thật" in await admin.say("/chitieu nhà 5 xã Sơn Vĩ 31/02/2026")
    assert "Chưa hiểu chỉ tiêu nào" in await admin.say("/chitieu lúa 5 xã Sơn Vĩ")
    assert await engine.store.targets.all() == before


async def test_only_admins_set_targets(leader: Chat) -> None:
    assert "không có quyền" in await leader.say("/chitieu nhà 5 xã Sơn Vĩ")


@pytest.mark.usefixtures("_clean_env")
def test_import_targets_sets_all_lines_or_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "x.sqlite3")
    assert main(["seed-demo", "--db", db]) == 0
    good = tmp_path / "targets.csv"
    good.write_text(
        "indicator,unit,value,deadline,baseline\n"
        "nhà,xã Sơn Vĩ,300,31/12/2026,20\n"
        "đào tạo nghề,thôn Sà Lủng,40,2026-12-31,\n",
        encoding="utf-8",
    )
    assert main(["import-targets", str(good), "--db", db]) == 0
    assert "Targets: 2 set" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "indicator,unit,value,deadline\n"
        "nhà,thôn Xà Phìn,9,31/12/2026\n"
        "nhà,thôn Không Có,9,31/12/2026\n"
        "nhà,thôn Sà Lủng,-4,31/12/2026\n",
        encoding="utf-8",
    )
    assert main(["import-targets", str(bad), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "nothing was imported" in err
    assert "line 3: unit 'thôn Không Có' is unknown" in err
    assert "line 4: value '-4'" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("/tiendo xã Sơn Vĩ\n/chitieu thôn Xà Phìn\n"))
    assert main(["console", "--db", db, "--as", "0912000001"]) == 0
    out = capsys.readouterr().out
    assert "Nhà ở hoàn thành: 20/300 nhà (6,67%)" in out  # the baseline counts as achieved
    assert (
        "Chỉ tiêu trong thôn Xà Phìn, giai đoạn 2026–2030:\nCách đặt" in out
    )  # the good line of the bad file: not set
    assert main(["import-targets", str(tmp_path / "none.csv"), "--db", db]) == 2


@pytest.mark.usefixtures("_clean_env")
def test_export_writes_the_districts_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "x.sqlite3")
    assert main(["seed-demo", "--db", db]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("xong 3 nhà\n"))
    assert main(["console", "--db", db, "--as", "0912000004"]) == 0
    out = tmp_path / "tien-do.xlsx"
    assert main(["export", "--db", db, "--format", "xlsx", "--out", str(out)]) == 0
    assert "Wrote the summary and 1 reports" in capsys.readouterr().out
    workbook = load_workbook(out)
    summary = [r for r in workbook["Tổng hợp"].iter_rows(min_row=2, values_only=True)]
    # The current period (2026–2030) has no target yet: done, and no judgement.
    assert summary[0][:4] == ("Nhà ở hoàn thành", "huyện Mèo Vạc", 3, None)
    assert summary[0][9] == "chưa có chỉ tiêu"
    assert summary[2][:3] == ("Nhà ở hoàn thành", "xã Sơn Vĩ", 3)
    assert len([r for r in summary if r[0] == "Nhà ở hoàn thành"]) == 1 + 6
    assert workbook["Báo cáo"].max_row == 2
    assert main(["export", "--db", db, "--format", "xlsx", "--out", str(out), "--pre-2025"]) == 0
    summary = [r for r in load_workbook(out)["Tổng hợp"].iter_rows(min_row=2, values_only=True)]
    assert len([r for r in summary if r[0] == "Nhà ở hoàn thành"]) == 1 + 18
    assert ("Nhà ở hoàn thành", "xã Thượng Phùng (cũ)", 3) in [r[:3] for r in summary]
    capsys.readouterr()
    assert main(["export", "--db", db, "--format", "xlsx"]) == 2
    assert "--out" in capsys.readouterr().err


@pytest.mark.usefixtures("_clean_env")
@pytest.mark.parametrize("command", ["import-targets", "export"])
def test_new_subcommands_have_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "--db" in capsys.readouterr().out


async def test_a_zero_target_is_refused(admin: Chat, engine: Engine) -> None:
    before = await engine.store.targets.all()
    assert "từ 1 trở lên" in await admin.say("/chitieu nhà 0 thôn Sà Lủng")
    assert await engine.store.targets.all() == before


async def test_a_deadline_without_a_year_is_the_next_such_day(admin: Chat) -> None:
    reply = await admin.say("/chitieu đào tạo 300 xã Sơn Vĩ 31/12")
    assert "xã Sơn Vĩ: 300 người, hạn 31/12/2026" in reply


async def test_a_deadline_is_read_like_every_other_date(admin: Chat, engine: Engine) -> None:
    # The ISO form with one-digit month and day, as the task commands accept it.
    reply = await admin.say("/chitieu đào tạo 300 xã Sơn Vĩ 2027-6-30")
    assert "xã Sơn Vĩ: 300 người, hạn 30/06/2027" in reply
    # Numbers written as a date are a date that does not exist, not a unit's name.
    before = await engine.store.targets.all()
    reply = await admin.say("/chitieu nhà 5 xã Sơn Vĩ 31/12/20266")
    assert "Hạn «31/12/20266» không phải ngày có thật." in reply
    assert await engine.store.targets.all() == before
