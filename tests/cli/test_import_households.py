"""An officer loads the commune's household list from the sheet they already keep."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

import bot
from bot.cli import main

SAMPLE = Path(bot.__file__).parent / "data" / "households_sample.csv"


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


def test_the_sample_imports_then_reimports_without_duplicates(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["import-households", str(SAMPLE), "--db", db]) == 0
    assert "thêm 6, cập nhật 0" in capsys.readouterr().out
    assert main(["import-households", str(SAMPLE), "--db", db]) == 0
    assert "thêm 0, cập nhật 0 (đổi phân loại 0), không đổi 6" in capsys.readouterr().out


def test_a_csv_saved_by_vietnamese_excel_semicolons_and_bom(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(",", ";")
    excel = tmp_path / "ds_ho.csv"
    excel.write_bytes("\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8"))
    capsys.readouterr()
    assert main(["import-households", str(excel), "--db", db]) == 0
    assert "thêm 6" in capsys.readouterr().out


def test_an_xlsx_with_numbers_as_excel_stores_them(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Thôn", "Chủ hộ", "Năm sinh", "Phân loại", "Năm", "Mã hộ"])
    sheet.append(["Sà Lủng", "Giàng Seo Chứ", 1978.0, "Hộ nghèo", 2025, "SL-001"])
    sheet.append(["Xà Phìn", "Vàng Mí Kỷ", None, "cận nghèo", 2025, None])
    path = tmp_path / "ds_ho.xlsx"
    book.save(path)
    capsys.readouterr()
    assert main(["import-households", str(path), "--db", db]) == 0
    assert "thêm 2" in capsys.readouterr().out
    totals = tmp_path / "tong.csv"
    totals.write_text("Thôn,Năm,Tổng số hộ\nSà Lủng,2025,121\n", encoding="utf-8")
    assert main(["import-households", str(totals), "--db", db]) == 0
    assert "tổng số hộ cuối năm: 1 dòng" in capsys.readouterr().out


def test_bad_lines_are_all_named_in_vietnamese_and_nothing_is_imported(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Thôn,Chủ hộ,Phân loại,Năm\n"
        "Sà Lủng,Giàng Seo Chứ,nghèo,2025\n"
        "Lũng Táo,Vàng Mí Kỷ,nghèo,2025\n"
        "Sà Lủng,Lò Văn Sính,giàu,2025\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["import-households", str(bad), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "chưa có gì được ghi" in err
    assert "Dòng 3: không có thôn „Lũng Táo“" in err
    assert "Dòng 4: phân loại „giàu“ không rõ" in err
    assert "Giàng Seo Chứ" not in err  # names are not echoed
    assert main(["import-households", str(SAMPLE), "--db", db]) == 0
    assert "thêm 6" in capsys.readouterr().out  # the bad file added nothing
