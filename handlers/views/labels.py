"""How units and indicators are named in replies."""

from __future__ import annotations

from core.indicators import Indicator
from core.units import COMMUNE, DISTRICT, NEW_COMMUNE, VILLAGE, Unit
from locales.translator import Translator

__all__ = ["count_label", "indicator_name", "unit_label"]


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


def count_label(t: Translator, indicator: Indicator, count: int) -> str:
    """'1.733 nhà' / '1,733 houses'."""
    return f"{t.number(count)} {indicator.unit(t.locale, count)}"
