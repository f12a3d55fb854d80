"""What the report parser returns. The parser itself lives in ``core.parser``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

__all__ = [
    "NO_HOME_VILLAGE",
    "ErrorCode",
    "ParseError",
    "ParseOk",
    "ParseResult",
    "ReportItem",
]

# The home village of a sender who has none (works for a commune or the district): items
# that would fall back to it name no village, and the caller refuses them.
NO_HOME_VILLAGE: Final = ""


class ErrorCode(StrEnum):
    """Why a report was refused, in the order the spec gives precedence when a message has
    several problems (the first wins). The values are printed by ``python -m bot parse``."""

    EMPTY = "empty"
    UNKNOWN_INDICATOR = "unknown_indicator"
    # Only work not finished was reported ("chưa xong", "đang làm móng").
    NOT_DONE = "not_done"
    INVALID_DATE = "invalid_date"
    UNKNOWN_VILLAGE = "unknown_village"
    AMBIGUOUS_VILLAGE = "ambiguous_village"
    MISSING_COUNT = "missing_count"
    INVALID_COUNT = "invalid_count"


@dataclass(frozen=True, slots=True)
class ReportItem:
    indicator: str  # indicator code
    count: int
    village: str  # unit code of the village, e.g. "v:sa-lung"
    household: str | None
    date: date
    # The registry household the name is (handlers.household_match); None: not matched.
    household_id: int | None = None


@dataclass(frozen=True, slots=True)
class ParseOk:
    items: tuple[ReportItem, ...]
    # Whether the message stated a date; a correction keeps the old date when it does not.
    dated: bool = False


@dataclass(frozen=True, slots=True)
class ParseError:
    code: ErrorCode
    # The fragment that was not understood (a village name, a date, a count), as typed.
    fragment: str | None = None
    # Unit codes of the candidate villages when the code is AMBIGUOUS_VILLAGE.
    candidates: tuple[str, ...] = ()


ParseResult = ParseOk | ParseError
