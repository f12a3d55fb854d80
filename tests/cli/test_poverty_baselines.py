"""The admin sets where the poverty rate's target path starts: a file, or one command."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.app import open_app_store
from bot.cli import main
from core.poverty_rate import EVERY_UNIT, Baseline, PathStep


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "DEFAULT_LOCALE", "TIMEZONE"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "x.sqlite3")
    assert main(["seed-demo", "--db", path]) == 0
    return path


def path_of(db: str) -> tuple[list[Baseline], list[PathStep]]:
    async def read() -> tuple[list[Baseline], list[PathStep]]:
        store = await open_app_store(db)
        try:
            return await store.poverty.baselines(), await store.poverty.path_steps()
        finally:
            await store.close()

    return asyncio.run(read())


def test_the_shipped_baseline_and_rule_are_there_from_the_start(db: str) -> None:
    baselines, steps = path_of(db)
    assert baselines == [Baseline("d:meo-vac", 2021, Fraction(2999, 10000), 5157, 17196)]
    assert steps == [PathStep("2021-2025", EVERY_UNIT, Fraction(6, 100))]


def test_a_file_of_baselines_is_set_whole(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Đơn vị", "Năm", "Tỷ lệ hộ nghèo", "Số hộ nghèo", "Tổng số hộ", "Giảm mỗi năm"])
    # The 2022 standard re-based the count: a new baseline at the end of 2022.
    sheet.append(["huyện Mèo Vạc", 2022, 0.4512, 7800, 17290, None])
    # A percent cell of Excel holds the share; counts alone give the rate.
    sheet.append(["xã Sơn Vĩ", 2025, None, 600, 2400, 4])
    path = tmp_path / "lo_trinh.xlsx"
    book.save(path)
    capsys.readouterr()
    assert main(["import-poverty-baselines", str(path), "--db", db]) == 0
    assert "2 mốc, 1 mức giảm mỗi năm; 3 thay đổi" in capsys.readouterr().out
    baselines, steps = path_of(db)
    assert Baseline("d:meo-vac", 2022, Fraction(4512, 10000), 7800, 17290) in baselines
    assert Baseline("n:son-vi", 2025, Fraction(25, 100), 600, 2400) in baselines
    assert PathStep("2026-2030", "n:son-vi", Fraction(4, 100)) in steps
    assert main(["import-poverty-baselines", str(path), "--db", db]) == 0
    assert "0 thay đổi" in capsys.readouterr().out


def test_bad_lines_are_named_in_vietnamese_and_nothing_is_set(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Đơn vị;Năm;Tỷ lệ hộ nghèo;Số hộ nghèo;Tổng số hộ\n"
        "xã Sơn Vĩ;2025;25;;\n"
        "xã Lũng Táo Mới;2025;25;;\n"
        "huyện Mèo Vạc;2022;45;100;50\n"
        "huyện Mèo Vạc;2023;45;100;1000\n"
        "huyện Mèo Vạc;20x3;45;;\n"
        "xã Sơn Vĩ;2025;24;;\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["import-poverty-baselines", str(bad), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "chưa có gì được ghi" in err
    assert "Dòng 3: không tìm thấy đúng một đơn vị „xã Lũng Táo Mới“" in err
    assert "Dòng 4: số hộ nghèo lớn hơn tổng số hộ" in err
    assert "Dòng 5: tỷ lệ „45“ không khớp số hộ nghèo ÷ tổng số hộ" in err
    assert "Dòng 6: năm „20x3“ không đúng" in err
    assert "Dòng 7: trùng đơn vị và năm với dòng 2" in err
    baselines, _ = path_of(db)
    assert len(baselines) == 1  # only the shipped one


def test_one_baseline_from_the_command_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    args = ["set-poverty-baseline", "thôn Sà Lủng", "2025", "22,5", "--fall", "5", "--db", db]
    assert main(args) == 0
    assert "1 mốc, 1 mức giảm mỗi năm" in capsys.readouterr().out
    baselines, steps = path_of(db)
    assert Baseline("v:sa-lung", 2025, Fraction(225, 1000)) in baselines
    assert PathStep("2026-2030", "v:sa-lung", Fraction(5, 100)) in steps
    assert main(["set-poverty-baseline", "thôn Sà Lủng", "2025", "120", "--db", db]) == 2
    assert "tỷ lệ „120“ không đúng" in capsys.readouterr().err
