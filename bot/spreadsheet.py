"""The files admins import, as the importers read them: CSV text, whatever the office saved.

An .xlsx workbook becomes the CSV text of its first sheet: dates as YYYY-MM-DD, whole numbers
without a decimal part, empty rows dropped. A CSV that is not UTF-8 is read as Windows-1258,
the code page a Vietnamese Windows saves "CSV" in.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from datetime import date, datetime, time

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

__all__ = ["SpreadsheetError", "table_text"]

# Every .xlsx (and .xlsm) file is a zip archive.
_ZIP_MAGIC = b"PK\x03\x04"


class SpreadsheetError(ValueError):
    """A file that is neither a readable workbook nor text."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _workbook_text(content: bytes) -> str:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise SpreadsheetError(f"not a readable .xlsx workbook ({error})") from error
    try:
        sheet = workbook.worksheets[0]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for row in sheet.iter_rows(values_only=True):
            cells = [_cell(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                writer.writerow(cells)
        return out.getvalue()
    finally:
        workbook.close()


def table_text(content: bytes) -> str:
    """The text of a table file: a workbook's first sheet as CSV, or the CSV itself."""
    if content.startswith(_ZIP_MAGIC):
        return unicodedata.normalize("NFC", _workbook_text(content))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1258")
        except UnicodeDecodeError as error:
            raise SpreadsheetError("neither UTF-8 nor Windows-1258 text") from error
    # Windows-1258 writes some tones as combining marks: compose them as typed elsewhere.
    return unicodedata.normalize("NFC", text)
