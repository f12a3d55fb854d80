"""Report items as they are read, and what one message has said so far.

A line segment yields atoms (an indicator, a count, a household, a village) in the order
they were read; ``build_items`` groups them into items. ``Message`` gathers the items,
dates and problems of every line; of several problems the spec's precedence picks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from core.parsing import ErrorCode, ParseError
from core.report_dates import DateRead
from core.village_names import VillageRef
from core.wording import Line

__all__ = ["Atom", "Item", "Message", "build_items"]

_PRIORITY: Final = {code: rank for rank, code in enumerate(ErrorCode)}

# What was read, its value and the token it starts at: ("ind", code, j), ("count",
# (number, as typed), j), ("hh", household name, j) or ("vil", VillageRef, j).
Atom = tuple[str, object, int]


@dataclass(slots=True)
class Item:
    indicator: str | None = None
    count: int | None = None
    count_text: str = ""
    household: str | None = None
    village: VillageRef | None = None
    text: str = ""

    def complete(self) -> bool:
        return self.indicator is not None and (self.count is not None or bool(self.household))


@dataclass(slots=True)
class Message:
    """What has been read so far from one message."""

    today: date
    errors: list[tuple[int, int, ParseError]] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    items: list[tuple[Item, VillageRef | None]] = field(default_factory=list)
    any_indicator: bool = False
    # Villages the sender picked for names that matched several, by candidate set.
    chosen: Mapping[frozenset[str], str] = field(default_factory=dict)

    def fail(
        self, code: ErrorCode, fragment: str | None = None, candidates: tuple[str, ...] = ()
    ) -> None:
        self.errors.append(
            (_PRIORITY[code], len(self.errors), ParseError(code, fragment, candidates))
        )

    def date_read(self, t: Line, j: int, read: DateRead) -> int:
        """Keep the date read from token j on, or fail on its text; return where it ends."""
        when, end = read
        if when is None:
            self.fail(ErrorCode.INVALID_DATE, t.text(j, end))
        else:
            self.dates.append(when)
        return end

    def refer(self, ref: VillageRef) -> None:
        if ref.error is not None and self.choice(ref) is None:
            self.fail(ref.error, ref.fragment, ref.candidates)

    def choice(self, ref: VillageRef) -> str | None:
        if not self.chosen or ref.error != ErrorCode.AMBIGUOUS_VILLAGE:
            return None
        return self.chosen.get(frozenset(ref.candidates))

    def village(self, ref: VillageRef | None, home: str) -> str:
        if ref is None:
            return home
        return ref.code or self.choice(ref) or home


def build_items(atoms: list[Atom], out: list[Item], text: str) -> VillageRef | None:
    """Group a segment's atoms into items; return a village the segment names alone.

    A new item starts when an atom would fill a slot the current item already has
    ("Xong 2 nhà 3 người học nghề" is two items even without a separator).
    """
    if not atoms:
        return None
    items: list[Item] = []
    cur = Item(text=text)

    def close() -> None:
        nonlocal cur
        items.append(cur)
        cur = Item(text=text)

    for what, value, _pos in atoms:
        if what == "ind":
            assert isinstance(value, str)
            if cur.indicator is None:
                cur.indicator = value
            elif cur.indicator != value and cur.complete():
                close()
                cur.indicator = value
        elif what == "count":
            assert isinstance(value, tuple)
            number, typed = value
            if cur.count is not None:
                close()
            cur.count, cur.count_text = number, typed
        elif what == "hh":
            assert isinstance(value, str)
            if cur.household is not None:
                close()
            cur.household = value
        elif what == "vil":
            assert isinstance(value, VillageRef)
            if cur.village is None:
                cur.village = value
            elif cur.complete():
                close()
                cur.village = value
    items.append(cur)
    header = None
    for item in items:
        if item.indicator is None and item.count is None and not item.household:
            header = header or item.village
        else:
            out.append(item)
    return header
