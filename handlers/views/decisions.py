"""How categories, their movements and the commune's decisions read in replies and files."""

from __future__ import annotations

from core.decisions import DecisionProblem, DecisionStep, Movement
from core.households import Category
from handlers.views.households import CATEGORY_NAMES
from locales.translator import N_, Translator

__all__ = [
    "USAGE",
    "category_label",
    "decision_of",
    "graduation_count",
    "movement_label",
    "problem_text",
    "source_label",
]

USAGE = N_(
    "/quyetdinh TÊN_HỘ PHÂN_LOẠI_MỚI SỐ_QUYẾT_ĐỊNH NGÀY, ví dụ: /quyetdinh Giàng Seo Chứ"
    " thoát nghèo sang cận nghèo 123/QĐ-UBND 15/11/2026"
)


def category_label(t: Translator, category: Category | None) -> str:
    return t.gettext(CATEGORY_NAMES[category]) if category is not None else "—"


def movement_label(t: Translator, movement: Movement) -> str:
    if movement == Movement.LEFT_POVERTY:
        return t.gettext("thoát nghèo")
    if movement == Movement.LEFT_NEAR_POVERTY:
        return t.gettext("thoát cận nghèo")
    if movement == Movement.BECAME_POOR:
        return t.gettext("vào diện nghèo")
    if movement == Movement.BECAME_NEAR_POOR:
        return t.gettext("vào diện cận nghèo")
    if movement == Movement.LISTED:
        return t.gettext("có trong danh sách")
    return t.gettext("đổi phân loại")


def source_label(t: Translator, source: str) -> str:
    return t.gettext("ghi qua tin nhắn") if source == "chat" else t.gettext("nhập danh sách")


def decision_of(t: Translator, step: DecisionStep) -> str:
    """'quyết định 123/QĐ-UBND ngày 15/11/2026' (the year where no date is known)."""
    number = step.decision or "—"
    if step.decided_on is not None:
        return t.gettext("quyết định {number} ngày {date}").format(
            number=number, date=t.short_date(step.decided_on)
        )
    return t.gettext("quyết định {number} năm {year}").format(number=number, year=step.year)


def graduation_count(t: Translator, total: int, decided: int) -> str:
    """'Thoát nghèo: 12 hộ báo cáo, 5 đã có quyết định.'"""
    return t.ngettext(
        "Thoát nghèo: {n} hộ báo cáo, {decided} đã có quyết định.",
        "Thoát nghèo: {n} hộ báo cáo, {decided} đã có quyết định.",
        total,
    ).format(n=t.number(total), decided=t.number(decided))


def problem_text(t: Translator, problem: DecisionProblem) -> str:
    """Why /quyetdinh … was not understood; nothing was recorded."""
    reasons = {
        DecisionProblem.HOUSEHOLD: t.gettext("Chưa ghi tên hoặc mã hộ trước phân loại mới."),
        DecisionProblem.CATEGORY: t.gettext(
            "Chưa ghi phân loại mới: nghèo, cận nghèo, mức sống trung bình hoặc không thuộc"
            " diện (hoặc thoát nghèo, thoát cận nghèo kèm phân loại mới)."
        ),
        DecisionProblem.EXIT_WHERE: t.gettext(
            "Thoát nghèo thì hộ thành hộ cận nghèo, hộ có mức sống trung bình hoặc không thuộc"
            " diện; thoát cận nghèo thì thành hộ có mức sống trung bình hoặc không thuộc diện."
            " Hãy ghi rõ, ví dụ: thoát nghèo sang cận nghèo."
        ),
        DecisionProblem.EXIT_MISMATCH: t.gettext(
            "Phân loại mới không khớp: thoát nghèo thì không còn là hộ nghèo; thoát cận nghèo"
            " thì thành hộ có mức sống trung bình hoặc không thuộc diện."
        ),
        DecisionProblem.NUMBER: t.gettext("Chưa ghi số quyết định, ví dụ 123/QĐ-UBND."),
        DecisionProblem.DATE: t.gettext(
            "Chưa ghi ngày quyết định (ngày/tháng/năm), ví dụ 15/11/2026."
        ),
        DecisionProblem.FUTURE: t.gettext("Ngày quyết định chưa đến; hãy ghi ngày đã ký."),
    }
    return "\n".join(
        [
            reasons[problem] + " " + t.gettext("Chưa ghi gì."),
            t.gettext("Cách ghi: {usage}").format(usage=t.gettext(USAGE)),
        ]
    )
