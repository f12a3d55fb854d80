"""`python -m locales`: fill the Vietnamese catalog and list what English still lacks.

The source strings (msgids) are Vietnamese, so the vi catalog repeats them; a translator
only writes English. Run after `make extract`.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po

from locales import CATALOG_DIR, DOMAIN


def _path(language: str) -> str:
    return str(CATALOG_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po")


def main() -> int:
    with open(_path("vi"), "rb") as handle:
        vi = read_po(handle, locale="vi")
    for message in vi:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            message.string = (message.id[0],)
        else:
            message.string = message.id
        message.flags.discard("fuzzy")
    with open(_path("vi"), "wb") as handle:
        write_po(handle, vi, width=100, omit_header=False)
    with open(_path("en"), "rb") as handle:
        en = read_po(handle, locale="en")
    missing = [
        m.id
        for m in en
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    for message_id in missing:
        print(f"en: untranslated: {message_id!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
