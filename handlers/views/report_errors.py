"""What a cadre is told when a report is not understood: the problem and a correct example.

Every example here is a message the parser accepts (tests/handlers/test_report_errors.py checks it).
"""

from __future__ import annotations

from datetime import date, timedelta

from core.parsing import ErrorCode, ParseError
from core.text import fold
from core.units import VILLAGE, UnitDirectory
from locales.translator import Translator

__all__ = ["describe_error"]

_MAX_SUGGESTIONS = 3
# Examples are messages to type, in the language the parser reads: never translated.
_HOUSING = "xong 2 nhà"
_GRADUATED = "3 hộ thoát nghèo"
_TRAINING = "đào tạo nghề 12 người"
_HOUSEHOLD = "hộ Giàng Seo Chứ thoát nghèo"
_HOUSING_IN = "thôn {village} xong 2 nhà"


def describe_error(
    t: Translator,
    error: ParseError,
    units: UnitDirectory,
    *,
    today: date | None = None,
    home: str | None = None,
    buttons: bool = False,
) -> str:
    """The reply to a report the parser refused.

    ``home`` is the sender's own village (examples then need no village name); ``buttons``
    says the reply offers the candidates of an ambiguous village as buttons.
    """
    fragment = error.fragment or ""
    own = units.get(home) if home else None
    # Someone without a village of their own must name one in every report.
    lead = "" if own is not None and own.level == VILLAGE else f"thôn {_any_village(units, home)} "
    example = lead + _HOUSING
    examples = {
        "housing": example,
        "graduated": lead + _GRADUATED,
        "training": lead + _TRAINING,
        "household": lead + _HOUSEHOLD,
    }
    if error.code == ErrorCode.EMPTY:
        return t.gettext(
            "Tin nhắn trống, chưa có gì để ghi. Hãy gửi báo cáo, ví dụ: {example}"
        ).format(example=example)
    if error.code == ErrorCode.UNKNOWN_INDICATOR:
        return _quoting(
            fragment,
            t.gettext("Chưa hiểu «{text}» là báo cáo việc gì."),
            t.gettext("Chưa hiểu bạn báo cáo việc gì."),
            t.gettext(
                "Hãy ghi rõ một trong ba việc: nhà ở hoàn thành, hộ thoát nghèo, đào tạo nghề."
                " Ví dụ: {housing}; {graduated}; {training}"
            ).format(**examples),
        )
    if error.code == ErrorCode.NOT_DONE:
        return _quoting(
            fragment,
            t.gettext("«{text}» là việc chưa xong nên chưa được ghi."),
            t.gettext("Tin này chỉ báo việc chưa xong nên chưa được ghi."),
            t.gettext(
                "Bot chỉ ghi những việc đã hoàn thành: khi xong, hãy báo lại, ví dụ: {housing};"
                " {household}; {training}"
            ).format(**examples),
        )
    if error.code == ErrorCode.MISSING_COUNT:
        return _quoting(
            fragment,
            t.gettext("Thiếu số lượng trong «{text}»."),
            t.gettext("Thiếu số lượng."),
            t.gettext(
                "Hãy ghi rõ bao nhiêu, ví dụ: {housing}; {graduated}; hoặc ghi tên hộ: {household}"
            ).format(**examples),
        )
    if error.code == ErrorCode.INVALID_COUNT:
        return t.gettext(
            "Số lượng «{value}» không hợp lệ: mỗi báo cáo ghi từ 1 đến 500."
            " Nếu nhiều hơn, hãy tách thành nhiều tin. Ví dụ: {example}"
        ).format(value=fragment, example=example)
    if error.code == ErrorCode.UNKNOWN_VILLAGE and not fragment:
        return t.gettext(
            "Chưa rõ báo cáo cho thôn nào. Hãy ghi rõ tên thôn, ví dụ: {example}"
        ).format(example=_HOUSING_IN.format(village=_any_village(units, home)))
    if error.code == ErrorCode.UNKNOWN_VILLAGE:
        text = t.gettext("Không tìm thấy thôn «{name}» trong danh sách.").format(name=fragment)
        similar = _similar_villages(units, fragment)
        if similar:
            text += " " + t.gettext("Có phải: {names}?").format(names=", ".join(similar))
        village = similar[0] if similar else _any_village(units, home)
        return (
            text
            + " "
            + t.gettext("Hãy ghi đúng tên thôn, ví dụ: {example}").format(
                example=_HOUSING_IN.format(village=village)
            )
        )
    if error.code == ErrorCode.AMBIGUOUS_VILLAGE:
        names = [units[c].name for c in error.candidates if units.get(c)]
        text = t.gettext("Tên «{name}» khớp với nhiều thôn: {candidates}.").format(
            name=fragment, candidates=", ".join(names)
        )
        example_village = names[0] if names else _any_village(units, home)
        if buttons:
            return (
                text
                + " "
                + t.gettext(
                    "Hãy bấm chọn thôn đúng bên dưới, hoặc gửi lại với tên đầy đủ, ví dụ: {example}"
                ).format(example=_HOUSING_IN.format(village=example_village))
            )
        return (
            text
            + " "
            + t.gettext("Hãy ghi đầy đủ tên thôn, ví dụ: {example}").format(
                example=_HOUSING_IN.format(village=example_village)
            )
        )
    if error.code == ErrorCode.INVALID_DATE:
        rule = t.gettext(
            "Ngày «{value}» không dùng được: ngày phải có thật, không sau hôm nay,"
            " và nếu cách đây quá 180 ngày thì ghi cả năm."
        ).format(value=fragment)
        if today is None:
            return rule + " " + t.gettext("Ví dụ: hôm qua {example}").format(example=example)
        day = today - timedelta(days=1)
        return (
            rule
            + " "
            + t.gettext("Hôm nay là {date}. Ví dụ: ngày {day} {example}; hôm qua {example}").format(
                date=t.short_date(today), day=f"{day.day}/{day.month}", example=example
            )
        )
    return t.gettext("Chưa hiểu báo cáo. Ví dụ: {example}").format(example=example)


def _quoting(fragment: str, quoted: str, plain: str, advice: str) -> str:
    """What was not understood, quoting the sender's words when there are any; then advice."""
    return (quoted.format(text=fragment) if fragment else plain) + " " + advice


def _any_village(units: UnitDirectory, scope: str | None = None) -> str:
    """A village for examples: one of the sender's area when it has any."""
    villages = (units.villages_in(scope) if scope else []) or units.villages
    return min(villages, key=lambda u: units.folded_names(u)[0]).name if villages else "Sà Lủng"


def _similar_villages(units: UnitDirectory, fragment: str) -> list[str]:
    """Villages sharing the most words with what was typed, when few enough to list."""
    words = {w for w in fold(fragment).split() if len(w) > 1}
    if not words:
        return []
    scored: dict[int, list[str]] = {}
    for village in units.villages:
        shared = max(len(words & set(name.split())) for name in units.folded_names(village))
        if shared:
            scored.setdefault(shared, []).append(village.name)
    if not scored:
        return []
    best = sorted(scored[max(scored)], key=fold)
    return best if len(best) <= _MAX_SUGGESTIONS else []
