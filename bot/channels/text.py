"""Splitting long replies for messengers with a length limit per message."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["split_text", "utf16_length"]


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units (how some messengers count: an emoji may count as two)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, limit: int, measure: Callable[[str], int]) -> tuple[str, str]:
    """The longest head of ``line`` within ``limit``, and the rest."""
    if measure is len:
        return line[:limit], line[limit:]
    size = 0
    for index, char in enumerate(line):
        size += measure(char)
        if size > limit:
            return line[:index], line[index:]
    return line, ""


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Split at line breaks so that no part exceeds ``limit``; a longer line is cut."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while measure(line) > limit:
            if current:
                parts.append(current)
                current = ""
            head, line = _cut(line, limit, measure)
            parts.append(head)
        candidate = f"{current}\n{line}" if current else line
        if measure(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts
