"""How units and indicators are named in replies, and the files made of an area."""

from __future__ import annotations

from datetime import date

from core.indicators import Indicator
from core.periods import Period
from core.text import slug
from core.units import COMMUNE, DISTRICT, NEW_COMMUNE, VILLAGE, Unit
from locales.translator import Translator

__all__ = ["area_file_name", "count_label", "indicator_name", "period_label", "unit_label"]


def unit_label(t: Translator, unit: Unit) -> str:
    if unit.level == VILLAGE:
        return t.gettext("thôn {name}").format(name=unit.name)
    if unit.level == NEW_COMMUNE:
        return t.gettext("xã {name}").format(name=unit.name)
    if unit.level == COMMUNE:
        return t.gettext("xã {name} (cũ)").format(name=unit.name)
    if unit.level == DISTRICT:
        return t.gettext("huyện {name}").format(name=unit.name)
    return unit.name


def indicator_name(t: Translator, indicator: Indicator) -> str:
    return indicator.name(t.locale)


def period_label(t: Translator, period: Period) -> str:
    """'giai đoạn 2026–2030' for a period of whole years; else its own name."""
    whole_years = (period.start.month, period.start.day, period.end.month, period.end.day)
    if whole_years == (1, 1, 12, 31):
        return t.gettext("giai đoạn {first}–{last}").format(
            first=period.start.year, last=period.end.year
        )
    return period.name


def count_label(t: Translator, indicator: Indicator, count: int) -> str:
    """'1.733 nhà' / '1,733 houses'."""
    return f"{t.number(count)} {indicator.unit(t.locale, count)}"


def area_file_name(t: Translator, unit: Unit, *, merged: bool, today: date, extension: str) -> str:
    """'tien-do-huyen-meo-vac-2026-11-26.png': the unit's level and the map are in the name,
    so that 'huyện Mèo Vạc' and 'xã Mèo Vạc', or one area by new and by old communes, do not
    overwrite each other in a download folder."""
    old_map = "" if merged else "-truoc-2025"
    return f"tien-do-{slug(unit_label(t, unit))}{old_map}-{today.isoformat()}.{extension}"
