"""The words of a cadre's message: clean-up, matching keys, tokens and word lists.

A message is cleaned (line breaks, invisible characters, NFC, compatibility forms of letters),
then each line is cut into words, numbers and single punctuation marks. Each word gets a
matching key: folded (case, diacritics, đ), with leftovers of an unconverted Telex input
method removed (``nhaf`` → ``nha``). The word lists are about Vietnamese, not about
indicators or places; the words of days are here too, which day they mean is
``core.report_dates``. Only ASCII digits are counts: "²³" or "２" are kept as typed and read
as unknown words.

This is the bottom of the parser's modules: it imports none of them (see
``tests/core/test_parser_layers.py``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from core.text import fold

__all__ = [
    "MARK",
    "NUM",
    "WORD",
    "Line",
    "clean_text",
    "is_count_word",
    "keys_of",
    "read_count",
    "word_key",
]

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
# The count words as written: "tạm" (temporary), "bà" (Mrs), "bọn" are not counts though
# they fold to the keys of "tám", "ba", "bốn"; a word typed without diacritics may be one.
COUNT_SPELLINGS: Final = frozenset(
    {"một", "hai", "ba", "bốn", "sáu", "bảy", "bẩy", "tám", "chín", "mười", "mươi"}
)
# Units allowed after "mười"/"mươi" ("mười lăm" = 15, "hai mươi mốt" = 21); "năm" is left
# out on purpose because "mười năm" means "ten years".
COMPOUND_UNITS: Final = {
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
COMPLETION_PHRASES: Final = (
    "xong",
    "đã xong",
    "làm xong",
    "xây xong",
    "hoàn thành",
    "hoàn thiện",
    "đã hoàn thành",
)
# Work not finished ("chưa xong", "sắp xong", "không"): the item is not a report. Matched
# only as written or without diacritics, so the names Đặng, Đăng, Khổng are not these words.
NOT_FINISHED_PHRASES: Final = ("chưa", "không", "sắp", "dự kiến", "chuẩn bị")
# Work under way ("đang xây", "làm móng"): not finished either, except for an indicator
# where being under way counts ("đang học nghề").
UNDER_WAY_PHRASES: Final = ("đang", "khởi công", "làm móng")
# Words before which a capitalised word is a name: "hộ Đặng", "gia đình Khổng", "bà Đang".
NAME_INTRODUCERS: Final = frozenset({"ho", "dinh", "ong", "ba"})
# Phrases that carry nothing but must not be read as counts or names ("bà con" = villagers,
# "bây giờ" = now).
FILLER_PHRASES: Final = ("báo cáo", "bà con", "bây giờ", "hiện nay", "tính đến nay", "một số")
VILLAGE_MARKERS: Final = ("thôn", "bản")
HOUSEHOLD_MARKERS: Final = ("hộ", "gia đình")
ITEM_SEPARATOR_WORDS: Final = ("và",)
# "bà" (Mrs) before a name is not "ba" (three).
HONORIFIC_BA: Final = "bà"
# "thôn mình", "bản em": the sender's own village, not a name to look up.
OWN_VILLAGE_WORDS: Final = frozenset(
    {"em", "minh", "toi", "chung", "ta", "nay", "do", "ay", "bao", "bc", "cua", "nha"}
)
# Words that end a village name being read after thôn/bản or at the start of a line.
NAME_RUN_STOP: Final = frozenset(
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
HOUSEHOLD_NAME_STOP: Final = frozenset(
    {"da", "cho", "co", "duoc", "o", "voi", "cua", "roi", "oi", "nhe", "va", "la"}
)
# "hộ nghèo", "hộ cận nghèo", "hộ dân": a kind of household, not a name.
NOT_A_NAME: Final = frozenset({"ngheo", "can", "kho", "dan", "moi", "nay", "do", "ay", "khac"})
HONORIFICS: Final = frozenset({"ong", "ba", "anh", "chi", "co", "chu", "bac", "em", "cu"})
# Words of days, as keys; which day they mean is for ``core.report_dates`` to say.
# After "thứ": Monday is 0 as in date.weekday().
WEEKDAY_AFTER_THU: Final = {
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
SUNDAY: Final = 6
RELATIVE_DAY_WORDS: Final = ("hom", "bua", "sang", "trua", "chieu", "toi", "dem")
# "mai" (tomorrow) is read so that a report of future work is refused, not dated today.
RELATIVE_OFFSETS: Final = {"nay": 0, "qua": -1, "kia": -2, "mai": 1}

SEPARATOR_MARKS: Final = frozenset(",;.!?+&|、。…")
BULLETS: Final = frozenset("-•*+·>»◦▪►–—")
_DASHES: Final = {"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"}
_MAX_FRAGMENT: Final = 60

# --- text clean-up -------------------------------------------------------------------

_LINE_BREAKS: Final = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Invisible format characters (zero-width, bidi marks, BOM, soft hyphen, variation selectors).
_INVISIBLE: Final = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e0fff]"
)
_CONTROLS: Final = re.compile(r"[\x00-\x09\x0e-\x1f\x7f-\x84\x86-\x9f]")
SPACE_RUNS: Final = re.compile(r"\s+")


def _odd_digits() -> str:
    """A regex class of the numbers that are not ASCII digits: ²³, ２, ①, ½, ٣ …"""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x80, 0x20000):
        if unicodedata.category(chr(cp))[0] == "N":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


# Leading white space, then a number, a word (letters with any combining marks) or one mark.
# A number with any other digit in it ("²³", "2³") is one token but not a count.
_TOKEN: Final = re.compile(
    r"(\s*)(?:((?:[0-9]|[" + _odd_digits() + r"])+)|((?:[^\W\d_]|[\u0300-\u036f])+)|(\S))"
)


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


class _Compatible(dict[int, str]):
    """str.translate table: the compatibility form (NFKC) of each character, except where
    that form has a digit the character does not show plainly: "²" and "２" stay what they
    are, so they are never read as counts."""

    def __missing__(self, cp: int) -> str:
        if len(self) > 20_000:
            self.clear()
        ch = chr(cp)
        form = unicodedata.normalize("NFKC", ch)
        if form != ch and any(c.isdigit() for c in form):
            form = ch
        self[cp] = form
        return form


_COMPATIBLE: Final = _Compatible()


def clean_text(text: str) -> str:
    """Unify line breaks, drop invisible and control characters, normalise to NFC and
    letters to their compatibility forms; numbers other than ASCII digits are kept as typed."""
    text = _LINE_BREAKS.sub("\n", text)
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
        text = unicodedata.normalize("NFC", text).translate(_COMPATIBLE)
        text = unicodedata.normalize("NFC", text)
        text = _LINE_BREAKS.sub("\n", text)
    return _CONTROLS.sub(" ", text)


def keys_of(name: str) -> tuple[str, ...]:
    """Keys of a phrase or place name: its words and numbers, in order."""
    keys: list[str] = []
    for m in _TOKEN.finditer(name):
        if m.group(2):
            keys.append(m.group(2))
        elif m.group(3):
            keys.append(word_key(m.group(3)))
    return tuple(keys)


def is_count_word(key: str, raw: str) -> bool:
    """Whether a word is a count word: its key is one, and it is written as one or plainly."""
    return key in COUNT_WORDS and (raw.isascii() or raw.lower() in COUNT_SPELLINGS)


def read_count(key: list[str], j: int) -> tuple[int, int]:
    """The number told by the count words at key j ("hai mươi mốt" = 21) and where they end."""
    n = len(key)
    word = key[j]
    value = COUNT_WORDS[word]
    end = j + 1
    if word == "muoi":
        if end < n and key[end] in COMPOUND_UNITS:
            value += COMPOUND_UNITS[key[end]]
            end += 1
    elif end < n and key[end] == "muoi":
        value *= 10
        end += 1
        if end < n and key[end] in COMPOUND_UNITS:
            value += COMPOUND_UNITS[key[end]]
            end += 1
    return value, end


# --- tokens --------------------------------------------------------------------------

WORD: Final = 0
NUM: Final = 1
MARK: Final = 2


class Line:
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
                # Only ASCII digits are counts: "²³" is read as a word nobody knows.
                kind.append(NUM if num.isascii() else WORD)
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
                kind.append(WORD)
                capital.append(word[0].isupper())
            else:
                raw.append(mark)
                key.append(_DASHES.get(mark, mark))
                kind.append(MARK)
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
