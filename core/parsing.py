"""What the report parser returns. The parser itself lives in ``core.parser``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

__all__ = [
    "ERROR_CODES",
    "NO_HOME_VILLAGE",
    "ParseError",
    "ParseOk",
    "ParseResult",
    "ReportItem",
]

# The home village of a sender who has none (works for a commune or the district): items
# that would fall back to it name no village, and the caller refuses them.
NO_HOME_VILLAGE: Final = ""

# In the order the spec gives precedence when a message has several problems.
ERROR_CODES = (
    "empty",
    "unknown_indicator",
    "invalid_date",
    "unknown_village",
    "ambiguous_village",
    "missing_count",
    "invalid_count",
)


@dataclass(frozen=True, slots=True)
class ReportItem:
    indicator: str  # indicator code
    count: int
    village: str  # unit code of the village, e.g. "v:sa-lung"
    household: str | None
    date: date


@dataclass(frozen=True, slots=True)
class ParseOk:
    items: tuple[ReportItem, ...]
    # Whether the message stated a date; a correction keeps the old date when it does not.
    dated: bool = False


@dataclass(frozen=True, slots=True)
class ParseError:
    code: str  # one of ERROR_CODES
    # The fragment that was not understood (a village name, a date, a count), as typed.
    fragment: str | None = None
    # Unit codes of the candidate villages when code == "ambiguous_village".
    candidates: tuple[str, ...] = ()


ParseResult = ParseOk | ParseError
