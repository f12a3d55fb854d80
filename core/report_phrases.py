"""The phrases a report line is read by: indicator keywords and the language's set phrases.

Built once per IndicatorSet. A phrase is looked up by the key of its first word, and the
longest phrase that fits wins; when two phrases have the same words, the first entry wins,
so an indicator's keyword outranks the language's words.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from core.indicators import IndicatorSet
from core.wording import (
    COMPLETION_PHRASES,
    COUNT_WORDS,
    FILLER_PHRASES,
    HOUSEHOLD_MARKERS,
    ITEM_SEPARATOR_WORDS,
    NAME_RUN_STOP,
    NOT_FINISHED_PHRASES,
    RELATIVE_DAY_WORDS,
    RELATIVE_OFFSETS,
    SUNDAY,
    UNDER_WAY_PHRASES,
    VILLAGE_MARKERS,
    WEEKDAY_AFTER_THU,
    WORD,
    Line,
    keys_of,
)

__all__ = ["Phrases"]

# What a phrase means; the payload is an indicator code, a day offset or a weekday.
P_INDICATOR: Final = 1
P_FILLER: Final = 2
P_RELATIVE: Final = 3
P_WEEKDAY: Final = 4
P_VILLAGE: Final = 5
P_HOUSEHOLD: Final = 6
P_SEPARATOR: Final = 7
# A completion word ("xong", "hoàn thành") and words of work not finished ("chưa", "đang");
# the payload of P_UNFINISHED is whether the work is under way, and its words as written.
P_DONE: Final = 8
P_UNFINISHED: Final = 9

# Capitalised words that end a typed place name: the sender speaking of himself or others.
_NAME_BREAK: Final = frozenset({"em", "toi", "anh", "chi", "ong", "bac"})

# A phrase: the keys after the first one, its type and a payload.
_Phrase = tuple[tuple[str, ...], int, object]


def _written(phrase: str) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", phrase.lower()).split())


def _as_written(t: Line, j: int, words: tuple[str, ...]) -> bool:
    """Whether tokens j… are these words with their diacritics or with none at all."""
    return all(
        t.raw[j + i].isascii() or t.raw[j + i].lower() == word for i, word in enumerate(words)
    )


def _build_phrases(indicators: IndicatorSet) -> dict[str, list[_Phrase]]:
    entries: list[tuple[tuple[str, ...], int, object]] = []
    for indicator in indicators:
        for keyword in indicator.keywords:
            entries.append((keys_of(keyword), P_INDICATOR, indicator.code))
    for phrase in COMPLETION_PHRASES:
        entries.append((keys_of(phrase), P_DONE, None))
    for phrase in FILLER_PHRASES:
        entries.append((keys_of(phrase), P_FILLER, None))
    for phrase in NOT_FINISHED_PHRASES:
        entries.append((keys_of(phrase), P_UNFINISHED, (False, _written(phrase))))
    for phrase in UNDER_WAY_PHRASES:
        entries.append((keys_of(phrase), P_UNFINISHED, (True, _written(phrase))))
    for first in RELATIVE_DAY_WORDS:
        for second, offset in RELATIVE_OFFSETS.items():
            entries.append(((first, second), P_RELATIVE, offset))
    entries.append((("ngay", "mai"), P_RELATIVE, RELATIVE_OFFSETS["mai"]))
    for second, weekday in WEEKDAY_AFTER_THU.items():
        entries.append((("thu", second), P_WEEKDAY, weekday))
        if second.isdigit():
            entries.append((("t", second), P_WEEKDAY, weekday))
    entries.append((("chu", "nhat"), P_WEEKDAY, SUNDAY))
    entries.append((("cn",), P_WEEKDAY, SUNDAY))
    for marker in VILLAGE_MARKERS:
        entries.append((keys_of(marker), P_VILLAGE, None))
    for marker in HOUSEHOLD_MARKERS:
        entries.append((keys_of(marker), P_HOUSEHOLD, None))
    for word in ITEM_SEPARATOR_WORDS:
        entries.append((keys_of(word), P_SEPARATOR, None))
    table: dict[str, list[_Phrase]] = {}
    seen: set[tuple[str, ...]] = set()
    for keys, kind, payload in entries:
        # The first entry wins: indicator keywords come before the language's words.
        if not keys or keys in seen:
            continue
        seen.add(keys)
        table.setdefault(keys[0], []).append((keys[1:], kind, payload))
    for options in table.values():
        options.sort(key=lambda p: -len(p[0]))
    return table


class Phrases:
    """The phrase table of one indicator set, and the words that end a name being read."""

    __slots__ = ("_table", "run_stop")

    def __init__(self, indicators: IndicatorSet) -> None:
        self._table = _build_phrases(indicators)
        units_of_count = frozenset(
            k for indicator in indicators for k in keys_of(indicator.unit_vi)
        )
        # An indicator's unit ("nhà") or the first word of a keyword starts what follows a
        # village name, so it cannot be part of one.
        self.run_stop: frozenset[str] = (
            NAME_RUN_STOP
            | units_of_count
            | {keys[0] for keys in (keys_of(kw) for i in indicators for kw in i.keywords) if keys}
        )

    def name_end(self, t: Line, j: int, most: int, *, marked: bool = False) -> int:
        """Where the words from token j that may be a name end: before a mark, a number, a
        word of ``run_stop`` or a phrase, after ``most`` words at the most. After a marker
        (``marked``), a capitalised first word is a name even when it reads as unfinished
        work ("thôn Không Có")."""
        key, kind, n = t.key, t.kind, t.n
        end = j
        while end < n and end - j < most and kind[end] == WORD and key[end] not in self.run_stop:
            phrase = self.at(t, end)
            if phrase is not None and not (
                marked and end == j and t.capital[j] and phrase[0] == P_UNFINISHED
            ):
                break
            end += 1
        return end

    def typed_name_end(self, t: Line, j: int) -> int:
        """Where the capitalised words from token j on end: a place name as it was typed.

        In a line with lower-case words, capitalised words go on a name even when they are
        common words ("bản Nậm Ban", "thôn Tả Lủng"); in a line all in capitals, they end at
        the words of ``run_stop``. Phrases (except "Bản" inside a name), counts and the
        sender's pronouns end it everywhere.
        """
        key, kind, capital, n = t.key, t.kind, t.capital, t.n
        cased = any(kind[i] == WORD and not capital[i] for i in range(n))
        k = j
        while k < n and kind[k] == WORD and capital[k]:
            word = key[k]
            if k > j and (word in COUNT_WORDS or word in _NAME_BREAK):
                break
            phrase = self.at(t, k)
            if phrase is not None and (phrase[0] != P_VILLAGE or k == j):
                break
            if not cased and k > j and word in self.run_stop:
                break
            k += 1
        return k

    def at(self, t: Line, j: int) -> tuple[int, int, object] | None:
        """The longest phrase starting at token j: (type, end, payload)."""
        options = self._table.get(t.key[j]) if t.kind[j] == WORD else None
        if not options:
            return None
        keys = t.key
        for rest, kind, payload in options:
            end = j + 1 + len(rest)
            if end <= t.n and (not rest or tuple(keys[j + 1 : end]) == rest):
                if kind == P_UNFINISHED:
                    assert isinstance(payload, tuple)
                    if not _as_written(t, j, payload[1]):
                        continue
                return kind, end, payload
        return None
