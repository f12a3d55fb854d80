"""Reports as a CSV file (`python -m bot export`), written a page of rows at a time."""

from __future__ import annotations

import csv
from typing import TextIO

from handlers.report_rows import EXPORT_COLUMNS

__all__ = ["csv_writer"]


def csv_writer(out: TextIO) -> csv.DictWriter[str]:
    """A writer of export rows to ``out``, the header already written."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    return writer
