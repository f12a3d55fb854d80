"""Indicators that cadres report on: data, not code branches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from core.text import fold

__all__ = ["DEFAULT_INDICATORS", "Indicator", "IndicatorSet", "find_indicator"]


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    # Phrases that name the indicator in a message, as typed (the parser folds them).
    keywords: tuple[str, ...]
    # The word counted, singular/plural for each language: ("nhà", "house", "houses").
    unit_vi: str
    unit_en: str
    unit_en_plural: str
    # A count of a named household (housing, graduation) can be reported only once.
    per_household: bool = False
    # Reports of it wait for a commune leader's approval (/duyet) and show evidence.
    needs_approval: bool = False
    # The keyword itself says the work is done ("thoát nghèo", "học nghề"): words of work
    # not finished that come after it do not make the item unfinished.
    keyword_is_done: bool = False
    # Work under way counts ("đang học nghề" is an enrolment, "đang xây" is not a house).
    under_way_counts: bool = False

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi

    def unit(self, locale: str, count: int) -> str:
        if locale == "en":
            return self.unit_en if count == 1 else self.unit_en_plural
        return self.unit_vi


@dataclass(frozen=True)
class IndicatorSet:
    items: tuple[Indicator, ...]
    _by_code: dict[str, Indicator] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {i.code: i for i in self.items})

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, code: str) -> Indicator:
        return self._by_code[code]

    def get(self, code: str) -> Indicator | None:
        return self._by_code.get(code)

    @classmethod
    def of(cls, items: Sequence[Indicator]) -> IndicatorSet:
        return cls(tuple(items))


def find_indicator(indicators: IndicatorSet, word: str) -> Indicator | None:
    """An indicator by its code, a keyword or its unit word ('nha', 'thoat ngheo', 'dao tao')."""
    wanted = fold(word)
    for indicator in indicators:
        names = (indicator.code, indicator.unit_vi, indicator.name_vi, *indicator.keywords)
        if any(fold(n) == wanted for n in names):
            return indicator
    return None


DEFAULT_INDICATORS = IndicatorSet.of(
    [
        Indicator(
            code="housing",
            name_vi="Nhà ở hoàn thành",
            name_en="Houses completed",
            keywords=("nhà ở", "nhà"),
            unit_vi="nhà",
            unit_en="house",
            unit_en_plural="houses",
            per_household=True,
            needs_approval=True,
        ),
        Indicator(
            code="graduated",
            name_vi="Hộ thoát nghèo",
            name_en="Households out of poverty",
            keywords=("thoát nghèo",),
            unit_vi="hộ",
            unit_en="household",
            unit_en_plural="households",
            per_household=True,
            keyword_is_done=True,
        ),
        Indicator(
            code="training",
            name_vi="Đào tạo nghề",
            name_en="Vocational training",
            keywords=(
                "ghi danh học nghề",
                "tham gia học nghề",
                "đăng ký học nghề",
                "đào tạo nghề",
                "học nghề",
                "đào tạo",
            ),
            unit_vi="người",
            unit_en="person",
            unit_en_plural="people",
            keyword_is_done=True,
            under_way_counts=True,
        ),
    ]
)
