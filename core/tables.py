"""Reading the CSV files admins give the bot, as spreadsheets really save them."""

from __future__ import annotations

import csv
import io

__all__ = ["TableError", "read_table", "table_rows"]

_DELIMITERS = ",;\t"


class TableError(ValueError):
    """Lines of a table (CSV) that cannot be imported; nothing is imported when there is any."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=header.count) if header else ","
    return delimiter if header.count(delimiter) else ","


def table_rows(text: str) -> list[list[str]]:
    """Every row of a CSV text (header first), with the delimiter ``read_table`` would use."""
    text = text.lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))


def read_table(text: str) -> csv.DictReader[str]:
    """Rows of a CSV text by header name.

    Excel set to Vietnamese (and most European locales) saves CSV with ';' because ',' is
    the decimal separator there; tab-separated text is what a copy from a sheet gives. The
    delimiter is the one of these that the header line uses most.
    """
    text = text.lstrip("\ufeff")
    return csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
