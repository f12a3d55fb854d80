"""Indicators that cadres report on: data, not code branches."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from core.tables import TableError, read_table
from core.text import fold

__all__ = [
    "DEFAULT_INDICATORS",
    "Indicator",
    "IndicatorSet",
    "find_indicator",
    "parse_indicators_csv",
]


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


_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_YES = {"yes", "y", "co", "1", "true", "x"}
_NO = {"", "no", "n", "khong", "0", "false"}
INDICATOR_COLUMNS = ("code", "name_vi", "name_en", "unit_vi", "unit_en", "keywords", "household")


def parse_indicators_csv(text: str, known: IndicatorSet) -> list[Indicator]:
    """Indicators from a table (code, name_vi, name_en, unit_vi, unit_en, keywords, household,
    and optionally approval: yes/no, kept as it was when left out), or TableError naming
    every bad line.

    Keywords are separated by '|' and compared folded (case and diacritics ignored); one that
    another indicator already has is refused, naming that indicator. A line with a known code
    replaces that indicator. unit_en may give the plural after a '|': 'card|cards'.
    """
    reader = read_table(text)
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    missing = [c for c in INDICATOR_COLUMNS if c not in columns]
    if missing:
        raise TableError([f"missing columns: {', '.join(missing)}"])
    rows = [
        (line, {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k})
        for line, raw in enumerate(reader, start=2)
    ]
    replaced = {row["code"] for _, row in rows}
    # Who owns each folded keyword: the indicators kept, then the file's lines in order.
    owners = {fold(k): i for i in known if i.code not in replaced for k in i.keywords}
    indicators: list[Indicator] = []
    problems: list[str] = []
    codes: set[str] = set()
    for line, row in rows:
        keywords = tuple(dict.fromkeys(k.strip() for k in row["keywords"].split("|") if k.strip()))
        household = fold(row["household"])
        blank = [c for c in INDICATOR_COLUMNS[:6] if not row.get(c)]
        if blank:
            problems.append(f"line {line}: {', '.join(blank)} must not be empty")
            continue
        if not _CODE.match(row["code"]):
            problems.append(
                f"line {line}: code {row['code']!r} must be lower-case letters, digits or _"
            )
            continue
        if row["code"] in codes:
            problems.append(f"line {line}: code {row['code']!r} appears twice")
            continue
        if household not in _YES | _NO:
            problems.append(f"line {line}: household {row['household']!r} is not yes or no")
            continue
        approval = fold(row.get("approval", ""))
        if approval and approval not in _YES | _NO:
            problems.append(f"line {line}: approval {row['approval']!r} is not yes or no")
            continue
        earlier = known.get(row["code"])
        singular, _, plural = row["unit_en"].partition("|")
        indicator = Indicator(
            code=row["code"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            keywords=keywords,
            unit_vi=row["unit_vi"],
            unit_en=singular.strip(),
            unit_en_plural=plural.strip() or singular.strip() + "s",
            per_household=household in _YES,
            needs_approval=approval in _YES
            if approval
            else bool(earlier and earlier.needs_approval),
        )
        codes.add(indicator.code)
        clashes = [(k, owners[fold(k)]) for k in keywords if fold(k) in owners]
        for keyword in keywords:
            owners.setdefault(fold(keyword), indicator)
        if clashes:
            problems.extend(
                f"line {line}: keyword {k!r} is already a keyword of {o.code} ({o.name_vi})"
                for k, o in clashes
            )
            continue
        indicators.append(indicator)
    if problems:
        raise TableError(problems)
    return indicators
