"""Ports for the files the bot sends: a progress chart (PNG) and a workbook (.xlsx).

Handlers describe what a file shows with the plain types here; bot/exports implements the
renderers (matplotlib, openpyxl) and the composition root hands them to the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

__all__ = [
    "MAX_BARS",
    "ChartPanel",
    "ChartRenderer",
    "ColumnKind",
    "Renderers",
    "Sheet",
    "WorkbookRenderer",
]

MAX_BARS = 60  # per chart panel: beyond that the labels are unreadable on a phone


@dataclass(frozen=True, slots=True)
class ChartPanel:
    """One indicator: achieved beside target for each part of an area."""

    title: str
    labels: Sequence[str]
    achieved: Sequence[int]
    targets: Sequence[int | None]


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
    rows: Sequence[Sequence[object]]  # int, float, str, date, datetime or None
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
    ) -> bytes:
        """A PNG: one horizontal bar panel per indicator (1 to MAX_BARS bars each).

        ``number`` formats values for the axis and the bar ends (1.733 in Vietnamese).
        """
        ...


class WorkbookRenderer(Protocol):
    def __call__(self, sheets: Sequence[Sheet], *, title: str = "") -> bytes:
        """An .xlsx file: each sheet with a header row and its columns formatted by kind."""
        ...


class Renderers(Protocol):
    """The renderers handlers draw files with; both are slow: call them off the event loop."""

    @property
    def chart(self) -> ChartRenderer: ...
    @property
    def workbook(self) -> WorkbookRenderer: ...
