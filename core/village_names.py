"""Village names in a report line, matched against the villages of a unit directory.

A name matches a village's canonical name or an alias exactly (longest first), else as the
beginning of village names or one edit (a typo) away from one. A name that fits several
villages is ambiguous: the reply lists them, ordered by name, and the sender picks one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from core.parsing import ErrorCode
from core.text import fold, within_one_edit
from core.units import VILLAGE, UnitDirectory
from core.wording import MARK, NUM, OWN_VILLAGE_WORDS, WORD, Line, keys_of

__all__ = ["MAX_NAME_WORDS", "VillageNames", "VillageRef"]

# Longest run of words read as one village name that is not an exact name.
MAX_NAME_WORDS: Final = 6
# Words that tell villages of one name apart ("Nà Nũng A", "Khai Hoang II"): a typo there
# is another village, never corrected silently.
_ROMAN: Final = frozenset({"i", "ii", "iii", "iv", "v", "vi"})
# Initial letters that are confused in speech or spelling ("Xà Lủng" for Sà Lủng); any
# other change of a syllable's first letter makes another name ("Tả Lủng" is not Sà Lủng).
_CONFUSED_INITIALS: Final = frozenset({"sx", "xs", "ln", "nl", "dr", "rd", "ck", "kc", "iy", "yi"})


def _distinguishing(word: str) -> bool:
    return len(word) == 1 or word.isdigit() or word in _ROMAN


def _other_place(typed: str, name: str) -> bool:
    """Whether ``typed``, one edit from ``name``, names another place rather than a typo:
    it differs in a word that tells villages apart, or in a syllable's first letter."""
    a, b = typed.split(" "), name.split(" ")
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if _distinguishing(x) or _distinguishing(y):
            return True
        if len(x) == len(y) and x[0] != y[0] and x[0] + y[0] not in _CONFUSED_INITIALS:
            return True
    return False


@dataclass(frozen=True, slots=True)
class VillageRef:
    """A village reference: resolved (code) or an error with what was typed."""

    code: str | None
    error: ErrorCode | None = None
    fragment: str = ""
    candidates: tuple[str, ...] = ()


class VillageNames:
    """The villages of one directory by the keys of their names, and the reading of names."""

    def __init__(
        self,
        units: UnitDirectory,
        run_stop: frozenset[str],
        typed_end: Callable[[Line, int], int] = lambda t, j: j,
    ) -> None:
        """``run_stop``: the words that end a name being read (``Phrases.run_stop``);
        ``typed_end``: where a capitalised name typed from a token on ends
        (``Phrases.typed_name_end``), so that a name going on past a known one is unknown."""
        self._typed_end = typed_end
        villages = [u for u in units if u.level == VILLAGE]
        self.rank = {
            u.code: i for i, u in enumerate(sorted(villages, key=lambda u: (fold(u.name), u.name)))
        }
        exact: dict[tuple[str, ...], set[str]] = {}
        prefix: dict[tuple[str, ...], set[str]] = {}
        joined: list[tuple[str, str]] = []
        for village in villages:
            for name in village.names:
                keys = keys_of(name)
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
        self._run_stop = run_stop

    def near(self, text: str) -> set[str]:
        """Villages one edit away; none when the only one is another place's name."""
        found = [(name, code) for name, code in self.joined if within_one_edit(text, name)]
        codes = {code for _, code in found}
        if len(codes) == 1 and all(_other_place(text, name) for name, _ in found):
            return set()
        return codes

    def whole(self, t: Line, j: int, end: int) -> tuple[VillageRef, int]:
        """The words j..end-1 as one village name: a name, its beginning, a typo, or unknown."""
        run = tuple(t.key[j:end])
        codes = self.exact.get(run) or self.prefix.get(run) or self.near(" ".join(run))
        if codes:
            return self.ref(codes, t.text(j, end)), end
        return VillageRef(None, ErrorCode.UNKNOWN_VILLAGE, t.text(j, end)), end

    def exact_as_typed(self, t: Line, j: int) -> tuple[VillageRef, int] | None:
        """An exact name of two words at least at token j; when the capitalised name typed
        goes on past it, that whole name, rarely a known one."""
        found = self.exact_name(t, j, smallest=2)
        return None if found is None else self.whole(t, j, max(found[1], self._typed_end(t, j)))

    def line_start(self, t: Line, j: int, end: int) -> tuple[VillageRef, int] | None:
        """A village named at the very start of a line without thôn/bản (its words run to
        ``end``); None when the words there are no village. A name that begins like a
        village's and goes on capitalised ("Pả Vi Giữa", "Sà Lủng Dưới") is unknown, not
        the village it begins with."""
        found = self.resolve_name(t, j, end, bare=True)
        typed = self._typed_end(t, j)
        if found is not None and found[1] >= typed:
            return found
        if found is None and (typed - j < 2 or tuple(t.key[j : j + 2]) not in self.prefix):
            return None
        return self.whole(t, j, typed)

    def ref(self, codes: Iterable[str], fragment: str) -> VillageRef:
        found = sorted(set(codes), key=lambda c: self.rank.get(c, 0))
        if len(found) == 1:
            return VillageRef(found[0], fragment=fragment)
        return VillageRef(None, ErrorCode.AMBIGUOUS_VILLAGE, fragment, tuple(found))

    def exact_name(self, t: Line, j: int, *, smallest: int = 1) -> tuple[VillageRef, int] | None:
        """A canonical name or alias of at least ``smallest`` words at token j, longest first."""
        for length in range(min(self.max_len, t.n - j), smallest - 1, -1):
            exact = self.exact.get(tuple(t.key[j : j + length]))
            if exact:
                return self.ref(exact, t.text(j, j + length)), j + length
        return None

    def resolve_name(
        self, t: Line, j: int, end: int, *, bare: bool
    ) -> tuple[VillageRef, int] | None:
        """A village name starting at token j, or None when there is none to resolve.

        Exact names and aliases first, longest first; then the words j..end (up to the
        next reserved word or phrase, as the reader found them) as the beginning of village
        names or one edit away from a name. ``bare`` (no thôn/bản before it) asks for two
        words at least and never reports an unknown village: such words are simply not a
        village reference.
        """
        found = self.exact_name(t, j)
        if found is not None:
            return found
        smallest = 2 if bare else 1
        if end - j < smallest:
            return None
        run = t.key[j:end]
        codes = set(self.prefix.get(tuple(run), ())) | self.near(" ".join(run))
        if codes:
            return self.ref(codes, t.text(j, end)), end
        for length in range(end - j - 1, smallest - 1, -1):
            codes = self.near(" ".join(run[:length]))
            if codes:
                return self.ref(codes, t.text(j, j + length)), j + length
        if bare:
            return None
        return VillageRef(None, ErrorCode.UNKNOWN_VILLAGE, t.text(j, end)), end

    def after_marker(self, t: Line, j: int, end: int) -> tuple[VillageRef, int] | None:
        """The village after "thôn"/"bản" at token j (its words run to ``end``); None when
        the marker names none."""
        if j >= t.n or t.kind[j] == MARK:
            return None
        typed = self._typed_end(t, j)
        if t.key[j] in OWN_VILLAGE_WORDS:
            # "thôn mình", "bản Em": the sender's own; "bản Tả Lủng" names another.
            return self.whole(t, j, typed) if typed - j >= 2 else None
        if t.kind[j] == NUM:
            found = self.exact_name(t, j)
            if found is not None:
                return found
            return VillageRef(None, ErrorCode.UNKNOWN_VILLAGE, t.text(j, j + 1)), j + 1
        found = self.resolve_name(t, j, end, bare=False)
        if typed > j and (found is None or found[1] < typed):
            return self.whole(t, j, typed)
        return found

    def before_colon(self, t: Line, start: int, colon: int) -> tuple[VillageRef, int, int] | None:
        """A village named by the words before ":" (a heading); None when they name none."""
        key, kind = t.key, t.kind
        for j in range(start, colon):
            if kind[j] == WORD:
                found = self.exact_name(t, j)
                if found is not None:
                    # "Há Súng Mới:" is not Há Súng.
                    ref, end = self.whole(t, j, max(found[1], self._typed_end(t, j)))
                    return ref, j, end
        j = start
        while j < colon and kind[j] == WORD and key[j] in self._run_stop:
            j += 1
        if j >= colon or colon - j > MAX_NAME_WORDS:
            return None
        if any(kind[i] != WORD or key[i] in self._run_stop for i in range(j, colon)):
            return None
        run = key[j:colon]
        codes = set(self.prefix.get(tuple(run), ())) | self.near(" ".join(run))
        if codes:
            return self.ref(codes, t.text(j, colon)), j, colon
        return None
