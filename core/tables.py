"""Reading the CSV files admins give the bot, as spreadsheets really save them."""

from __future__ import annotations

import csv
import io

__all__ = ["read_table"]

_DELIMITERS = ",;\t"


def read_table(text: str) -> csv.DictReader[str]:
    """Rows of a CSV text by header name.

    Excel set to Vietnamese (and most European locales) saves CSV with ';' because ',' is
    the decimal separator there; tab-separated text is what a copy from a sheet gives. The
    delimiter is the one of these that the header line uses most.
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=header.count) if header else ","
    if not header.count(delimiter):
        delimiter = ","
    return csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
