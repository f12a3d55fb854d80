"""Every import takes the workbook an official saved in Excel, as well as CSV."""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.cli import main
from bot.reference import missing_villages_hint, shipped_units


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "DEFAULT_LOCALE", "TIMEZONE"):
        monkeypatch.delenv(key, raising=False)


def _xlsx(path: Path, rows: list[list[object]], *, title: str = "Sheet1") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy"  # how a Vietnamese Excel shows a date
    workbook.save(path)
    return path


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _windows_1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: letters with their vowel marks, tones combining."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258")


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "x.sqlite3")
    assert main(["seed-demo", "--db", path]) == 0
    return path


def test_units_roster_tasks_and_targets_import_from_xlsx(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = (Path(__file__).parents[2] / "bot" / "data" / "units.csv").read_text("utf-8")
    rows: list[list[object]] = [r[:5] for r in csv.reader(io.StringIO(shipped))]
    rows.append(["village", "Lũng Phìn", "Tả Lủng", "Mèo Vạc", ""])
    units = _xlsx(tmp_path / "units.xlsx", rows, title="Trang tính1")
    assert main(["import-units", str(units), "--db", db]) == 0
    roster = _xlsx(
        tmp_path / "roster.xlsx",
        [["name", "phone", "role", "unit"], ["Cán bộ Lũng Phìn", 912000099, "cadre", "Lũng Phìn"]],
    )
    assert main(["import-roster", str(roster), "--db", db]) == 0
    tasks = _xlsx(
        tmp_path / "tasks.xlsx",
        [
            ["village", "indicator", "count", "due"],
            ["Lũng Phìn", "nhà", 4.0, datetime(2026, 12, 31)],
        ],
    )
    assert main(["import-tasks", str(tasks), "--db", db]) == 0
    targets = _xlsx(
        tmp_path / "targets.xlsx",
        [
            ["indicator", "unit", "value", "deadline", "baseline", "period"],
            ["nhà", "xã cũ Tả Lủng", 1733.0, datetime(2030, 12, 31), None, "2026-2030"],
            ["đào tạo nghề", "thôn Lũng Phìn", "1.200", "31/12/2027", 3, None],
        ],
    )
    assert main(["import-targets", str(targets), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Roster: 1 people read, 1 added or changed" in out
    assert "Tasks: 1 imported" in out
    assert "Targets: 2 set" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("xong 2 nhà\n/nhiemvu\n"))
    assert main(["console", "--db", db, "--as", "0912000099"]) == 0
    out = capsys.readouterr().out
    assert "thôn Lũng Phìn" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("/tiendo xã cũ Tả Lủng\n"))
    assert main(["console", "--db", db, "--as", "0912000002"]) == 0
    assert "Nhà ở hoàn thành: 2/1.733 nhà" in capsys.readouterr().out


def test_indicators_and_periods_import_from_xlsx(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    indicators = _xlsx(
        tmp_path / "indicators.xlsx",
        [
            ["code", "name_vi", "name_en", "unit_vi", "unit_en", "keywords", "household"],
            [
                "water",
                "Nước sinh hoạt hợp vệ sinh",
                "Clean water",
                "hộ",
                "household",
                "nước sinh hoạt hợp vệ sinh|nước sạch",
                "yes",
            ],
        ],
    )
    assert main(["import-indicators", str(indicators), "--db", db]) == 0
    periods = _xlsx(
        tmp_path / "periods.xlsx",
        [
            ["code", "name", "start", "end"],
            ["2031-2035", "Giai đoạn 2031–2035", datetime(2031, 1, 1), datetime(2035, 12, 31)],
        ],
    )
    assert main(["import-periods", str(periods), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Indicators: 1 added or changed" in out
    assert "Periods: 1 set" in out


def test_a_csv_saved_by_a_vietnamese_windows_excel_is_read(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "CSV" from a Vietnamese Excel: ';' between fields, Windows-1258, decimal comma locale.
    text = "indicator;unit;value;deadline\nnhà;xã Sơn Vĩ;1.200;31/12/2027\n"
    path = tmp_path / "targets.csv"
    path.write_bytes(_windows_1258(text))
    assert main(["import-targets", str(path), "--db", db]) == 0
    assert "Targets: 1 set" in capsys.readouterr().out


def test_a_file_that_is_no_table_is_refused_clearly(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["import-units", str(broken), "--db", db]) == 2
    assert "not a readable .xlsx workbook" in capsys.readouterr().err


def test_the_start_hint_names_the_communes_without_villages() -> None:
    hint = missing_villages_hint(shipped_units())
    assert hint is not None
    assert hint.startswith("Chưa có danh sách thôn của 7/18 xã: Tả Lủng, Pải Lủng,")
    assert "python -m bot import-units" in hint
    assert "Xín Cái" not in hint  # its villages ship now


def test_the_console_tells_the_admin_until_every_commune_has_villages(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["console", "--db", db, "--as", "0912000001"]) == 0
    out = capsys.readouterr().out
    assert "Chưa có danh sách thôn của 7/18 xã: Tả Lủng, Pải Lủng, Lũng Chinh," in out
    assert "python -m bot import-units DANH_SACH.xlsx" in out
    shipped = (Path(__file__).parents[2] / "bot" / "data" / "units.csv").read_text("utf-8")
    rows: list[list[object]] = [r[:5] for r in csv.reader(io.StringIO(shipped))]
    for commune in ("Tả Lủng", "Pải Lủng", "Lũng Chinh", "Sủng Máng", "Cán Chu Phìn"):
        rows.append(["village", f"Thôn Một {commune}", commune, "", ""])
    rows.append(["village", "Thôn Một Nậm Ban", "Nậm Ban", "Tát Ngà", ""])
    rows.append(["village", "Thôn Một Niêm Tòng", "Niêm Tòng", "Niêm Sơn", ""])
    assert main(["import-units", str(_xlsx(tmp_path / "all.xlsx", rows)), "--db", db]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["console", "--db", db, "--as", "0912000001"]) == 0
    assert "Chưa có danh sách thôn" not in capsys.readouterr().out
