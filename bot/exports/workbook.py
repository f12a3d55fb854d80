"""Excel workbooks (openpyxl) from plain tables: headers, rows, a kind per column.

Written in openpyxl's write-only mode, so a sheet of a million reports streams to the file
instead of holding a million cell objects. Import lazily: openpyxl is not needed to chat.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.render import ColumnKind, Sheet

__all__ = ["build_workbook"]

# Excel's number format for each kind of column.
_FORMATS = {
    ColumnKind.COUNT: "#,##0",
    ColumnKind.PERCENT: "0.00%",
    ColumnKind.DATE: "dd/mm/yyyy",
    ColumnKind.DATETIME: "dd/mm/yyyy hh:mm",
}

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="2B7BBA")
_BOLD = Font(bold=True)
_MIN_WIDTH, _MAX_WIDTH = 8.0, 48.0
_SAMPLE_ROWS = 500  # widths are judged on the first rows: a long export stays one pass


def _width(
    header: str, rows: Sequence[Sequence[object]], column: int, kind: ColumnKind | None
) -> float:
    longest = len(header)
    for row in rows[:_SAMPLE_ROWS]:
        value = row[column] if column < len(row) else None
        if value is None:
            continue
        if isinstance(value, datetime):
            size = 16
        elif isinstance(value, date):
            size = 10
        elif isinstance(value, float) and kind == ColumnKind.PERCENT:
            size = 8
        elif isinstance(value, int | float):
            size = len(f"{value:,}")
        else:
            size = len(str(value))
        longest = max(longest, size)
    return min(max(longest + 2.0, _MIN_WIDTH), _MAX_WIDTH)


def build_workbook(sheets: Sequence[Sheet], *, title: str = "") -> bytes:
    """The .xlsx file: each sheet with a frozen, filtered header row and sized columns
    (core.render.WorkbookRenderer)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = title or None
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])
        ws.freeze_panes = "A2"
        columns = len(sheet.headers)
        kinds = list(sheet.kinds) + [None] * (columns - len(sheet.kinds))
        formats = [_FORMATS[k] if k is not None else None for k in kinds]
        for index, header in enumerate(sheet.headers):
            letter = get_column_letter(index + 1)
            ws.column_dimensions[letter].width = _width(header, sheet.rows, index, kinds[index])
        ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{len(sheet.rows) + 1}"
        header_cells = []
        for header in sheet.headers:
            cell = WriteOnlyCell(ws, value=header)
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            header_cells.append(cell)
        ws.append(header_cells)
        for number, row in enumerate(sheet.rows):
            bold = number in sheet.bold_rows
            values: list[object] = []
            for index, value in enumerate(row):
                fmt = formats[index] if index < columns else None
                if fmt is None and not bold:
                    values.append(value)  # a plain value: no cell object per cell
                    continue
                cell = WriteOnlyCell(ws, value=value)
                if fmt is not None:
                    cell.number_format = fmt
                if bold:
                    cell.font = _BOLD
                values.append(cell)
            ws.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
