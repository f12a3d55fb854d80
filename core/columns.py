"""The columns of a sheet an admin gives the bot: headers matched however they are spelled, and
its lines by column."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from core.text import fold

__all__ = ["column_index", "header_keys", "sheet_lines"]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _header_text(cell: object) -> str:
    return _NON_ALNUM.sub("", fold(str(cell or "")))


def column_index(columns: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each accepted header spelling (ignoring case, diacritics, spaces, punctuation) → its key."""
    return {_header_text(h): key for key, headers in columns.items() for h in headers}


def header_keys(cells: Sequence[object], index: Mapping[str, str]) -> list[str | None]:
    """The key of each header cell (None for a column the reader does not know)."""
    return [index.get(_header_text(cell)) for cell in cells]


def sheet_lines(
    rows: Sequence[Sequence[object]], header: Sequence[str | None]
) -> Iterator[tuple[int, dict[str, str] | None]]:
    """Each non-blank line after the header: its number (the header is line 1) and its values
    by key, or None when it has values beyond the last column."""
    for line, cells in enumerate(rows[1:], start=2):
        values = [str(c).strip() if c is not None else "" for c in cells]
        if not any(values):
            continue
        if len(values) > len(header) and any(values[len(header) :]):
            yield line, None
            continue
        yield line, {key: value for key, value in zip(header, values, strict=False) if key}
