"""Ports for the files the bot sends: a progress chart (PNG) and a workbook (.xlsx).

Handlers describe what a file shows with the plain types here; bot/exports implements the
renderers (matplotlib, openpyxl) and the composition root hands them to the engine.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

__all__ = [
    "EXCEL_MAX_ROWS",
    "MAX_BARS",
    "ChartPanel",
    "ChartRenderer",
    "ColumnKind",
    "RatePanel",
    "Renderers",
    "RowPages",
    "Sheet",
    "StreamedWorkbookRenderer",
    "WorkbookRenderer",
]

MAX_BARS = 60  # per chart panel: beyond that the labels are unreadable on a phone
EXCEL_MAX_ROWS = 1_048_576  # rows of one Excel sheet, its header row included


@dataclass(frozen=True, slots=True)
class ChartPanel:
    """One indicator: achieved beside target for each part of an area."""

    title: str
    labels: Sequence[str]
    achieved: Sequence[int]
    targets: Sequence[int | None]


@dataclass(frozen=True, slots=True)
class RatePanel:
    """The poverty rate of an area at each year's end beside its target path (shares: 0.2999
    is 29,99%); None where a year has no figure."""

    title: str
    years: Sequence[int]
    rates: Sequence[float | None]
    targets: Sequence[float | None]
    rate_label: str
    target_label: str


class ColumnKind(StrEnum):
    """What a workbook column holds; the renderer picks the number format."""

    COUNT = "count"  # 1,733
    PERCENT = "percent"  # a ratio shown as 12.34%
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str  # at most 31 characters (Excel's limit)
    headers: Sequence[str]
    # int, float, str, date, datetime or None; any iterable: a long sheet is streamed once
    # (the renderer may read it from another thread).
    rows: Iterable[Sequence[object]]
    kinds: Sequence[ColumnKind | None] = ()  # per column; None: shown as it is
    bold_rows: frozenset[int] = field(default_factory=frozenset)  # indexes into ``rows``


class ChartRenderer(Protocol):
    def __call__(
        self,
        title: str,
        panels: Sequence[ChartPanel],
        *,
        achieved_label: str,
        target_label: str,
        number: Callable[[float], str],
        rate: RatePanel | None = None,
        percent: Callable[[float], str] | None = None,
    ) -> bytes:
        """A PNG: one horizontal bar panel per indicator (1 to MAX_BARS bars each), and under
        them the poverty rate by year beside its target path when ``rate`` is given.

        ``number`` formats values for the axis and the bar ends (1.733 in Vietnamese),
        ``percent`` a share (29,99%).
        """
        ...


class WorkbookRenderer(Protocol):
    def __call__(
        self, sheets: Sequence[Sheet], out: Path, *, title: str = "", max_rows: int = EXCEL_MAX_ROWS
    ) -> list[int]:
        """Write an .xlsx file to ``out``: each sheet with a header row and its columns
        formatted by kind; a sheet longer than ``max_rows`` (header included) goes on in
        sheets "Title (2)", "Title (3)"... Returns how many rows of each sheet were
        written (those of a streamed sheet are known only then)."""
        ...


RowPages = AsyncIterable[Sequence[Sequence[object]]]  # a long sheet's rows, a page at a time


class StreamedWorkbookRenderer(Protocol):
    async def __call__(
        self,
        sheets: Sequence[Sheet],
        pages: RowPages,
        out: Path,
        *,
        title: str = "",
        max_rows: int = EXCEL_MAX_ROWS,
    ) -> list[int]:
        """The workbook of WorkbookRenderer, written outside the event loop's process (an
        export of a million rows must not hold the loop's interpreter): the last sheet's rows
        are its ``rows`` and then those of ``pages``, read on the event loop a page at a time
        as the writer takes them (never all in memory). ``pages`` is closed either way."""
        ...


class Renderers(Protocol):
    """The renderers handlers draw files with; chart and workbook are slow: call them off
    the event loop; streamed_workbook is awaited on it."""

    @property
    def chart(self) -> ChartRenderer: ...
    @property
    def workbook(self) -> WorkbookRenderer: ...
    @property
    def streamed_workbook(self) -> StreamedWorkbookRenderer: ...
