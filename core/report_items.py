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

from core.household_names import HouseholdNames
from core.indicators import IndicatorSet
from core.parsing import ErrorCode, ParseError
from core.report_dates import DateRead
from core.village_names import VillageRef
from core.wording import Line

__all__ = [
    "MAX_COUNT",
    "MIN_COUNT",
    "Atom",
    "Item",
    "Message",
    "build_items",
    "finished_items",
    "unfinished",
]

MIN_COUNT: Final = 1
MAX_COUNT: Final = 500
_PRIORITY: Final = {code: rank for rank, code in enumerate(ErrorCode)}

# What was read, its value and the token it starts at: ("ind", code, j), ("count",
# (number, as typed), j), ("hh", household name, j), ("vil", VillageRef, j), ("done",
# None, j) for a completion word or ("neg", under way?, j) for a word of unfinished work.
Atom = tuple[str, object, int]


@dataclass(slots=True)
class Item:
    indicator: str | None = None
    count: int | None = None
    count_text: str = ""
    household: str | None = None
    village: VillageRef | None = None
    text: str = ""
    # The atoms read into the item, with the completion and unfinished-work words near it.
    atoms: list[Atom] = field(default_factory=list)

    def complete(self) -> bool:
        return self.indicator is not None and (self.count is not None or bool(self.household))


@dataclass(slots=True)
class Message:
    """What has been read so far from one message."""

    today: date
    errors: list[tuple[int, int, ParseError]] = field(default_factory=list)
    # Dates read, each with the segment it was read in.
    dated: list[tuple[int, date]] = field(default_factory=list)
    items: list[tuple[Item, VillageRef | None]] = field(default_factory=list)
    any_indicator: bool = False
    # Villages the sender picked for names that matched several, by candidate set.
    chosen: Mapping[frozenset[str], str] = field(default_factory=dict)
    # Registry households, whose names are read even in lower case; None without a registry.
    households: HouseholdNames | None = None
    # The segment being read (numbered across lines) and those that report unfinished work.
    segment: int = 0
    unfinished: dict[int, str] = field(default_factory=dict)
    # Items read from the other segments, refused ones included.
    items_read: int = 0
    # Segments of the invalid dates read, by error sequence number.
    _date_errors: dict[int, int] = field(default_factory=dict)
    _seq: int = 0

    def fail(
        self, code: ErrorCode, fragment: str | None = None, candidates: tuple[str, ...] = ()
    ) -> None:
        self._seq += 1
        self.errors.append((_PRIORITY[code], self._seq, ParseError(code, fragment, candidates)))

    def date_read(self, t: Line, j: int, read: DateRead) -> int:
        """Keep the date read from token j on, or fail on its text; return where it ends."""
        when, end = read
        if when is None:
            self.fail(ErrorCode.INVALID_DATE, t.text(j, end))
            self._date_errors[self._seq] = self.segment
        else:
            self.dated.append((self.segment, when))
        return end

    def skip(self, segment: int, text: str, *, whole: bool = True) -> None:
        """Note unfinished work in a segment; a whole segment is skipped, dates included."""
        self.unfinished[segment] = text
        if not whole:
            return
        self.dated = [(s, d) for s, d in self.dated if s != segment]
        self.errors = [e for e in self.errors if self._date_errors.get(e[1]) != segment]

    @property
    def dates(self) -> list[date]:
        return [d for _s, d in self.dated]

    def accept(self, items: list[Item], line_ref: VillageRef | None) -> None:
        """Keep a line's complete items (the line's village for those naming none); fail on
        the others."""
        for item in items:
            if item.indicator is None:
                if item.count is not None:
                    self.items_read += 1
                    self.fail(ErrorCode.UNKNOWN_INDICATOR, item.text or None)
                continue
            self.items_read += 1
            if item.count is None:
                if item.household:
                    item.count = 1
                else:
                    self.fail(ErrorCode.MISSING_COUNT, item.text or None)
                    continue
            if not MIN_COUNT <= item.count <= MAX_COUNT:
                self.fail(ErrorCode.INVALID_COUNT, item.count_text)
                continue
            self.items.append((item, line_ref))

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


def unfinished(atoms: list[Atom], indicators: IndicatorSet) -> bool:
    """Whether a segment reports work not finished ("chưa xong", "đang làm móng 2 nhà").

    Words of unfinished work count before the segment's first completion word, or before
    a keyword that itself says the work is done ("thoát nghèo", "học nghề"); anywhere when
    there is neither. Work under way counts as done for some indicators ("đang học nghề").
    """
    first = next((value for what, value, _pos in atoms if what == "ind"), None)
    if not _has_item_part(atoms):
        return False
    indicator = indicators.get(first) if isinstance(first, str) else None
    under_way_counts = indicator is not None and indicator.under_way_counts
    done_at = None
    for what, value, pos in atoms:
        if what == "done" or (
            what == "ind" and isinstance(value, str) and _keyword_is_done(indicators, value)
        ):
            done_at = pos
            break
    return any(
        what == "neg" and (done_at is None or pos < done_at) and not (value and under_way_counts)
        for what, value, pos in atoms
    )


def _has_item_part(atoms: list[Atom]) -> bool:
    return any(what in ("ind", "count", "hh") for what, _v, _p in atoms)


def finished_items(
    atoms: list[Atom],
    out: list[Item],
    text: str,
    msg: Message,
    segment: int,
    indicators: IndicatorSet,
) -> VillageRef | None:
    """Build the items of a segment but those of unfinished work; see ``build_items``."""
    if unfinished(atoms, indicators):
        msg.skip(segment, text)
        return None
    built: list[Item] = []
    header = build_items(atoms, built, text)
    # "xong 2 nhà đang xây 3 nhà": an item of unfinished work after a finished one.
    done = [item for item in built if not unfinished(item.atoms, indicators)]
    if len(done) < len(built):
        msg.skip(segment, text, whole=False)
    out.extend(done)
    return header


def _keyword_is_done(indicators: IndicatorSet, code: str) -> bool:
    indicator = indicators.get(code)
    return indicator is not None and indicator.keyword_is_done


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

    # Words of (un)finished work after a complete item go with the item that follows, if
    # any: "xong 2 nhà đang xây 3 nhà".
    pending: list[Atom] = []
    for atom in atoms:
        what, value, _pos = atom
        if what in ("neg", "done"):
            (pending if cur.complete() else cur.atoms).append(atom)
            continue
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
        cur.atoms.extend(pending)
        pending.clear()
        cur.atoms.append(atom)
    cur.atoms.extend(pending)
    items.append(cur)
    header = None
    for item in items:
        if item.indicator is None and item.count is None and not item.household:
            header = header or item.village
        else:
            out.append(item)
    return header
