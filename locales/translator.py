"""Translations and locale-aware formatting (Babel) for user-facing text."""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, get_group_symbol, parse_pattern

from locales import CATALOG_DIR, DOMAIN, LANGUAGES

__all__ = ["N_", "CatalogError", "Translator", "load_translators"]

# Parsed once: babel.numbers.format_percent parses its pattern on every call. A /tiendo of
# 2,000 villages shows hundreds of percentages, mostly the same ones as the last time: each
# translator keeps up to _PERCENTS_KEPT of them (not 0: -0.0 equals 0.0 but shows '-0%').
_PERCENT = parse_pattern("#,##0.##%")
_PERCENTS_KEPT = 10_000
# Every report's confirmation shows a date, mostly today's: each translator keeps them.
_DATES_KEPT = 4_096


class CatalogError(RuntimeError):
    """A message catalog is missing or older than its source: run `make catalogs`."""


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Translator:
    """One language: gettext for words, Babel for numbers and dates."""

    locale: str
    catalog: gettext.NullTranslations
    _babel: Locale = field(init=False, repr=False, compare=False)
    # The thousands separator, when the locale groups whole numbers by three ("1.733"):
    # then whole numbers skip Babel (a /tiendo of 2,000 villages formats hundreds of them).
    _group: str | None = field(init=False, repr=False, compare=False)
    _percents: dict[float, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    _dates: dict[date, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Parsed once: Babel re-parses a locale given as a string on every call.
        babel = Locale.parse(self.locale)
        object.__setattr__(self, "_babel", babel)
        pattern = babel.decimal_formats.get(None)
        by_three = pattern is not None and tuple(pattern.grouping) == (3, 3)
        object.__setattr__(self, "_group", get_group_symbol(babel) if by_three else None)

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def number(self, value: float) -> str:
        if self._group is not None and type(value) is int:
            return f"{value:,}".replace(",", self._group)
        return format_decimal(value, locale=self._babel)

    def percent(self, ratio: float) -> str:
        """0.2999 → '29,99%' in Vietnamese; at most two decimals."""
        text = self._percents.get(ratio) if ratio else None
        if text is None:
            text = _PERCENT.apply(ratio, self._babel)
            if ratio and len(self._percents) < _PERCENTS_KEPT:
                self._percents[ratio] = text
        return text

    def short_date(self, value: date) -> str:
        """'30/11/2026' (a datetime shows its date)."""
        day = value.date() if isinstance(value, datetime) else value
        text = self._dates.get(day)
        if text is None:
            text = format_date(day, "dd/MM/yyyy", locale=self._babel)
            if len(self._dates) < _DATES_KEPT:
                self._dates[day] = text
        return text

    def short_time(self, value: datetime) -> str:
        """'14:05', in the time zone ``value`` carries (convert to local time first)."""
        return format_time(value, "HH:mm", tzinfo=value.tzinfo, locale=self._babel)

    def long_date(self, value: date) -> str:
        """'thứ Hai, 30/11/2026' in Vietnamese; 'Monday, 30/11/2026' in English."""
        weekday = format_date(value, "EEEE", locale=self._babel)
        if self.locale == "vi":
            weekday = weekday[:1].lower() + weekday[1:]
        return f"{weekday}, {self.short_date(value)}"


def _check_compiled(directory: Path, language: str) -> Path:
    po = directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if not mo.exists():
        raise CatalogError(f"{mo} is missing: compile the catalogs (make catalogs)")
    if po.exists() and po.stat().st_mtime > mo.stat().st_mtime + 1:
        raise CatalogError(f"{mo} is older than {po.name}: compile the catalogs (make catalogs)")
    return mo


def load_translators(directory: Path = CATALOG_DIR) -> dict[str, Translator]:
    """Every shipped language; refuses to start on a missing or stale catalog."""
    translators = {}
    for language in LANGUAGES:
        _check_compiled(directory, language)
        catalog = gettext.translation(DOMAIN, localedir=str(directory), languages=[language])
        translators[language] = Translator(language, catalog)
    return translators
