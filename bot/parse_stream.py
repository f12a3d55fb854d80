"""`python -m bot parse`: report messages as JSON Lines in, the parser's reading out.

Each input line is an object with ``text``, ``village`` (the sender's own village, by
canonical name) and ``today`` (YYYY-MM-DD; other keys are ignored). Each output line is
the corpus' ``expect`` shape (tests/data/corpus_README.md), with a Vietnamese ``message``
on errors. Every input line gives exactly one output line, in order, whatever it holds:
a line that is not such an object gets ``{"ok": false, "error": "invalid_input", ...}``.

Bytes in and out are UTF-8 whatever the locale says. Look-up tables are built once, so
the cost per line is the parse itself plus JSON.
"""

from __future__ import annotations

import gettext
import json
from datetime import date
from typing import Any, BinaryIO

from core.indicators import DEFAULT_INDICATORS, IndicatorSet
from core.parser import ReportParser
from core.parsing import NO_HOME_VILLAGE, ErrorCode, ParseError
from core.text import fold
from core.units import VILLAGE, UnitDirectory
from handlers.views.report_errors import describe_error
from locales.translator import CatalogError, Translator, load_translators

__all__ = ["INVALID_INPUT", "ParseStream", "vietnamese"]

INVALID_INPUT = "invalid_input"
_CHUNK = 1 << 16
# Made once: json.dumps with options builds a new encoder on every call.
_encode = json.JSONEncoder(ensure_ascii=False).encode
_BOM = b"\xef\xbb\xbf"


def vietnamese() -> Translator:
    """The Vietnamese translator; its msgids are Vietnamese, so without compiled catalogs
    the untranslated strings are already the right text."""
    try:
        return load_translators()["vi"]
    except CatalogError:
        return Translator("vi", gettext.NullTranslations())


class ParseStream:
    def __init__(
        self,
        units: UnitDirectory,
        t: Translator,
        indicators: IndicatorSet = DEFAULT_INDICATORS,
    ) -> None:
        self.units = units
        self.t = t
        self.parser = ReportParser(units, indicators)
        self._villages: dict[str, str] = {}
        for unit in units.of_level(VILLAGE):
            for folded in units.folded_names(unit):
                self._villages.setdefault(folded, unit.code)
        for unit in units.of_level(VILLAGE):
            self._villages[unit.name] = unit.code  # canonical names win over aliases

    def run(self, source: BinaryIO, out: BinaryIO) -> int:
        """Answer every line of ``source``; returns how many lines were answered.

        Input is read in chunks of whatever has arrived, and the answers to a chunk are
        flushed together: fast on a file, and a program feeding one line at a time still
        gets each answer at once.
        """
        read = getattr(source, "read1", source.read)
        rest = b""
        count = 0
        first = True
        while chunk := read(_CHUNK):
            if first:
                first = False
                chunk = chunk.removeprefix(_BOM)
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            if lines:
                out.write(b"".join(map(self.answer_line, lines)))
                out.flush()
                count += len(lines)
        if rest:
            out.write(self.answer_line(rest))  # a last line without its line break
            count += 1
        out.flush()
        return count

    def answer_line(self, line: bytes) -> bytes:
        return (_encode(self.answer(line)) + "\n").encode("utf-8", "replace")

    def answer(self, line: bytes) -> dict[str, Any]:
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            return self._invalid(self.t.gettext("Dòng này không phải JSON hợp lệ."))
        if not isinstance(record, dict):
            return self._invalid(self.t.gettext("Mỗi dòng phải là một đối tượng JSON."))
        text = record.get("text")
        if not isinstance(text, str):
            return self._invalid(self.t.gettext("Thiếu trường «text» (nội dung tin nhắn)."))
        today_text = record.get("today")
        try:
            today = date.fromisoformat(today_text) if isinstance(today_text, str) else None
        except ValueError:
            today = None
        if today is None:
            return self._invalid(
                self.t.gettext("Trường «today» phải là ngày dạng YYYY-MM-DD, ví dụ: 2026-11-26.")
            )
        home = self._home(record.get("village"))
        result = self.parser.parse(text, home_village=home, today=today)
        if not isinstance(result, ParseError) and any(
            item.village == NO_HOME_VILLAGE for item in result.items
        ):
            village = record.get("village")
            result = ParseError(
                ErrorCode.UNKNOWN_VILLAGE, village if isinstance(village, str) else None
            )
        if isinstance(result, ParseError):
            message = describe_error(self.t, result, self.units, today=today, home=home)
            return {"ok": False, "error": result.code, "message": message}
        return {
            "ok": True,
            "items": [
                {
                    "indicator": item.indicator,
                    "count": item.count,
                    "village": self.units[item.village].name,
                    "household": item.household,
                    "date": item.date.isoformat(),
                }
                for item in result.items
            ],
        }

    def _home(self, village: object) -> str:
        if not isinstance(village, str):
            return NO_HOME_VILLAGE
        code = self._villages.get(village)
        if code is None:
            code = self._villages.get(fold(village))
        return code or NO_HOME_VILLAGE

    def _invalid(self, message: str) -> dict[str, Any]:
        return {"ok": False, "error": INVALID_INPUT, "message": message}
