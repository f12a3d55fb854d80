"""Text folding shared by every matcher: case, diacritics, spacing."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "slug", "within_one_edit"]

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse white space.

    Accepts NFC or NFD input; the result is plain ASCII for Vietnamese text.
    """
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


def slug(text: str) -> str:
    """A stable ASCII identifier for a name: 'Sà Lủng' → 'sa-lung'."""
    return _NON_WORD.sub("-", fold(text)).strip("-")


def within_one_edit(a: str, b: str) -> bool:
    """Whether b is a, or a with one character inserted, deleted or replaced."""
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
