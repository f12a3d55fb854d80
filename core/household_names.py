"""Registry households by the keys of their names, for reading and matching reports.

With a registry loaded, the words after "hộ"/"gia đình" that are the whole name of a
registry household are read as that name even in lower case ("ho giang seo chu thoat
ngheo"); a report's household is then matched to the households of its village, ignoring
case, diacritics and spacing. Without a registry nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Final

from core.households import Household, name_key
from core.wording import WORD, Line, keys_of

__all__ = ["HouseholdNames"]

_MAX_WORDS: Final = 8


@lru_cache(maxsize=32_768)
def _keys(name: str) -> tuple[tuple[str, ...], str]:
    """The words of a household's name and its matching key, kept: a report reads its
    village's whole registry, and folding 200 names each time cost 6 ms (30 µs a name)."""
    return keys_of(name), name_key(name)


class HouseholdNames:
    """The households of a registry by the keys of their names."""

    __slots__ = ("_by_key", "_first", "_villages", "_words")

    def __init__(self, households: Iterable[Household]) -> None:
        self._by_key: dict[str, list[Household]] = {}
        self._first: set[str] = set()
        self._words: set[tuple[str, ...]] = set()
        self._villages: set[str] = set()
        for household in households:
            keys, key = _keys(household.name)
            if not keys or len(keys) > _MAX_WORDS:
                continue
            self._by_key.setdefault(key, []).append(household)
            self._first.add(keys[0])
            self._words.add(keys)
            self._villages.add(household.village)

    def __len__(self) -> int:
        return sum(len(found) for found in self._by_key.values())

    def name_end(
        self,
        t: Line,
        j: int,
        phrase_at: Callable[[Line, int], object],
        stop: frozenset[str],
    ) -> int:
        """Where the whole name of a registry household read from token j ends (j when
        none): the longest whose next word is no more of a name (a keyword, a mark, a
        number, the end)."""
        key, kind, n = t.key, t.kind, t.n
        if j >= n or kind[j] != WORD or key[j] not in self._first:
            return j
        end = j
        while end < n and end - j < _MAX_WORDS and kind[end] == WORD:
            end += 1
        for length in range(end - j, 0, -1):
            k = j + length
            if tuple(key[j:k]) in self._words and (
                k >= n or kind[k] != WORD or key[k] in stop or phrase_at(t, k) is not None
            ):
                return k
        return j

    def matches(self, village: str, name: str) -> list[Household]:
        """The households of the village whose name is ``name``, ignoring case, diacritics
        and spacing; by birth year."""
        found = [h for h in self._by_key.get(name_key(name), ()) if h.village == village]
        return sorted(found, key=lambda h: (h.birth_year or 0, h.id))

    def in_village(self, village: str) -> bool:
        return village in self._villages
