"""How registry households are shown: a line to tell same-named ones apart, the card (/ho),
and the reports naming households that are not on the list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.decisions import DecisionStep
from core.evidence import Review
from core.households import Category, Household
from core.models import ReportStatus, StoredReport
from handlers.context import Context
from handlers.views.labels import count_label, indicator_name
from locales.translator import N_

__all__ = ["CATEGORY_NAMES", "category_name", "household_card", "household_label", "unlisted_lines"]

CATEGORY_NAMES: dict[Category, str] = {
    Category.POOR: N_("hộ nghèo"),
    Category.NEAR_POOR: N_("hộ cận nghèo"),
    Category.MIDDLE: N_("hộ có mức sống trung bình"),
    Category.NONE: N_("không thuộc diện"),
}

# Reports shown on one card at most (the newest); a message has a length limit.
_MAX_REPORTS = 30


def category_name(ctx: Context, category: Category) -> str:
    return ctx._(CATEGORY_NAMES[category])


def household_label(ctx: Context, household: Household, *, village: bool = False) -> str:
    """'Giàng Seo Chứ, sinh 1978, mã SL-001': what tells same-named households apart."""
    parts = [household.name]
    if household.birth_year:
        parts.append(ctx._("sinh {year}").format(year=household.birth_year))
    if household.code:
        parts.append(ctx._("mã {code}").format(code=household.code))
    if not household.birth_year and not household.code and household.members:
        parts.append(
            ctx.t.ngettext("{n} nhân khẩu", "{n} nhân khẩu", household.members).format(
                n=household.members
            )
        )
    if village:
        parts.append(ctx.unit_label(ctx.units[household.village]))
    return ", ".join(parts)


def _decided(ctx: Context, year: int, decision: str) -> str:
    if decision:
        return ctx._("năm {year}, quyết định {decision}").format(year=year, decision=decision)
    return ctx._("năm {year}").format(year=year)


def _step(ctx: Context, step: DecisionStep) -> str:
    """'• năm 2026, quyết định 9/QĐ ngày 15/11/2026: hộ cận nghèo (đã hủy)'."""
    line = _decided(ctx, step.year, step.decision)
    if step.decided_on is not None:
        line += ctx._(" ngày {date}").format(date=ctx.t.short_date(step.decided_on))
    line = f"• {line}: {category_name(ctx, step.category)}"
    return line + ctx._(" (đã hủy)") if step.cancelled else line


def _report_state(ctx: Context, report: StoredReport) -> str:
    if report.status == ReportStatus.CANCELLED:
        return ctx._(" (đã hủy)")
    if report.review == Review.AWAITING:
        return ctx._(" (chờ duyệt)")
    if report.review == Review.REJECTED:
        return ctx._(" (bị từ chối)")
    if report.review == Review.APPROVED:
        return ctx._(" (đã duyệt)")
    return ""


def report_about(ctx: Context, report: StoredReport, reporter: str) -> str:
    """'28/11/2026: hộ thoát nghèo 1 hộ — báo cáo số 12 của Lò Văn Páo, gửi 08:15 28/11/2026'."""
    indicator = ctx.indicators[report.indicator]
    sent = ctx.local(report.received_at)
    return ctx._(
        "{done}: {what} {count} — báo cáo số {id} của {reporter}, gửi lúc {time} ngày {date}"
    ).format(
        done=ctx.t.short_date(report.done_on),
        what=indicator_name(ctx.t, indicator).lower(),
        count=count_label(ctx.t, indicator, report.count),
        id=report.id,
        reporter=reporter,
        time=ctx.t.short_time(sent),
        date=ctx.t.short_date(sent.date()),
    ) + _report_state(ctx, report)


def household_card(
    ctx: Context,
    household: Household,
    history: Sequence[DecisionStep],
    reports: Sequence[StoredReport],
    reporters: Mapping[int, str],
) -> str:
    lines = [ctx._("Hộ {label}").format(label=household_label(ctx, household))]
    facts = [ctx.unit_label(ctx.units[household.village])]
    if household.ethnicity:
        facts.append(ctx._("dân tộc {name}").format(name=household.ethnicity))
    if household.members:
        facts.append(
            ctx.t.ngettext("{n} nhân khẩu", "{n} nhân khẩu", household.members).format(
                n=household.members
            )
        )
    lines.append(" · ".join(facts))
    lines.append(
        ctx._("Phân loại: {category} từ {decided}").format(
            category=category_name(ctx, household.category),
            decided=_decided(ctx, household.year, household.decision),
        )
    )
    if len(history) > 1:
        lines.append(ctx._("Lịch sử phân loại:"))
        lines += [_step(ctx, step) for step in history]
    if not reports:
        lines.append(ctx._("Chưa có báo cáo nào về hộ này."))
        return "\n".join(lines)
    lines.append(ctx._("Báo cáo về hộ này:"))
    shown = reports[-_MAX_REPORTS:]
    if len(reports) > len(shown):
        lines.append(
            ctx.t.ngettext(
                "(và {n} báo cáo cũ hơn)", "(và {n} báo cáo cũ hơn)", len(reports) - len(shown)
            ).format(n=len(reports) - len(shown))
        )
    lines += [f"• {report_about(ctx, r, reporters.get(r.reporter_id, '?'))}" for r in shown]
    return "\n".join(lines)


def unlisted_lines(
    ctx: Context, reports: Sequence[StoredReport], reporters: Mapping[int, str]
) -> list[str]:
    """'thôn Sà Lủng — hộ Sùng Mí Páo: 28/11/2026: hộ thoát nghèo 1 hộ — báo cáo số 12 …'."""
    return [
        "• "
        + ctx._("{village} — hộ {name}: {report}").format(
            village=ctx.unit_label(ctx.units[r.village]),
            name=r.household or "",
            report=report_about(ctx, r, reporters.get(r.reporter_id, "?")),
        )
        for r in reports
    ]
