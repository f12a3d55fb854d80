"""Text folding shared by every matcher: case, diacritics, spacing."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "slug"]

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
