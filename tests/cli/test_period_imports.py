"""An admin adds a programme period and sets its targets from files."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "DEFAULT_LOCALE", "TIMEZONE"):
        monkeypatch.delenv(key, raising=False)


def test_an_added_period_takes_targets_and_overlaps_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.sqlite3")
    assert main(["seed-demo", "--db", db]) == 0
    targets = tmp_path / "targets.csv"
    targets.write_text(
        "indicator,unit,value,deadline,period\nnhà,xã Sơn Vĩ,300,31/12/2033,2031-2035\n",
        encoding="utf-8",
    )
    assert main(["import-targets", str(targets), "--db", db]) == 2
    assert "period '2031-2035' is unknown" in capsys.readouterr().err
    periods = tmp_path / "periods.csv"
    periods.write_text(
        "code,name,start,end\n2031-2035,Giai đoạn 2031–2035,01/01/2031,31/12/2035\n",
        encoding="utf-8",
    )
    assert main(["import-periods", str(periods), "--db", db]) == 0
    assert "Periods: 1 set" in capsys.readouterr().out
    assert main(["import-targets", str(targets), "--db", db]) == 0
    assert "Targets: 1 set" in capsys.readouterr().out
    overlapping = tmp_path / "overlap.csv"
    overlapping.write_text(
        "code,name,start,end\nx,X,2030-01-01,2032-12-31\n2036,Y,2037-01-01,2036-01-01\n",
        encoding="utf-8",
    )
    assert main(["import-periods", str(overlapping), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "line 3: the period ends before it starts" in err
    overlapping.write_text("code,name,start,end\nx,X,2030-01-01,2032-12-31\n", encoding="utf-8")
    assert main(["import-periods", str(overlapping), "--db", db]) == 2
    assert "overlap" in capsys.readouterr().err


def test_export_writes_the_closing_report_of_an_ended_period(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.sqlite3")
    assert main(["seed-demo", "--db", db]) == 0
    out = tmp_path / "tong-ket.xlsx"
    assert (
        main(["export", "--db", db, "--format", "xlsx", "--out", str(out), "--period", "2021-2025"])
        == 0
    )
    assert load_workbook(out).sheetnames == ["Tổng kết 2021-2025", "Tổng hợp", "Báo cáo"]
    assert (
        main(["export", "--db", db, "--format", "xlsx", "--out", str(out), "--period", "1990"]) == 2
    )
    assert "No period '1990'" in capsys.readouterr().err


def test_a_tasks_period_column_must_hold_its_due_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.sqlite3")
    assert main(["seed-demo", "--db", db]) == 0
    tasks = tmp_path / "tasks.csv"
    tasks.write_text(
        "village,indicator,count,due,period\n"
        "Sà Lủng,nhà,3,31/12/2027,2021-2025\n"
        "Sà Lủng,nhà,3,31/12/2027,2031-2035\n",
        encoding="utf-8",
    )
    assert main(["import-tasks", str(tasks), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "line 2: due date 2027-12-31 is outside period 2021-2025" in err
    assert "line 3: period '2031-2035' is unknown" in err
    tasks.write_text(
        "village,indicator,count,due,period\nSà Lủng,nhà,3,31/12/2027,2026-2030\n",
        encoding="utf-8",
    )
    assert main(["import-tasks", str(tasks), "--db", db]) == 0
