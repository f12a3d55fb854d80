"""Administrative units of the district and the 2025 merger of its communes.

A unit row comes from the units CSV (columns: level, name, parent, current_commune,
aliases, note). Communes that exist since 1 July 2025 are not rows of their own: they are
the distinct values of ``current_commune``, and get the level ``NEW_COMMUNE``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, TypeVar, cast

from core.tables import read_table
from core.text import fold, slug, within_one_edit

T = TypeVar("T")

__all__ = [
    "COMMUNE",
    "DISTRICT",
    "NEW_COMMUNE",
    "VILLAGE",
    "Level",
    "Unit",
    "UnitDirectory",
    "UnitError",
    "find_units",
    "parse_units_csv",
]


class Level(StrEnum):
    """The level of a unit. The values are stored in the database; the units CSV writes all
    but NEW_COMMUNE in its level column."""

    DISTRICT = "district"
    COMMUNE = "commune"  # a commune as it was before 1 July 2025
    NEW_COMMUNE = "commune2025"  # a commune since the 2025 merger
    VILLAGE = "village"


DISTRICT: Final = Level.DISTRICT
COMMUNE: Final = Level.COMMUNE
NEW_COMMUNE: Final = Level.NEW_COMMUNE
VILLAGE: Final = Level.VILLAGE

_PREFIX = {DISTRICT: "d", COMMUNE: "c", NEW_COMMUNE: "n", VILLAGE: "v"}
_CSV_LEVELS = (DISTRICT, COMMUNE, VILLAGE)
REQUIRED_COLUMNS = ("level", "name", "parent", "current_commune", "aliases")


class UnitError(ValueError):
    """A units file that cannot be loaded; the message says which line and why."""


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    level: Level
    name: str
    parent: str | None = None  # code of the unit above, in the pre-2025 map
    current: str | None = None  # code of the post-2025 commune (communes and villages)
    aliases: tuple[str, ...] = ()
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def unit_code(level: Level, name: str) -> str:
    return f"{_PREFIX[level]}:{slug(name)}"


@dataclass(frozen=True)
class UnitDirectory:
    """All units, with look-ups by code and by folded name. Immutable once built."""

    units: tuple[Unit, ...]
    _by_code: dict[str, Unit] = field(init=False, repr=False, compare=False)
    # Folded names of each unit (canonical first), computed once: look-ups run per roster line.
    _folded: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    # Villages by the code of their commune on either map, and communes by district: an
    # area's villages are a look-up, not a scan of the directory (2,000 villages a province).
    _inside: dict[str, tuple[Unit, ...]] = field(init=False, repr=False, compare=False)
    # Villages counted by (pre-2025 commune, current commune): every area and every part of
    # one is a union of these cells, so an area's sums can be read per cell (core.area_cells).
    _cells: dict[tuple[str | None, str | None], int] = field(init=False, repr=False, compare=False)
    _position: dict[str, int] = field(init=False, repr=False, compare=False)
    # What callers derive from the directory alone, kept with it (core.area_cells' plans).
    _derived: dict[Hashable, object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {u.code: u for u in self.units})
        object.__setattr__(
            self, "_folded", {u.code: tuple(fold(n) for n in u.names) for u in self.units}
        )
        inside: dict[str, list[Unit]] = {}
        communes: dict[str, list[str]] = {}
        for unit in self.units:
            if unit.level == VILLAGE:
                for key in {unit.parent, unit.current} - {None}:
                    inside.setdefault(f"{key}", []).append(unit)
            elif unit.level == COMMUNE and unit.parent:
                communes.setdefault(unit.parent, []).append(unit.code)
        for district, codes in communes.items():
            wanted = set(codes)
            inside[district] = [u for u in self.units if u.level == VILLAGE and u.parent in wanted]
        object.__setattr__(self, "_inside", {k: tuple(v) for k, v in inside.items()})
        cells: dict[tuple[str | None, str | None], int] = {}
        for unit in self.units:
            if unit.level == VILLAGE:
                cells[(unit.parent, unit.current)] = cells.get((unit.parent, unit.current), 0) + 1
        object.__setattr__(self, "_cells", cells)
        object.__setattr__(self, "_position", {u.code: i for i, u in enumerate(self.units)})
        object.__setattr__(self, "_derived", {})

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()`` once per directory and ``key``: for what depends on the directory
        only (it is immutable), asked again and again (a province's plan of cells)."""
        if key not in self._derived:
            self._derived[key] = make()
        return cast(T, self._derived[key])

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def get(self, code: str) -> Unit | None:
        return self._by_code.get(code)

    def __getitem__(self, code: str) -> Unit:
        return self._by_code[code]

    def of_level(self, level: Level) -> list[Unit]:
        return [u for u in self.units if u.level == level]

    @property
    def villages(self) -> list[Unit]:
        return self.of_level(VILLAGE)

    def named(self, name: str, levels: Iterable[str] | None = None) -> list[Unit]:
        """Units whose canonical name or an alias folds to the same text as ``name``."""
        wanted = fold(name)
        allowed = set(levels) if levels is not None else None
        return [
            u
            for u in self.units
            if (allowed is None or u.level in allowed) and wanted in self._folded[u.code]
        ]

    def folded_names(self, unit: Unit) -> tuple[str, ...]:
        """The unit's canonical name and aliases, folded (see core.text.fold)."""
        return self._folded.get(unit.code) or tuple(fold(n) for n in unit.names)

    def commune_of(self, village: Unit, *, merged: bool = True) -> Unit | None:
        """The village's commune on the current map (merged) or the pre-2025 one."""
        code = village.current if merged else village.parent
        return self.get(code) if code else None

    def villages_in(self, code: str) -> list[Unit]:
        """Every village inside the unit ``code`` (itself, if it is a village)."""
        unit = self.get(code)
        if unit is None:
            return []
        if unit.level == VILLAGE:
            return [unit]
        if unit.level == NEW_COMMUNE:
            return [v for v in self._inside.get(code, ()) if v.current == code]
        if unit.level == COMMUNE:
            return [v for v in self._inside.get(code, ()) if v.parent == code]
        return list(self._inside.get(code, ()))

    def position(self, code: str) -> int:
        """Where the unit stands in the directory's order (after every unit when unknown)."""
        return self._position.get(code, len(self._position))

    def cells(self) -> Mapping[tuple[str | None, str | None], int]:
        """How many villages each (pre-2025 commune, current commune) pair holds."""
        return self._cells

    def contains(self, scope: str, village_code: str) -> bool:
        return any(v.code == village_code for v in self.villages_in(scope))


def parse_units_csv(text: str) -> UnitDirectory:
    """Build the directory from CSV text; raise UnitError naming the first bad line."""
    reader = read_table(text)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UnitError(f"missing columns: {', '.join(missing)}")
    rows = list(reader)
    units: list[Unit] = []
    codes_by_name: dict[tuple[str, str], str] = {}
    new_communes: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        level = (row.get("level") or "").strip()
        name = (row.get("name") or "").strip()
        if level not in _CSV_LEVELS or not name:
            levels = tuple(map(str, _CSV_LEVELS))
            raise UnitError(f"line {line}: level must be one of {levels} and name non-empty")
        codes_by_name[(level, fold(name))] = unit_code(Level(level), name)
        current = (row.get("current_commune") or "").strip()
        if current:
            new_communes.setdefault(fold(current), current)
    parent_level = {VILLAGE: COMMUNE, COMMUNE: DISTRICT}
    for line, row in enumerate(rows, start=2):
        level = Level(row["level"].strip())
        name = row["name"].strip()
        parent_name = (row.get("parent") or "").strip()
        parent = None
        if level in parent_level:
            parent = codes_by_name.get((parent_level[level], fold(parent_name)))
            if parent is None:
                raise UnitError(f"line {line}: parent {parent_name!r} of {name!r} is not listed")
        current_name = (row.get("current_commune") or "").strip()
        aliases = tuple(a.strip() for a in re.split(r"[|;]", row.get("aliases") or "") if a.strip())
        units.append(
            Unit(
                code=unit_code(level, name),
                level=level,
                name=name,
                parent=parent,
                current=unit_code(NEW_COMMUNE, current_name) if current_name else None,
                aliases=aliases,
                note=(row.get("note") or "").strip(),
            )
        )
    seen: set[str] = set()
    for unit in units:
        if unit.code in seen:
            raise UnitError(f"unit {unit.name!r} ({unit.level}) is listed twice")
        seen.add(unit.code)
    districts = [u.code for u in units if u.level == DISTRICT]
    for name in new_communes.values():
        units.append(
            Unit(
                code=unit_code(NEW_COMMUNE, name),
                level=NEW_COMMUNE,
                name=name,
                parent=districts[0] if districts else None,
            )
        )
    return UnitDirectory(tuple(units))


_KIND_WORDS = {
    "thon": (VILLAGE,),
    "ban": (VILLAGE,),
    "xa cu": (COMMUNE,),
    "xa": (NEW_COMMUNE, COMMUNE),
    "thi tran": (COMMUNE,),
    "tt": (COMMUNE,),
    "huyen": (DISTRICT,),
}
# A bare name is read as the unit people most likely mean today.
_BARE_NAME_ORDER = (VILLAGE, NEW_COMMUNE, DISTRICT, COMMUNE)
_ALL_LEVELS = (VILLAGE, NEW_COMMUNE, DISTRICT, COMMUNE)
_NOT_LETTER_OR_DIGIT = re.compile(r"[^0-9a-z]+")
# Shorter names are too close to each other for a misspelling to point at one of them.
_MIN_FUZZY_LENGTH = 4


def _compact(folded: str) -> str:
    """A folded name without spaces or punctuation: 'Sà Lủng', 'salung', 'Sa-Lung' agree."""
    return _NOT_LETTER_OR_DIGIT.sub("", folded)


def find_units(directory: UnitDirectory, text: str) -> list[Unit]:
    """Units a person means by 'thôn Sà Lủng', 'xã Sơn Vĩ', 'huyện Mèo Vạc' or a bare name.

    Names before and after the 2025 merger both resolve ('xã Thượng Phùng' is the old
    commune, 'xã Sơn Vĩ' the new one). Matching ignores case, diacritics, spacing and
    punctuation; failing that, a name one edit away from exactly one unit's name resolves
    to it. Returns one unit, several when the name stays ambiguous, or none.
    """
    folded = fold(text).replace(".", " ").strip()
    folded = " ".join(folded.split())
    if not folded:
        return []
    # (name, levels in order of preference) to try; the first that matches wins.
    attempts: list[tuple[str, tuple[Level, ...]]] = []
    for word, levels in sorted(_KIND_WORDS.items(), key=lambda kv: -len(kv[0])):
        if folded.startswith(word + " "):
            attempts.append((folded[len(word) + 1 :], levels))
            # The kind word may belong to the name itself ('TT Mèo Vạc').
            attempts.append((folded, _ALL_LEVELS))
            break
    else:
        attempts.append((folded, _BARE_NAME_ORDER))
    for name, levels in attempts:
        for level in levels:
            found = [u for u in directory.of_level(level) if name in directory.folded_names(u)]
            if found:
                return found
    for name, levels in attempts:
        wanted = _compact(name)
        for level in levels:
            found = [
                u
                for u in directory.of_level(level)
                if any(_compact(n) == wanted for n in directory.folded_names(u))
            ]
            if found:
                return found
    for name, levels in attempts:
        found = _misspelt(directory, _compact(name), levels)
        if found:
            return found
    return []


def _misspelt(directory: UnitDirectory, wanted: str, levels: tuple[Level, ...]) -> list[Unit]:
    """Units with a name one edit away from ``wanted``; one when that is unambiguous."""
    if len(wanted) < _MIN_FUZZY_LENGTH:
        return []
    near: list[tuple[Unit, set[str]]] = []
    for level in levels:
        for unit in directory.of_level(level):
            compact = map(_compact, directory.folded_names(unit))
            names = {c for c in compact if within_one_edit(wanted, c)}
            if names:
                near.append((unit, names))
    if not near:
        return []
    # The same place at another level (commune Sơn Vĩ before and after 2025) is not a
    # second candidate: the preferred level wins, as it does for exact names.
    best_level = near[0][0].level
    best_names = set().union(*(names for unit, names in near if unit.level == best_level))
    return [unit for unit, names in near if unit.level == best_level or not names <= best_names]
