"""Reports as a CSV file (`python -m bot export`)."""

from __future__ import annotations

import csv
from typing import TextIO

from handlers.report_rows import EXPORT_COLUMNS

__all__ = ["write_csv"]


def write_csv(rows: list[dict[str, object]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
