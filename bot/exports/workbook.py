"""Excel workbooks (openpyxl) from plain tables: headers, rows, a kind per column.

Written in openpyxl's write-only mode straight to a file, so a sheet of a million reports
streams through instead of holding a million cell objects or the whole file in memory.
Import lazily: openpyxl is not needed to chat.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from core.render import EXCEL_MAX_ROWS, ColumnKind, Sheet

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
_TITLE_LENGTH = 31  # Excel's limit


def _width(
    header: str, rows: Sequence[Sequence[object]], column: int, kind: ColumnKind | None
) -> float:
    longest = len(header)
    for row in rows:
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


def _title(title: str, part: int) -> str:
    if part == 1:
        return title[:_TITLE_LENGTH]
    suffix = f" ({part})"
    return title[: _TITLE_LENGTH - len(suffix)] + suffix


class _SheetWriter:
    """One table over as many sheets as Excel's row limit needs."""

    def __init__(self, workbook: Workbook, sheet: Sheet, sample: list[Sequence[object]]) -> None:
        self.workbook = workbook
        self.sheet = sheet
        self.columns = len(sheet.headers)
        kinds = list(sheet.kinds) + [None] * (self.columns - len(sheet.kinds))
        self.formats = [_FORMATS[k] if k is not None else None for k in kinds]
        self.widths = [
            _width(header, sample, index, kinds[index])
            for index, header in enumerate(sheet.headers)
        ]

    def open(self, part: int) -> WriteOnlyWorksheet:
        ws: WriteOnlyWorksheet = self.workbook.create_sheet(_title(self.sheet.title, part))
        ws.freeze_panes = "A2"
        for index, width in enumerate(self.widths):
            ws.column_dimensions[get_column_letter(index + 1)].width = width
        header_cells = []
        for header in self.sheet.headers:
            cell = WriteOnlyCell(ws, value=header)
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            header_cells.append(cell)
        ws.append(header_cells)
        return ws

    def close(self, ws: WriteOnlyWorksheet, rows: int) -> None:
        # Written with the sheet's tail, so it may be set once the rows are known.
        ws.auto_filter.ref = f"A1:{get_column_letter(max(self.columns, 1))}{rows + 1}"

    def append(self, ws: WriteOnlyWorksheet, number: int, row: Sequence[object]) -> None:
        bold = number in self.sheet.bold_rows
        values: list[object] = []
        for index, value in enumerate(row):
            fmt = self.formats[index] if index < self.columns else None
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


def build_workbook(
    sheets: Sequence[Sheet], out: Path, *, title: str = "", max_rows: int = EXCEL_MAX_ROWS
) -> list[int]:
    """Write the .xlsx file: each sheet with a frozen, filtered header row and sized columns;
    a table longer than a sheet goes on in the next (core.render.WorkbookRenderer)."""
    if max_rows < 2:
        raise ValueError("a sheet holds its header and at least one row")
    workbook = Workbook(write_only=True)
    workbook.properties.title = title or None
    written: list[int] = []
    for sheet in sheets:
        rows: Iterator[Sequence[object]] = iter(sheet.rows)
        sample = list(itertools.islice(rows, _SAMPLE_ROWS))
        writer = _SheetWriter(workbook, sheet, sample)
        part, in_part, total = 1, 0, 0
        ws = writer.open(part)
        for row in itertools.chain(sample, rows):
            if in_part == max_rows - 1:
                writer.close(ws, in_part)
                part, in_part = part + 1, 0
                ws = writer.open(part)
            writer.append(ws, total, row)
            in_part += 1
            total += 1
        writer.close(ws, in_part)
        written.append(total)
    workbook.save(str(out))
    return written
