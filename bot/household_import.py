"""`python -m bot import-households FILE.xlsx|FILE.csv`: the commune's household list.

The file is read whole (an .xlsx's first sheet, or a CSV as Excel saves it, semicolons and
a BOM included); every bad line is named with its reason in Vietnamese, and then nothing is
imported. Names are never printed or logged; lines are named by number.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.spreadsheet import SpreadsheetError, table_text
from core.household_ports import HouseholdConflict, HouseholdStore
from core.household_table import RowProblem, read_household_rows
from core.tables import table_rows
from core.units import UnitDirectory
from locales.translator import Translator

__all__ = ["HouseholdFileError", "import_household_file", "read_sheet"]


class HouseholdFileError(ValueError):
    """The file cannot be imported; the message (Vietnamese) says why, line by line."""


def read_sheet(path: Path) -> list[list[str]]:
    """The rows of the file (an .xlsx's first sheet, or a CSV); raises OSError or
    SpreadsheetError when it cannot be read."""
    return table_rows(table_text(path.read_bytes()))


def describe(t: Translator, problem: RowProblem) -> str:
    """One bad line, in the reader's language."""
    texts = {
        "missing_columns": t.gettext("thiếu cột: {value}"),
        "extra_values": t.gettext("nhiều giá trị hơn số cột"),
        "village": t.gettext("không có thôn „{value}“ (ghi đúng tên thôn trong danh mục)"),
        "name": t.gettext("thiếu tên chủ hộ"),
        "category": t.gettext(
            "phân loại „{value}“ không rõ (nghèo, cận nghèo, mức sống trung bình, không thuộc diện)"
        ),
        "year": t.gettext("năm „{value}“ không đúng (ví dụ 2025)"),
        "birth_year": t.gettext("năm sinh „{value}“ không đúng"),
        "decided_on": t.gettext("ngày quyết định „{value}“ không đúng (ví dụ 15/12/2025)"),
        "members": t.gettext("số nhân khẩu „{value}“ không đúng"),
        "total": t.gettext("tổng số hộ „{value}“ không đúng"),
        "duplicate": t.gettext("trùng hộ với dòng {other}"),
        "empty": t.gettext("tệp không có dòng nào"),
        "conflict": t.gettext("khớp với nhiều hộ trong danh sách: ghi mã hộ"),
    }
    reason = texts[problem.what].format(value=problem.value, other=problem.other)
    return t.gettext("Dòng {line}: {reason}").format(line=problem.line, reason=reason)


async def import_household_file(
    store: HouseholdStore,
    units: UnitDirectory,
    path: Path,
    t: Translator,
    *,
    at: datetime,
) -> str:
    """Import the file whole; raise HouseholdFileError naming every bad line."""
    try:
        rows = read_sheet(path)
    except (OSError, SpreadsheetError) as error:
        raise HouseholdFileError(
            t.gettext("Không đọc được tệp {file}: {error}").format(file=path.name, error=error)
        ) from error
    table = read_household_rows(rows, units)
    if not table.problems:
        try:
            done = await store.import_records(table.records, table.totals, actor_id=None, at=at)
        except HouseholdConflict as conflict:
            table.problems = [RowProblem(line, "conflict") for line in conflict.lines]
    if table.problems:
        lines = [describe(t, p) for p in table.problems]
        heading = t.gettext("Không nhập được tệp {file}; chưa có gì được ghi:").format(
            file=path.name
        )
        raise HouseholdFileError("\n".join([heading, *lines]))
    summary = t.gettext(
        "Danh sách hộ: thêm {added}, cập nhật {updated} (đổi phân loại {moved}),"
        " không đổi {unchanged}; tổng số hộ cuối năm: {totals} dòng."
    ).format(
        added=done.added,
        updated=done.updated,
        moved=done.moved,
        unchanged=done.unchanged,
        totals=done.totals,
    )
    if done.kept:
        summary += " " + t.gettext(
            "{kept} hộ giữ phân loại hiện nay vì dòng của tệp ghi năm cũ hơn quyết định đã có."
        ).format(kept=done.kept)
    return summary
