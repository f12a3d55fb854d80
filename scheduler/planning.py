"""What each person should be told this week: pure functions of the facts, no I/O.

Cadres get one reminder listing their village's unfinished tasks (overdue ones flagged) and, if
they have sent nothing for a week, a gentle nudge. Leaders get a digest of their area: what was
done in the past seven days per indicator, which villages reported and which did not, and the
overdue tasks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from core.indicators import IndicatorSet
from core.models import Person, Role
from core.outbox import OutboxMessage
from core.tasks import TaskProgress, iso_period
from core.units import VILLAGE, Unit, UnitDirectory
from handlers.tasks import task_line
from handlers.views.labels import count_label, indicator_name, unit_label
from locales.translator import Translator

__all__ = [
    "DIGEST",
    "MAX_NAMES",
    "REMINDER",
    "SILENCE",
    "WeekFacts",
    "digest_window",
    "plan_week",
]

REMINDER = "reminder"
DIGEST = "digest"
SILENCE = timedelta(days=7)  # a cadre silent this long is nudged
MAX_NAMES = 30  # villages or tasks listed in a digest before "and N more"


def digest_window(today: date) -> tuple[date, date]:
    """The seven days before ``today``: a Monday digest covers Monday to Sunday past."""
    return today - timedelta(days=7), today - timedelta(days=1)


@dataclass(frozen=True)
class WeekFacts:
    """Everything planning needs, loaded once from storage."""

    now: datetime  # UTC, the moment of planning
    tz: ZoneInfo
    people: Sequence[Person]
    units: UnitDirectory
    indicators: IndicatorSet
    tasks: Sequence[TaskProgress]  # open tasks with what is done toward each
    last_report_at: Mapping[int, datetime]  # person id → latest report received (UTC)
    done_in_window: Mapping[tuple[str, str], int]  # (village, indicator) → done in the window
    reporting_villages: frozenset[str]  # villages that reported during the window
    # village → (reports awaiting approval, since when the oldest waits, UTC)
    awaiting: Mapping[str, tuple[int, datetime]] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def period(self) -> str:
        return iso_period(self.today)

    @cached_property
    def tasks_by_village(self) -> dict[str, list[TaskProgress]]:
        grouped: dict[str, list[TaskProgress]] = {}
        for progress in self.tasks:
            grouped.setdefault(progress.task.village, []).append(progress)
        return grouped


def plan_week(
    facts: WeekFacts, translators: Mapping[str, Translator], default_locale: str
) -> list[OutboxMessage]:
    """The messages of this period, at most one per person and kind, in roster order."""
    messages = []
    cadre_villages = {
        v.code
        for p in facts.people
        if p.role == Role.CADRE
        for v in facts.units.villages_in(p.scope)
    }
    for person in facts.people:
        t = translators.get(person.language or default_locale, translators[default_locale])
        scope = facts.units.get(person.scope)
        if scope is None:
            continue
        if person.role == Role.CADRE:
            text = cadre_reminder(facts, t, person, scope)
            kind = REMINDER
        elif person.role == Role.LEADER:
            text = leader_digest(facts, t, scope, cadre_villages)
            kind = DIGEST
        else:
            continue
        if text is not None:
            messages.append(OutboxMessage(person.id, kind, facts.period, text))
    return messages


def _tasks_in(facts: WeekFacts, scope: Unit) -> list[TaskProgress]:
    found = [
        p
        for v in facts.units.villages_in(scope.code)
        for p in facts.tasks_by_village.get(v.code, [])
    ]
    return sorted(found, key=lambda p: (p.task.due_on, p.task.id))


def cadre_reminder(facts: WeekFacts, t: Translator, person: Person, scope: Unit) -> str | None:
    """The weekly message to a cadre, or None when there is nothing to say."""
    today = facts.today
    unfinished = [p for p in _tasks_in(facts, scope) if not p.complete]
    last = facts.last_report_at.get(person.id)
    silent = last is None or facts.now - last >= SILENCE
    if not unfinished and not silent:
        return None
    lines: list[str] = []
    if unfinished:
        lines.append(
            t.gettext("Nhắc việc tuần này cho {unit} ({date}):").format(
                unit=unit_label(t, scope), date=t.long_date(today)
            )
        )
        # A cadre of several villages needs to know which village each task is for.
        named = facts.units if scope.level != VILLAGE else None
        lines += [task_line(t, facts.indicators, p, today, named) for p in unfinished]
    else:
        lines.append(t.gettext("Chào {name}!").format(name=person.name))
    if silent:
        lines.append(
            t.gettext(
                "Đã 7 ngày nay bạn chưa gửi báo cáo nào. Có việc gì đã xong thì nhắn cho bot"
                " nhé, ví dụ: xong 2 nhà"
            )
        )
    if unfinished:
        lines.append(t.gettext("Gõ /nhiemvu để xem lại nhiệm vụ bất cứ lúc nào."))
    return "\n".join(lines)


def _names(t: Translator, units: list[Unit]) -> str:
    names = ", ".join(u.name for u in units[:MAX_NAMES])
    rest = len(units) - MAX_NAMES
    if rest > 0:
        names += t.ngettext(" và {n} thôn khác", " và {n} thôn khác", rest).format(n=t.number(rest))
    return names


def leader_digest(facts: WeekFacts, t: Translator, scope: Unit, cadre_villages: set[str]) -> str:
    """The weekly digest of a leader's area."""
    first, last = digest_window(facts.today)
    villages = facts.units.villages_in(scope.code)
    codes = {v.code for v in villages}
    lines = [
        t.gettext("Tổng hợp tuần {first}–{last} cho {unit}").format(
            first=t.short_date(first), last=t.short_date(last), unit=unit_label(t, scope)
        ),
        t.gettext("Kết quả trong tuần:"),
    ]
    for indicator in facts.indicators:
        done = sum(
            n for (v, i), n in facts.done_in_window.items() if i == indicator.code and v in codes
        )
        lines.append(
            t.gettext("• {what}: {count}").format(
                what=indicator_name(t, indicator), count=count_label(t, indicator, done)
            )
        )
    # Villages without a cadre on the roster cannot report: listing them would only be noise.
    expected = [v for v in villages if v.code in cadre_villages]
    reported = [v for v in expected if v.code in facts.reporting_villages]
    silent = [v for v in expected if v.code not in facts.reporting_villages]
    if not expected:
        lines.append(t.gettext("Địa bàn chưa có cán bộ thôn nào trong danh sách."))
    else:
        lines.append(
            t.gettext("Thôn đã báo cáo ({n}/{total}): {names}").format(
                n=t.number(len(reported)),
                total=t.number(len(expected)),
                names=_names(t, reported) if reported else "—",
            )
        )
        if silent:
            lines.append(
                t.gettext("Thôn chưa báo cáo ({n}): {names}").format(
                    n=t.number(len(silent)), names=_names(t, silent)
                )
            )
    overdue = [p for p in _tasks_in(facts, scope) if p.overdue(facts.today)]
    if overdue:
        lines.append(t.gettext("Nhiệm vụ quá hạn ({n}):").format(n=t.number(len(overdue))))
        lines += [
            task_line(t, facts.indicators, p, facts.today, facts.units) for p in overdue[:MAX_NAMES]
        ]
        if len(overdue) > MAX_NAMES:
            rest = len(overdue) - MAX_NAMES
            lines.append(
                t.ngettext("… và {n} nhiệm vụ khác", "… và {n} nhiệm vụ khác", rest).format(
                    n=t.number(rest)
                )
            )
    else:
        lines.append(t.gettext("Không có nhiệm vụ nào quá hạn."))
    waiting = [facts.awaiting[c] for c in codes if c in facts.awaiting]
    if waiting:
        count = sum(n for n, _ in waiting)
        oldest = min(since for _, since in waiting).astimezone(facts.tz).date()
        lines.append(
            t.ngettext(
                "{n} báo cáo chờ duyệt, lâu nhất từ {date}: gửi /duyet để duyệt.",
                "{n} báo cáo chờ duyệt, lâu nhất từ {date}: gửi /duyet để duyệt.",
                count,
            ).format(n=t.number(count), date=t.short_date(oldest))
        )
    return "\n".join(lines)
