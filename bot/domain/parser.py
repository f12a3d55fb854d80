"""Parse a cadre's short report message into report items.

The rules are those of ``tests/data/corpus_README.md``. The parser is pure: the result
depends only on the arguments. Look-up tables are built once per (UnitDirectory,
IndicatorSet) pair; ``parse_report`` keeps a few such parsers keyed by object identity.

Messages are tokenised line by line into words, numbers and single punctuation marks.
Each word gets a matching key: folded (case, diacritics, đ), with leftovers of an
unconverted Telex input method removed (``nhaf`` → ``nha``). Words are then read left to
right into atoms (indicator, count, household, village, date); segment separators split
the atoms into items.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from bot.domain.indicators import DEFAULT_INDICATORS, IndicatorSet
from bot.domain.parsing import ParseError, ParseOk, ParseResult, ReportItem
from bot.domain.text import fold
from bot.domain.units import VILLAGE, UnitDirectory

__all__ = ["ReportParser", "clean_text", "parse_report", "word_key"]

MIN_COUNT: Final = 1
MAX_COUNT: Final = 500
# A day/month without year older than this must be written with its year.
MAX_AGE_WITHOUT_YEAR: Final = timedelta(days=180)
EARLIEST_DATE: Final = date(2021, 1, 1)

# --- the language: words that are about Vietnamese, not about indicators or places ---

COUNT_WORDS: Final = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
}
# Units allowed after "mười"/"mươi" ("mười lăm" = 15, "hai mươi mốt" = 21); "năm" is left
# out on purpose because "mười năm" means "ten years".
_COMPOUND_UNITS: Final = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "lam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
# After "thứ": Monday is 0 as in date.weekday().
_WEEKDAY_AFTER_THU: Final = {
    "2": 0,
    "3": 1,
    "4": 2,
    "5": 3,
    "6": 4,
    "7": 5,
    "hai": 0,
    "ba": 1,
    "tu": 2,
    "bon": 2,
    "nam": 3,
    "sau": 4,
    "bay": 5,
}
_SUNDAY: Final = 6
_RELATIVE_DAY_WORDS: Final = ("hom", "bua", "sang", "trua", "chieu", "toi", "dem")
_RELATIVE_OFFSETS: Final = {"nay": 0, "qua": -1, "kia": -2}
COMPLETION_PHRASES: Final = (
    "xong",
    "đã xong",
    "làm xong",
    "xây xong",
    "hoàn thành",
    "hoàn thiện",
    "đã hoàn thành",
)
# Phrases that carry nothing but must not be read as counts or names ("bà con" = villagers,
# "bây giờ" = now).
FILLER_PHRASES: Final = ("báo cáo", "bà con", "bây giờ", "hiện nay", "tính đến nay", "một số")
VILLAGE_MARKERS: Final = ("thôn", "bản")
HOUSEHOLD_MARKERS: Final = ("hộ", "gia đình")
ITEM_SEPARATOR_WORDS: Final = ("và",)
# "bà" (Mrs) before a name is not "ba" (three).
_HONORIFIC_BA: Final = "bà"
_MAX_FRAGMENT: Final = 60
# "thôn mình", "bản em": the sender's own village, not a name to look up.
_OWN_VILLAGE_WORDS: Final = frozenset(
    {"em", "minh", "toi", "chung", "ta", "nay", "do", "ay", "bao", "bc", "cua", "nha"}
)
# Words that end a village name being read after thôn/bản or at the start of a line.
_NAME_RUN_STOP: Final = frozenset(
    {
        *COUNT_WORDS,
        "nam",
        "hom",
        "bua",
        "ngay",
        "thang",
        "thu",
        "t",
        "cn",
        "xong",
        "da",
        "hoan",
        "lam",
        "xay",
        "bao",
        "bc",
        "cho",
        "co",
        "duoc",
        "va",
        "voi",
        "o",
        "tai",
        "cua",
        "la",
        "roi",
        "them",
        "moi",
        "a",
        "oi",
        "nhe",
        "nhi",
        "ah",
        "day",
        "nay",
        "do",
        "ay",
        "kia",
        "em",
    }
)
# Words that end a household name even when capitalised (messages typed in capitals).
_HOUSEHOLD_NAME_STOP: Final = frozenset(
    {"da", "cho", "co", "duoc", "o", "voi", "cua", "roi", "oi", "nhe", "va", "la"}
)
# "hộ nghèo", "hộ cận nghèo", "hộ dân": a kind of household, not a name.
_NOT_A_NAME: Final = frozenset({"ngheo", "can", "kho", "dan", "moi", "nay", "do", "ay", "khac"})
_HONORIFICS: Final = frozenset({"ong", "ba", "anh", "chi", "co", "chu", "bac", "em", "cu"})
_SEPARATOR_MARKS: Final = frozenset(",;.!?+&|、。…")
_BULLETS: Final = frozenset("-•*+·>»◦▪►–—")
_DASHES: Final = {"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"}
_MAX_RUN: Final = 6
_MAX_HOUSEHOLD_WORDS: Final = 8

# --- text clean-up -------------------------------------------------------------------

_LINE_BREAKS: Final = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Invisible format characters (zero-width, bidi marks, BOM, soft hyphen, variation selectors).
_INVISIBLE: Final = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e0fff]"
)
_CONTROLS: Final = re.compile(r"[\x00-\x09\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SPACE_RUNS: Final = re.compile(r"\s+")
# Leading white space, then a number, a word (letters with any combining marks) or one mark.
_TOKEN: Final = re.compile(r"(\s*)(?:([0-9]+)|((?:[^\W\d_]|[\u0300-\u036f])+)|(\S))")


def _fold_table() -> dict[int, str | None]:
    """str.translate table doing what text.fold does to single lower-case letters."""
    table: dict[int, str | None] = {}
    for cp in range(0xC0, 0x2C00):
        ch = chr(cp)
        if unicodedata.combining(ch):
            table[cp] = None
            continue
        low = ch.lower()
        if len(low) != 1 or low != ch:
            continue
        folded = fold(ch)
        if folded and folded != ch:
            table[cp] = folded
    return table


_FOLD: Final = _fold_table()
_TONE_LETTERS: Final = str.maketrans("", "", "fjwzsrx")
_VOWELS: Final = frozenset("aeiouy")
_CONSONANTS: Final = frozenset("bcdghklmnpqrstvx")


def word_key(word: str) -> str:
    """The matching key of one word: folded, Telex leftovers removed, i/y spelling unified.

    Vietnamese syllables never have f, j, w, z, s, r or x after their first vowel, nor a
    doubled a/e/o, so these are the tone and vowel keys of an input method that did not
    convert: ``thoats`` → ``thoat``, ``hooj`` → ``ho``, ``owr`` → ``o``, ``ddaa`` → ``da``.
    """
    key = word.lower().translate(_FOLD)
    if not key.isascii():
        return key
    if key.startswith("dd"):
        key = key[1:]
    for i, ch in enumerate(key):
        if ch == "w":
            # A lone "w" is Telex for "ư": "mwowif" → "muoi".
            key = key[:i] + "u" + key[i + 1 :]
            ch = "u"
        if ch in _VOWELS:
            tail = key[i + 1 :]
            if tail:
                repaired = key[: i + 1] + tail.translate(_TONE_LETTERS)
                if repaired != key or "aa" in key or "ee" in key or "oo" in key:
                    key = repaired.replace("aa", "a").replace("ee", "e").replace("oo", "o")
            break
    # "kí"/"ký", "lí"/"lý": both spellings are in use.
    if len(key) == 2 and key[1] == "y" and key[0] in _CONSONANTS:
        key = key[0] + "i"
    return key


def clean_text(text: str) -> str:
    """Unify line breaks, drop invisible and control characters, normalise to NFKC."""
    text = _LINE_BREAKS.sub("\n", text)
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
        text = unicodedata.normalize("NFKC", text)
        text = _LINE_BREAKS.sub("\n", text)
    return _CONTROLS.sub(" ", text)


def _keys_of(name: str) -> tuple[str, ...]:
    """Keys of a phrase or place name: its words and numbers, in order."""
    keys: list[str] = []
    for m in _TOKEN.finditer(name):
        if m.group(2):
            keys.append(m.group(2))
        elif m.group(3):
            keys.append(word_key(m.group(3)))
    return tuple(keys)


# --- tokens --------------------------------------------------------------------------

_WORD: Final = 0
_NUM: Final = 1
_MARK: Final = 2


class _Line:
    """One line as parallel lists: raw text, matching key, kind, preceded-by-space flag."""

    __slots__ = ("capital", "key", "kind", "n", "raw", "spaced")

    def __init__(self, line: str, memo: dict[str, str]) -> None:
        raw: list[str] = []
        key: list[str] = []
        kind: list[int] = []
        spaced: list[bool] = []
        capital: list[bool] = []
        for space, num, word, mark in _TOKEN.findall(line):
            spaced.append(bool(space))
            if num:
                raw.append(num)
                key.append(num)
                kind.append(_NUM)
                capital.append(False)
            elif word:
                raw.append(word)
                k = memo.get(word)
                if k is None:
                    k = word_key(word)
                    if len(memo) > 50_000:
                        memo.clear()
                    memo[word] = k
                key.append(k)
                kind.append(_WORD)
                capital.append(word[0].isupper())
            else:
                raw.append(mark)
                key.append(_DASHES.get(mark, mark))
                kind.append(_MARK)
                capital.append(False)
        self.raw = raw
        self.key = key
        self.kind = kind
        self.spaced = spaced
        self.capital = capital
        self.n = len(raw)

    def joined(self, a: int, b: int) -> bool:
        """Whether token b directly follows token a (no space between)."""
        return b < self.n and b == a + 1 and not self.spaced[b]

    def text(self, a: int, b: int) -> str:
        """The text of tokens a..b-1 as typed, white space collapsed, clipped for replies."""
        parts = [self.raw[a]]
        for i in range(a + 1, b):
            if self.spaced[i]:
                parts.append(" ")
            parts.append(self.raw[i])
        text = "".join(parts)
        return text if len(text) <= _MAX_FRAGMENT else text[: _MAX_FRAGMENT - 1] + "…"


# --- phrases -------------------------------------------------------------------------

_P_INDICATOR: Final = 1
_P_FILLER: Final = 2
_P_RELATIVE: Final = 3
_P_WEEKDAY: Final = 4
_P_VILLAGE: Final = 5
_P_HOUSEHOLD: Final = 6
_P_SEPARATOR: Final = 7

# A phrase: the keys after the first one, its type and a payload.
_Phrase = tuple[tuple[str, ...], int, object]


def _build_phrases(indicators: IndicatorSet) -> dict[str, list[_Phrase]]:
    entries: list[tuple[tuple[str, ...], int, object]] = []
    for indicator in indicators:
        for keyword in indicator.keywords:
            entries.append((_keys_of(keyword), _P_INDICATOR, indicator.code))
    for phrase in (*COMPLETION_PHRASES, *FILLER_PHRASES):
        entries.append((_keys_of(phrase), _P_FILLER, None))
    for first in _RELATIVE_DAY_WORDS:
        for second, offset in _RELATIVE_OFFSETS.items():
            entries.append(((first, second), _P_RELATIVE, offset))
    for second, weekday in _WEEKDAY_AFTER_THU.items():
        entries.append((("thu", second), _P_WEEKDAY, weekday))
        if second.isdigit():
            entries.append((("t", second), _P_WEEKDAY, weekday))
    entries.append((("chu", "nhat"), _P_WEEKDAY, _SUNDAY))
    entries.append((("cn",), _P_WEEKDAY, _SUNDAY))
    for marker in VILLAGE_MARKERS:
        entries.append((_keys_of(marker), _P_VILLAGE, None))
    for marker in HOUSEHOLD_MARKERS:
        entries.append((_keys_of(marker), _P_HOUSEHOLD, None))
    for word in ITEM_SEPARATOR_WORDS:
        entries.append((_keys_of(word), _P_SEPARATOR, None))
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


# --- villages ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ref:
    """A village reference: resolved (code) or an error with what was typed."""

    code: str | None
    error: str | None = None
    fragment: str = ""
    candidates: tuple[str, ...] = ()


def _within_one_edit(a: str, b: str) -> bool:
    la, lb = len(a), len(b)
    if la == lb:
        diff = 0
        for x, y in zip(a, b, strict=True):
            if x != y:
                diff += 1
                if diff > 1:
                    return False
        return True
    if la > lb:
        a, b, la, lb = b, a, lb, la
    if lb - la != 1:
        return False
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


class _VillageIndex:
    def __init__(self, units: UnitDirectory) -> None:
        villages = [u for u in units if u.level == VILLAGE]
        self.rank = {
            u.code: i for i, u in enumerate(sorted(villages, key=lambda u: (fold(u.name), u.name)))
        }
        exact: dict[tuple[str, ...], set[str]] = {}
        prefix: dict[tuple[str, ...], set[str]] = {}
        joined: list[tuple[str, str]] = []
        for village in villages:
            for name in village.names:
                keys = _keys_of(name)
                if not keys:
                    continue
                exact.setdefault(keys, set()).add(village.code)
                for k in range(1, len(keys)):
                    prefix.setdefault(keys[:k], set()).add(village.code)
                joined.append((" ".join(keys), village.code))
        self.exact = {k: frozenset(v) for k, v in exact.items()}
        self.prefix = {k: frozenset(v) for k, v in prefix.items()}
        self.joined = tuple(joined)
        self.max_len = max((len(k) for k in exact), default=0)

    def near(self, text: str) -> set[str]:
        return {code for name, code in self.joined if _within_one_edit(text, name)}

    def ref(self, codes: Iterable[str], fragment: str) -> _Ref:
        found = sorted(set(codes), key=lambda c: self.rank.get(c, 0))
        if len(found) == 1:
            return _Ref(found[0], fragment=fragment)
        return _Ref(None, "ambiguous_village", fragment, tuple(found))


# --- the parser ----------------------------------------------------------------------

_PRIORITY: Final = {
    "empty": 0,
    "unknown_indicator": 1,
    "invalid_date": 2,
    "unknown_village": 3,
    "ambiguous_village": 4,
    "missing_count": 5,
    "invalid_count": 6,
}


@dataclass(slots=True)
class _Item:
    indicator: str | None = None
    count: int | None = None
    count_text: str = ""
    household: str | None = None
    village: _Ref | None = None
    text: str = ""

    def complete(self) -> bool:
        return self.indicator is not None and (self.count is not None or bool(self.household))


@dataclass(slots=True)
class _Message:
    """What has been read so far from one message."""

    today: date
    errors: list[tuple[int, int, ParseError]] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)
    items: list[tuple[_Item, _Ref | None]] = field(default_factory=list)
    any_indicator: bool = False
    # Villages the sender picked for names that matched several, by candidate set.
    chosen: Mapping[frozenset[str], str] = field(default_factory=dict)

    def fail(
        self, code: str, fragment: str | None = None, candidates: tuple[str, ...] = ()
    ) -> None:
        self.errors.append(
            (_PRIORITY[code], len(self.errors), ParseError(code, fragment, candidates))
        )

    def refer(self, ref: _Ref) -> None:
        if ref.error is not None and self.choice(ref) is None:
            self.fail(ref.error, ref.fragment, ref.candidates)

    def choice(self, ref: _Ref) -> str | None:
        if not self.chosen or ref.error != "ambiguous_village":
            return None
        return self.chosen.get(frozenset(ref.candidates))

    def village(self, ref: _Ref | None, home: str) -> str:
        if ref is None:
            return home
        return ref.code or self.choice(ref) or home


class ReportParser:
    """A parser bound to one unit directory and one indicator set; reusable and thread-safe."""

    def __init__(self, units: UnitDirectory, indicators: IndicatorSet = DEFAULT_INDICATORS) -> None:
        self.units = units
        self.indicators = indicators
        self._villages = _VillageIndex(units)
        self._phrases = _build_phrases(indicators)
        self._units_of_count = frozenset(
            k for indicator in indicators for k in _keys_of(indicator.unit_vi)
        )
        self._run_stop = (
            _NAME_RUN_STOP
            | self._units_of_count
            | {keys[0] for keys in (_keys_of(kw) for i in indicators for kw in i.keywords) if keys}
        )
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
    ) -> ParseResult:
        """Parse one message. ``chosen`` resolves ambiguous village names: for a name that
        matches exactly the given set of village codes, use the code the sender picked."""
        text = clean_text(text)
        if not text or text.isspace():
            return ParseError("empty")
        msg = _Message(today, chosen=chosen or {})
        for line in text.split("\n"):
            if line and not line.isspace():
                self._read_line(_Line(line, self._memo), msg)
        if not msg.any_indicator:
            # Outranks every other problem of the message (after "empty").
            return ParseError("unknown_indicator")
        if msg.errors:
            return min(msg.errors, key=lambda e: (e[0], e[1]))[2]
        if not msg.items:
            return ParseError("unknown_indicator")
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

    def _phrase_at(self, t: _Line, j: int) -> tuple[int, int, object] | None:
        """The longest phrase starting at token j: (type, end, payload)."""
        options = self._phrases.get(t.key[j]) if t.kind[j] == _WORD else None
        if not options:
            return None
        keys = t.key
        for rest, kind, payload in options:
            end = j + 1 + len(rest)
            if end <= t.n and (not rest or tuple(keys[j + 1 : end]) == rest):
                return kind, end, payload
        return None

    def _read_line(self, t: _Line, msg: _Message) -> None:
        n = t.n
        key, kind = t.key, t.kind
        start = 0
        # List bullets; "-" directly before a digit is a minus sign, not a bullet.
        while start < n and kind[start] == _MARK and key[start] in _BULLETS:
            if key[start] == "-" and t.joined(start, start + 1) and kind[start + 1] == _NUM:
                break
            start += 1
        # Numbered lists: "1." or "2)" followed by a space.
        if (
            start + 2 < n
            and kind[start] == _NUM
            and key[start + 1] in (".", ")")
            and t.joined(start, start + 1)
            and t.spaced[start + 2]
        ):
            start += 2
        colon = None
        for j in range(start, n):
            # "8:30" is a time, not a heading.
            if key[j] == ":" and not (
                j > 0 and kind[j - 1] == _NUM and t.joined(j, j + 1) and kind[j + 1] == _NUM
            ):
                colon = j
                break
        used = [False] * n
        line_ref: _Ref | None = None
        if start < n and kind[start] == _WORD and key[start] not in ("thon", "ban"):
            found = self._resolve_name(t, start, bare=True)
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
            found2 = self._before_colon(t, start, colon)
            if found2 is not None:
                line_ref, a, b = found2
                msg.refer(line_ref)
                for j in range(a, b):
                    used[j] = True

        segments: list[list[tuple[str, object, int]]] = [[]]
        # Token bounds of each segment, for the error replies.
        bounds = [[start, n]]
        # Set after a separator: an exact village name may open the next item.
        item_start = False
        j = start
        while j < n:
            if used[j]:
                j += 1
                continue
            k = kind[j]
            if k == _MARK:
                if key[j] in _SEPARATOR_MARKS:
                    segments.append([])
                    bounds[-1][1] = j
                    bounds.append([j + 1, n])
                    item_start = True
                j += 1
                continue
            if item_start:
                item_start = False
                opening = self._exact_name(t, j, smallest=2)
                if opening is not None:
                    segments[-1].append(("vil", opening[0], j))
                    j = opening[1]
                    continue
            if k == _NUM:
                j = self._read_number(t, j, segments[-1], msg)
                continue
            phrase = self._phrase_at(t, j)
            if phrase is not None:
                ptype, end, payload = phrase
                if ptype == _P_INDICATOR:
                    segments[-1].append(("ind", payload, j))
                    msg.any_indicator = True
                elif ptype == _P_SEPARATOR:
                    segments.append([])
                    bounds[-1][1] = j
                    bounds.append([end, n])
                    item_start = True
                elif ptype in (_P_RELATIVE, _P_WEEKDAY):
                    assert isinstance(payload, int)
                    if ptype == _P_RELATIVE:
                        when = msg.today + timedelta(days=payload)
                    else:
                        when = msg.today - timedelta(days=(msg.today.weekday() - payload) % 7)
                    if EARLIEST_DATE <= when <= msg.today:
                        msg.dates.append(when)
                    else:  # "CN" on the programme's first day would be before it began
                        msg.fail("invalid_date", t.text(j, end))
                elif ptype == _P_VILLAGE:
                    found3 = self._after_marker(t, end)
                    if found3 is not None:
                        ref, end = found3
                        msg.refer(ref)
                        if line_ref is None and (j == start or (colon is not None and j < colon)):
                            line_ref = ref
                        else:
                            segments[-1].append(("vil", ref, j))
                elif ptype == _P_HOUSEHOLD:
                    name_end = self._read_household(t, end, segments[-1])
                    end = max(end, name_end)
                j = end
                continue
            w = key[j]
            if w in COUNT_WORDS:
                if self._is_honorific(t, j):
                    j += 1
                    continue
                j = self._read_count_word(t, j, segments[-1])
                continue
            if w == "ngay":
                j = self._read_day(t, j, msg)
                continue
            if w in ("thang", "nam") and j + 1 < n and kind[j + 1] == _NUM:
                # "tháng 11", "tháng 11/2026", "năm 2026": a period mentioned, not a count.
                j += 2
                if t.joined(j - 1, j) and key[j] == "/" and t.joined(j, j + 1):
                    j += 2
                continue
            j += 1

        items: list[_Item] = []
        for atoms, (a, b) in zip(segments, bounds, strict=True):
            header = self._build_items(atoms, items, t.text(a, b) if a < b else "")
            if header is not None and line_ref is None:
                line_ref = header
        for item in items:
            if item.indicator is None:
                if item.count is not None:
                    msg.fail("unknown_indicator", item.text or None)
                continue
            if item.count is None:
                if item.household:
                    item.count = 1
                else:
                    msg.fail("missing_count", item.text or None)
                    continue
            if not MIN_COUNT <= item.count <= MAX_COUNT:
                msg.fail("invalid_count", item.count_text)
                continue
            msg.items.append((item, line_ref))

    @staticmethod
    def _build_items(
        atoms: list[tuple[str, object, int]], out: list[_Item], text: str
    ) -> _Ref | None:
        """Group a segment's atoms into items; return a village the segment names alone.

        A new item starts when an atom would fill a slot the current item already has
        ("Xong 2 nhà 3 người học nghề" is two items even without a separator).
        """
        if not atoms:
            return None
        items: list[_Item] = []
        cur = _Item(text=text)

        def close() -> None:
            nonlocal cur
            items.append(cur)
            cur = _Item(text=text)

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
                assert isinstance(value, _Ref)
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

    # -- numbers, counts and dates --

    def _read_number(
        self, t: _Line, j: int, atoms: list[tuple[str, object, int]], msg: _Message
    ) -> int:
        key, kind = t.key, t.kind
        after_day_word = j > 0 and key[j - 1] in ("ngay", "hom")
        found = self._numeric_date(t, j, msg.today, after_day_word)
        if found is not None:
            when, end = found
            if when is None:
                msg.fail("invalid_date", t.text(j, end))
            else:
                msg.dates.append(when)
            return end
        nxt = j + 1
        # Times of day ("8h", "8h30", "8 giờ", "8:30") are not counts.
        hour_mark = nxt < t.n and kind[nxt] == _WORD and key[nxt] in ("h", "g", "gio")
        if hour_mark and (key[nxt] == "gio" or t.joined(j, nxt)):
            return nxt + 2 if t.joined(nxt, nxt + 1) and kind[nxt + 1] == _NUM else nxt + 1
        if (
            t.joined(j, nxt)
            and key[nxt] == ":"
            and t.joined(nxt, nxt + 1)
            and kind[nxt + 1] == _NUM
        ):
            return nxt + 2
        digits = key[j]
        value = int(digits) if len(digits) <= 6 else MAX_COUNT + 1
        first = j
        if (
            j > 0
            and key[j - 1] == "-"
            and t.joined(j - 1, j)
            and not (j > 1 and kind[j - 2] == _NUM and t.joined(j - 2, j - 1))
        ):
            value, first = -value, j - 1
        atoms.append(("count", (value, t.text(first, nxt)), first))
        return nxt

    def _is_honorific(self, t: _Line, j: int) -> bool:
        nxt = j + 1
        return (
            t.raw[j].lower() == _HONORIFIC_BA
            and nxt < t.n
            and t.kind[nxt] == _WORD
            and t.capital[nxt]
            and t.key[nxt] not in self._run_stop
            and self._phrase_at(t, nxt) is None
        )

    def _read_count_word(self, t: _Line, j: int, atoms: list[tuple[str, object, int]]) -> int:
        key, n = t.key, t.n
        word = key[j]
        value = COUNT_WORDS[word]
        end = j + 1
        if word == "muoi":
            if end < n and key[end] in _COMPOUND_UNITS:
                value += _COMPOUND_UNITS[key[end]]
                end += 1
        elif end < n and key[end] == "muoi":
            value *= 10
            end += 1
            if end < n and key[end] in _COMPOUND_UNITS:
                value += _COMPOUND_UNITS[key[end]]
                end += 1
        atoms.append(("count", (value, t.text(j, end)), j))
        return end

    def _read_day(self, t: _Line, j: int, msg: _Message) -> int:
        """ "ngày D tháng M [năm Y]" or "ngày D" (this month or the one before)."""
        key, kind, n = t.key, t.kind, t.n
        d = j + 1
        if d >= n or kind[d] != _NUM or (t.joined(d, d + 1) and key[d + 1] in ("/", "-", ".")):
            return j + 1
        today = msg.today
        day = int(key[d]) if len(key[d]) <= 2 else 0
        if d + 2 < n and key[d + 1] == "thang" and kind[d + 2] == _NUM:
            month = int(key[d + 2]) if len(key[d + 2]) <= 2 else 0
            end = d + 3
            year = None
            if end + 1 < n and key[end] == "nam" and kind[end + 1] == _NUM:
                year = _full_year(key[end + 1])
                end += 2
            when = _resolve_date(day, month, year, today)
            if when is None:
                msg.fail("invalid_date", t.text(j, end))
            else:
                msg.dates.append(when)
            return end
        when = None
        year, month = today.year, today.month
        for _ in range(3):
            when = _make_date(year, month, day)
            if when is not None and when <= today:
                break
            when = None
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        if when is None:
            msg.fail("invalid_date", t.text(j, d + 1))
        else:
            msg.dates.append(when)
        return d + 1

    @staticmethod
    def _numeric_date(
        t: _Line, j: int, today: date, after_day_word: bool
    ) -> tuple[date | None, int] | None:
        """d/m, d/m/yyyy (also with - or . after "ngày" or with a year) and yyyy-mm-dd."""
        key, kind = t.key, t.kind
        if not (
            t.joined(j, j + 1)
            and key[j + 1] in ("/", "-", ".")
            and t.joined(j + 1, j + 2)
            and kind[j + 2] == _NUM
        ):
            return None
        sep = key[j + 1]
        parts = [key[j], key[j + 2]]
        end = j + 3
        if (
            t.joined(end - 1, end)
            and key[end] == sep
            and t.joined(end, end + 1)
            and kind[end + 1] == _NUM
        ):
            parts.append(key[end + 1])
            end += 2
        if len(parts) == 2 and sep != "/" and not after_day_word:
            return None
        if len(parts) == 3 and len(parts[0]) == 4:
            parts = [parts[2], parts[1], parts[0]]
        if len(parts[0]) > 2 or len(parts[1]) > 2:
            return (None, end) if sep == "/" else None
        year = _full_year(parts[2]) if len(parts) == 3 else None
        if len(parts) == 3 and year is None:
            return (None, end) if sep == "/" else None
        return _resolve_date(int(parts[0]), int(parts[1]), year, today), end

    # -- villages --

    def _exact_name(self, t: _Line, j: int, *, smallest: int = 1) -> tuple[_Ref, int] | None:
        """A canonical name or alias of at least ``smallest`` words at token j, longest first."""
        index = self._villages
        for length in range(min(index.max_len, t.n - j), smallest - 1, -1):
            exact = index.exact.get(tuple(t.key[j : j + length]))
            if exact:
                return index.ref(exact, t.text(j, j + length)), j + length
        return None

    def _resolve_name(self, t: _Line, j: int, *, bare: bool) -> tuple[_Ref, int] | None:
        """A village name starting at token j, or None when there is none to resolve.

        Exact names and aliases first, longest first; then the words up to the next
        reserved word as the beginning of village names or one edit away from a name.
        ``bare`` (no thôn/bản before it) asks for two words at least and never reports
        an unknown village: such words are simply not a village reference.
        """
        index = self._villages
        key, kind, n = t.key, t.kind, t.n
        found = self._exact_name(t, j)
        if found is not None:
            return found
        end = j
        while (
            end < n
            and end - j < _MAX_RUN
            and kind[end] == _WORD
            and key[end] not in self._run_stop
            and self._phrase_at(t, end) is None
        ):
            end += 1
        smallest = 2 if bare else 1
        if end - j < smallest:
            return None
        run = key[j:end]
        codes = set(index.prefix.get(tuple(run), ())) | index.near(" ".join(run))
        if codes:
            return index.ref(codes, t.text(j, end)), end
        for length in range(end - j - 1, smallest - 1, -1):
            codes = index.near(" ".join(run[:length]))
            if codes:
                return index.ref(codes, t.text(j, j + length)), j + length
        if bare:
            return None
        return _Ref(None, "unknown_village", t.text(j, end)), end

    def _after_marker(self, t: _Line, j: int) -> tuple[_Ref, int] | None:
        """The village after "thôn"/"bản" at token j; None when the marker names none."""
        if j >= t.n or t.kind[j] == _MARK or t.key[j] in _OWN_VILLAGE_WORDS:
            return None
        if t.kind[j] == _NUM:
            found = self._exact_name(t, j)
            if found is not None:
                return found
            return _Ref(None, "unknown_village", t.text(j, j + 1)), j + 1
        return self._resolve_name(t, j, bare=False)

    def _before_colon(self, t: _Line, start: int, colon: int) -> tuple[_Ref, int, int] | None:
        """A village named by the words before ":" (a heading); None when they name none."""
        index = self._villages
        key, kind = t.key, t.kind
        for j in range(start, colon):
            if kind[j] == _WORD:
                found = self._exact_name(t, j)
                if found is not None:
                    return found[0], j, found[1]
        j = start
        while j < colon and kind[j] == _WORD and key[j] in self._run_stop:
            j += 1
        if j >= colon or colon - j > _MAX_RUN:
            return None
        if any(kind[i] != _WORD or key[i] in self._run_stop for i in range(j, colon)):
            return None
        run = key[j:colon]
        codes = set(index.prefix.get(tuple(run), ())) | index.near(" ".join(run))
        if codes:
            return index.ref(codes, t.text(j, colon)), j, colon
        return None

    # -- households --

    def _read_household(self, t: _Line, j: int, atoms: list[tuple[str, object, int]]) -> int:
        """Read "hộ NAME" / "gia đình NAME" after the marker; return where reading ended."""
        key, kind, capital, n = t.key, t.kind, t.capital, t.n
        k = j
        if (
            k + 1 < n
            and kind[k] == _WORD
            and key[k] in _HONORIFICS
            and kind[k + 1] == _WORD
            and capital[k + 1]
        ):
            k += 1
        first = k
        while (
            k < n
            and k - first < _MAX_HOUSEHOLD_WORDS
            and kind[k] == _WORD
            and capital[k]
            and key[k] not in _HOUSEHOLD_NAME_STOP
        ):
            if k == first and (key[k] in COUNT_WORDS or key[k] in _NOT_A_NAME):
                break
            phrase = self._phrase_at(t, k)
            if phrase is not None and phrase[0] != _P_HOUSEHOLD:
                break
            k += 1
        if k == first:
            return j
        atoms.append(("hh", _SPACE_RUNS.sub(" ", t.text(first, k)).strip(), first))
        return k


def _full_year(text: str) -> int | None:
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        return 2000 + int(text)
    return None


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve_date(day: int, month: int, year: int | None, today: date) -> date | None:
    """The date meant by d/m[/y], or None when it is impossible, too old or in the future."""
    if year is not None:
        when = _make_date(year, month, day)
        if when is None or when < EARLIEST_DATE or when > today:
            return None
        return when
    when = _make_date(today.year, month, day)
    if when is None or when > today:
        when = _make_date(today.year - 1, month, day)
    if when is None or today - when > MAX_AGE_WITHOUT_YEAR:
        return None
    return when


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
) -> ParseResult:
    """Parse one report message; see ``tests/data/corpus_README.md`` for the rules."""
    return _parser_for(units, indicators).parse(
        text, home_village=home_village, today=today, chosen=chosen
    )
