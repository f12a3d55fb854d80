"""`python -m bot import-poverty-baselines FILE` and `set-poverty-baseline`: where the poverty
rate's target path starts (a rate per unit and year) and how fast it falls.

A file is read whole; every bad line is named with its reason in Vietnamese, and then nothing
is set. (The shipped baseline: bot.reference.seed_shipped_baselines.)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.household_import import read_sheet
from bot.spreadsheet import SpreadsheetError
from core.household_table import RowProblem
from core.periods import PeriodSet
from core.ports import Store
from core.poverty_table import BaselineTable, read_baseline_rows
from core.units import UnitDirectory
from locales.translator import Translator

__all__ = ["BaselineFileError", "import_baseline_file", "set_one_baseline"]


class BaselineFileError(ValueError):
    """Nothing was set; the message (in the reader's language) says why, line by line."""


def _reason(t: Translator, problem: RowProblem) -> str:
    texts = {
        "missing_columns": t.gettext("thiếu cột: {value}"),
        "extra_values": t.gettext("nhiều giá trị hơn số cột"),
        "unit": t.gettext("không tìm thấy đúng một đơn vị „{value}“ (ví dụ: huyện Mèo Vạc)"),
        "year": t.gettext("năm „{value}“ không đúng (ví dụ 2021)"),
        "rate": t.gettext("tỷ lệ „{value}“ không đúng (ví dụ 29,99 hoặc 29,99%)"),
        "poor": t.gettext("số hộ nghèo „{value}“ không đúng"),
        "total": t.gettext("tổng số hộ „{value}“ không đúng"),
        "poor_above_total": t.gettext("số hộ nghèo lớn hơn tổng số hộ"),
        "rate_mismatch": t.gettext("tỷ lệ „{value}“ không khớp số hộ nghèo ÷ tổng số hộ"),
        "no_rate": t.gettext("cần tỷ lệ, hoặc số hộ nghèo và tổng số hộ"),
        "fall": t.gettext("mức giảm mỗi năm „{value}“ không đúng (số điểm %, ví dụ 6)"),
        "no_period": t.gettext("không có giai đoạn nào chứa năm {value} cho mức giảm"),
        "fall_conflict": t.gettext(
            "mức giảm khác với dòng trước cho cùng đơn vị, giai đoạn {value}"
        ),
        "duplicate": t.gettext("trùng đơn vị và năm với dòng {other}"),
        "empty": t.gettext("tệp không có dòng nào"),
    }
    return texts[problem.what].format(value=problem.value, other=problem.other)


def _apply_summary(t: Translator, table: BaselineTable, changed: int) -> str:
    return t.gettext(
        "Lộ trình tỷ lệ hộ nghèo: {baselines} mốc, {steps} mức giảm mỗi năm; {changed} thay đổi."
    ).format(baselines=len(table.baselines), steps=len(table.steps), changed=changed)


async def _set(store: Store, table: BaselineTable, at: datetime) -> int:
    return await store.poverty.set_path(table.baselines, table.steps, actor_id=None, at=at)


async def import_baseline_file(
    store: Store,
    units: UnitDirectory,
    periods: PeriodSet,
    path: Path,
    t: Translator,
    *,
    at: datetime,
) -> str:
    """Set every line of the file, or raise BaselineFileError naming every bad line."""
    try:
        rows = read_sheet(path)
    except (OSError, SpreadsheetError) as error:
        raise BaselineFileError(
            t.gettext("Không đọc được tệp {file}: {error}").format(file=path.name, error=error)
        ) from error
    table = read_baseline_rows(rows, units, periods)
    if table.problems:
        lines = [
            t.gettext("Dòng {line}: {reason}").format(line=p.line, reason=_reason(t, p))
            for p in table.problems
        ]
        heading = t.gettext("Không nhập được tệp {file}; chưa có gì được ghi:").format(
            file=path.name
        )
        raise BaselineFileError("\n".join([heading, *lines]))
    return _apply_summary(t, table, await _set(store, table, at))


async def set_one_baseline(
    store: Store,
    units: UnitDirectory,
    periods: PeriodSet,
    t: Translator,
    values: dict[str, str],
    *,
    at: datetime,
) -> str:
    """One baseline from the command line (unit, year, rate[, poor, total, fall]); read as a
    one-line file, so it is checked exactly as an imported line is."""
    header = [k for k, v in values.items() if v]
    table = read_baseline_rows([header, [values[k] for k in header]], units, periods)
    if table.problems:
        raise BaselineFileError("\n".join(_reason(t, p) for p in table.problems))
    return _apply_summary(t, table, await _set(store, table, at))
