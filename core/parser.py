"""Parse a cadre's short report message into report items.

The rules are those of ``tests/data/corpus_README.md``. The parser is pure: the result
depends only on the arguments. Look-up tables are built once per (UnitDirectory,
IndicatorSet) pair; ``parse_report`` keeps a few such parsers keyed by object identity.

Each line of a message is cut into tokens with matching keys (``core.wording``),
then read left to right into atoms: indicator and set phrases (``report_phrases``),
counts, households, villages (``village_names``) and dates (``report_dates``). Segment
separators split the atoms into items (``report_items``).

The parser's modules import in one direction only, each from those below it
(``tests/core/test_parser_layers.py`` holds them to it):

    core.parser          the reader: walks each line and drives the look-ups
    core.report_items    what a message has said so far; atoms grouped into items
    core.report_dates    look-ups: given a line and a token, each returns what starts
    core.report_phrases    there (a date, a phrase, a village name); none imports or
    core.village_names     calls another, whatever they need is passed in
    core.wording         the tokenizer: clean-up, matching keys, tokens, word lists
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

from core.household_names import HouseholdNames
from core.indicators import DEFAULT_INDICATORS, IndicatorSet
from core.parsing import ErrorCode, ParseError, ParseOk, ParseResult, ReportItem
from core.report_dates import last_weekday, numeric_date, read_day, relative_day
from core.report_items import MAX_COUNT, Atom, Item, Message, finished_items
from core.report_phrases import (
    P_DONE,
    P_HOUSEHOLD,
    P_INDICATOR,
    P_RELATIVE,
    P_SEPARATOR,
    P_UNFINISHED,
    P_VILLAGE,
    P_WEEKDAY,
    Phrases,
)
from core.units import UnitDirectory
from core.village_names import MAX_NAME_WORDS, VillageNames, VillageRef
from core.wording import (
    BULLETS,
    COUNT_WORDS,
    HONORIFIC_BA,
    HONORIFICS,
    HOUSEHOLD_NAME_STOP,
    MARK,
    NAME_INTRODUCERS,
    NOT_A_NAME,
    NUM,
    SEPARATOR_MARKS,
    SPACE_RUNS,
    WORD,
    Line,
    clean_text,
    is_count_word,
    read_count,
)

__all__ = ["ReportParser", "parse_report"]

_MAX_HOUSEHOLD_WORDS: Final = 8
_AT_WORDS: Final = frozenset({"o", "tai"})  # "ở"/"tại": an exact village name follows


class ReportParser:
    """A parser bound to one unit directory and one indicator set; reusable and thread-safe."""

    def __init__(self, units: UnitDirectory, indicators: IndicatorSet = DEFAULT_INDICATORS) -> None:
        self.units = units
        self.indicators = indicators
        phrases = Phrases(indicators)
        self._phrase_at = phrases.at
        self._name_end = phrases.name_end
        self._run_stop = phrases.run_stop
        self._villages = VillageNames(units, phrases.run_stop, phrases.typed_name_end)
        # Memo of word → key; grows with the vocabulary seen, cleared when large.
        self._memo: dict[str, str] = {}

    # -- public --

    def parse(
        self,
        text: str,
        *,
        home_village: str,
        today: date,
        chosen: Mapping[frozenset[str], str] | None = None,
        households: HouseholdNames | None = None,
    ) -> ParseResult:
        """Parse one message. ``chosen`` resolves ambiguous village names: for a name that
        matches exactly the given set of village codes, use the code the sender picked."""
        text = clean_text(text)
        if not text or text.isspace():
            return ParseError(ErrorCode.EMPTY)
        msg = Message(today, chosen=chosen or {}, households=households)
        for line in text.split("\n"):
            if line and not line.isspace():
                self._read_line(Line(line, self._memo), msg)
        if not msg.any_indicator:
            # Outranks every other problem of the message (after "empty").
            return ParseError(ErrorCode.UNKNOWN_INDICATOR)
        if msg.unfinished and not msg.items_read:
            msg.fail(ErrorCode.NOT_DONE, next(iter(msg.unfinished.values())) or None)
        if msg.errors:
            return min(msg.errors, key=lambda e: (e[0], e[1]))[2]
        if not msg.items:
            return ParseError(ErrorCode.UNKNOWN_INDICATOR)
        when = msg.dates[0] if msg.dates else today
        return ParseOk(
            tuple(
                ReportItem(
                    indicator=item.indicator or "",
                    count=item.count if item.count is not None else 1,
                    village=msg.village(item.village or line_ref, home_village),
                    household=item.household,
                    date=when,
                )
                for item, line_ref in msg.items
            ),
            dated=bool(msg.dates),
        )

    # -- one line --

    def _read_line(self, t: Line, msg: Message) -> None:
        n = t.n
        key, kind = t.key, t.kind
        start = 0
        # List bullets; "-" directly before a digit is a minus sign, not a bullet.
        while start < n and kind[start] == MARK and key[start] in BULLETS:
            if key[start] == "-" and t.joined(start, start + 1) and kind[start + 1] == NUM:
                break
            start += 1
        # Numbered lists: "1." or "2)" followed by a space.
        if (
            start + 2 < n
            and kind[start] == NUM
            and key[start + 1] in (".", ")")
            and t.joined(start, start + 1)
            and t.spaced[start + 2]
        ):
            start += 2
        colon = None
        for j in range(start, n):
            # "8:30" is a time, not a heading.
            if key[j] == ":" and not (
                j > 0 and kind[j - 1] == NUM and t.joined(j, j + 1) and kind[j + 1] == NUM
            ):
                colon = j
                break
        used = [False] * n
        line_ref: VillageRef | None = None
        if start < n and kind[start] == WORD and key[start] not in ("thon", "ban"):
            name_end = self._name_end(t, start, MAX_NAME_WORDS)
            found = self._villages.line_start(t, start, name_end)
            if found is not None:
                line_ref, end = found
                msg.refer(line_ref)
                for j in range(start, end):
                    used[j] = True
        if (
            line_ref is None
            and colon is not None
            and not any(key[j] in ("thon", "ban") for j in range(start, colon))
        ):
            found2 = self._villages.before_colon(t, start, colon)
            if found2 is not None:
                line_ref, a, b = found2
                msg.refer(line_ref)
                for j in range(a, b):
                    used[j] = True

        segments: list[list[Atom]] = [[]]
        # Token bounds of each segment, for the error replies.
        bounds = [[start, n]]
        msg.segment += 1
        numbers = [msg.segment]
        # Set after a separator: an exact village name may open the next item.
        item_start = False
        j = start
        while j < n:
            if used[j]:
                j += 1
                continue
            k = kind[j]
            if k == MARK:
                if key[j] in SEPARATOR_MARKS:
                    segments.append([])
                    bounds[-1][1] = j
                    bounds.append([j + 1, n])
                    msg.segment += 1
                    numbers.append(msg.segment)
                    item_start = True
                j += 1
                continue
            if item_start or (j > start and key[j - 1] in _AT_WORDS):  # also "ở Xà Phìn"
                item_start = False
                opening = self._villages.exact_as_typed(t, j)
                if opening is not None:
                    msg.refer(opening[0])
                    segments[-1].append(("vil", opening[0], j))
                    j = opening[1]
                    continue
            if k == NUM:
                j = self._read_number(t, j, segments[-1], msg)
                continue
            phrase = self._phrase_at(t, j)
            if phrase is not None:
                ptype, end, payload = phrase
                if ptype == P_INDICATOR:
                    segments[-1].append(("ind", payload, j))
                    msg.any_indicator = True
                elif ptype == P_SEPARATOR:
                    segments.append([])
                    bounds[-1][1] = j
                    bounds.append([end, n])
                    msg.segment += 1
                    numbers.append(msg.segment)
                    item_start = True
                elif ptype == P_DONE:
                    segments[-1].append(("done", None, j))
                elif ptype == P_UNFINISHED:
                    # Not in a line's heading, nor a name: "hộ Đặng", "bà Khổng".
                    name = t.capital[j] and j > 0 and key[j - 1] in NAME_INTRODUCERS
                    if not name and (colon is None or j > colon):
                        assert isinstance(payload, tuple)
                        segments[-1].append(("neg", payload[0], j))
                elif ptype in (P_RELATIVE, P_WEEKDAY):
                    assert isinstance(payload, int)
                    if ptype == P_RELATIVE:
                        when = relative_day(msg.today, payload)
                    else:
                        when = last_weekday(msg.today, payload)
                    msg.date_read(t, j, (when, end))
                elif ptype == P_VILLAGE:
                    name_end = self._name_end(t, end, MAX_NAME_WORDS, marked=True)
                    found3 = self._villages.after_marker(t, end, name_end)
                    if found3 is not None:
                        ref, end = found3
                        msg.refer(ref)
                        if line_ref is None and (j == start or (colon is not None and j < colon)):
                            line_ref = ref
                        else:
                            segments[-1].append(("vil", ref, j))
                elif ptype == P_HOUSEHOLD:
                    name_end = self._read_household(t, end, segments[-1], msg)
                    end = max(end, name_end)
                j = end
                continue
            w = key[j]
            if is_count_word(w, t.raw[j]):
                if self._is_honorific(t, j):
                    j += 1
                    continue
                value, end = read_count(key, j)
                segments[-1].append(("count", (value, t.text(j, end)), j))
                j = end
                continue
            if w == "ngay":
                day_read = read_day(t, j, msg.today)
                j = j + 1 if day_read is None else msg.date_read(t, j, day_read)
                continue
            if w in ("thang", "nam") and j + 1 < n and kind[j + 1] == NUM:
                # "tháng 11", "tháng 11/2026", "năm 2026": a period mentioned, not a count.
                j += 2
                if t.joined(j - 1, j) and key[j] == "/" and t.joined(j, j + 1):
                    j += 2
                continue
            j += 1

        items: list[Item] = []
        for atoms, (a, b), number in zip(segments, bounds, numbers, strict=True):
            text = t.text(a, b) if a < b else ""
            header = finished_items(atoms, items, text, msg, number, self.indicators)
            if header is not None and line_ref is None:
                line_ref = header
        msg.accept(items, line_ref)

    # -- numbers and households --

    def _read_number(self, t: Line, j: int, atoms: list[Atom], msg: Message) -> int:
        key, kind = t.key, t.kind
        after_day_word = j > 0 and key[j - 1] in ("ngay", "hom")
        found = numeric_date(t, j, msg.today, after_day_word)
        if found is not None:
            return msg.date_read(t, j, found)
        nxt = j + 1
        # Times of day ("8h", "8h30", "8 giờ", "8:30") are not counts.
        hour_mark = nxt < t.n and kind[nxt] == WORD and key[nxt] in ("h", "g", "gio")
        if hour_mark and (key[nxt] == "gio" or t.joined(j, nxt)):
            return nxt + 2 if t.joined(nxt, nxt + 1) and kind[nxt + 1] == NUM else nxt + 1
        if t.joined(j, nxt) and key[nxt] == ":" and t.joined(nxt, nxt + 1) and kind[nxt + 1] == NUM:
            return nxt + 2
        digits = key[j]
        value = int(digits) if len(digits) <= 6 else MAX_COUNT + 1
        first = j
        if (
            j > 0
            and key[j - 1] == "-"
            and t.joined(j - 1, j)
            and not (j > 1 and kind[j - 2] == NUM and t.joined(j - 2, j - 1))
        ):
            value, first = -value, j - 1
        atoms.append(("count", (value, t.text(first, nxt)), first))
        return nxt

    def _is_honorific(self, t: Line, j: int) -> bool:
        nxt = j + 1
        if not (
            t.raw[j].lower() == HONORIFIC_BA
            and nxt < t.n
            and t.kind[nxt] == WORD
            and t.capital[nxt]
            and t.key[nxt] not in self._run_stop
        ):
            return False
        # A capitalised word after "bà" is a name even when it reads "Khong" or "Dang".
        phrase = self._phrase_at(t, nxt)
        return phrase is None or phrase[0] == P_UNFINISHED

    def _read_household(self, t: Line, j: int, atoms: list[Atom], msg: Message) -> int:
        """Read "hộ NAME" / "gia đình NAME" after the marker; return where reading ended."""
        key, kind, capital, n = t.key, t.kind, t.capital, t.n
        k = j
        if k + 1 < n and key[k] in HONORIFICS and kind[k] == kind[k + 1] == WORD and capital[k + 1]:
            k += 1
        first = k
        while (
            k < n
            and k - first < _MAX_HOUSEHOLD_WORDS
            and kind[k] == WORD
            and capital[k]
            and key[k] not in HOUSEHOLD_NAME_STOP
        ):
            if k == first and (key[k] in COUNT_WORDS or key[k] in NOT_A_NAME):
                break
            phrase = self._phrase_at(t, k)
            # The first word is the name's ("hộ Dang Van Minh"); later, "chưa", "đang" end it.
            if (
                phrase is not None
                and phrase[0] != P_HOUSEHOLD
                and not (k == first and phrase[0] == P_UNFINISHED)
            ):
                break
            # "hộ Giàng Seo Chứ Xà Phìn": a village's exact name ends a name of two words.
            village = self._villages.exact_as_typed(t, k)
            if village is not None and k - first >= 2:
                msg.refer(village[0])
                atoms.append(("hh", SPACE_RUNS.sub(" ", t.text(first, k)).strip(), first))
                atoms.append(("vil", village[0], k))
                return village[1]
            k += 1
        if msg.households is not None:  # a registry household's name, even in lower case
            k = max(k, msg.households.name_end(t, first, self._phrase_at, self._run_stop))
        if k == first:
            return j
        atoms.append(("hh", SPACE_RUNS.sub(" ", t.text(first, k)).strip(), first))
        return k


# Parsers by the identity of their tables; frozen dataclasses hash by value, which would
# cost more than a parse, so identity is the key and the objects are kept to check it.
_PARSERS: dict[tuple[int, int], tuple[UnitDirectory, IndicatorSet, ReportParser]] = {}
_MAX_PARSERS: Final = 8


def _parser_for(units: UnitDirectory, indicators: IndicatorSet) -> ReportParser:
    slot = (id(units), id(indicators))
    cached = _PARSERS.get(slot)
    if cached is not None and cached[0] is units and cached[1] is indicators:
        return cached[2]
    parser = ReportParser(units, indicators)
    if len(_PARSERS) >= _MAX_PARSERS:
        _PARSERS.clear()
    _PARSERS[slot] = (units, indicators, parser)
    return parser


def parse_report(
    text: str,
    *,
    home_village: str,
    today: date,
    units: UnitDirectory,
    indicators: IndicatorSet = DEFAULT_INDICATORS,
    chosen: Mapping[frozenset[str], str] | None = None,
    households: HouseholdNames | None = None,
) -> ParseResult:
    """Parse one report message; see ``tests/data/corpus_README.md`` for the rules."""
    return _parser_for(units, indicators).parse(
        text, home_village=home_village, today=today, chosen=chosen, households=households
    )
