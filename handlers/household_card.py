"""/ho: a registry household's card, and the reports naming households not on the list.

"/ho Giàng Seo Chứ" (any case, diacritics or spacing) or "/ho SL-001" (the commune's code)
shows the household within the asker's scope: a cadre their own village's households, a
leader those of their area. Nothing outside it is ever named, nor said to exist: a name
found only elsewhere gets the same answer as a name found nowhere. "/ho chuacodanhsach"
lists the reports of the scope whose household the village's list does not have, for the
commune to review.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.households import Household, name_key
from core.models import StoredReport
from handlers.context import Context
from handlers.messages import Choice, Reply
from handlers.router import Router
from handlers.views.households import household_card, household_label, unlisted_lines

__all__ = ["router"]

router = Router()

# "/ho chuacodanhsach", "/ho chưa có danh sách", "/ho chua co trong danh sach".
_UNLISTED_WORDS = frozenset({"chuacodanhsach", "chuacotrongdanhsach", "chuacods"})
# Same-named households offered as buttons at most; more are only counted.
_MAX_CHOICES = 10
# Reports listed by /ho chuacodanhsach at most (the oldest first).
_MAX_UNLISTED = 50


def _scope(ctx: Context) -> list[str]:
    """The villages whose households the asker may see."""
    assert ctx.person is not None
    return [village.code for village in ctx.units.villages_in(ctx.person.scope)]


async def _names(ctx: Context, reports: Iterable[StoredReport]) -> dict[int, str]:
    """The reporters' names, by id."""
    names = {}
    for person_id in {r.reporter_id for r in reports}:
        person = await ctx.store.people.by_id(person_id)
        names[person_id] = person.name if person else "?"
    return names


async def _card(ctx: Context, household: Household) -> list[Reply]:
    households = ctx.store.households
    # Reports stored before the household was listed carry only its name: they are its own
    # unless another household of the village has that name.
    alone = len(await households.find(household.name, [household.village])) == 1
    reports = await households.reports_of(household, by_name=alone)
    history = await ctx.store.decisions.steps(household_id=household.id)
    card = household_card(ctx, household, history, reports, await _names(ctx, reports))
    return [Reply(card)]


def _not_found(ctx: Context, typed: str) -> list[Reply]:
    assert ctx.person is not None
    scope = ctx.units.get(ctx.person.scope)
    area = ctx.unit_label(scope) if scope else ctx.person.scope
    return [
        Reply(
            ctx._(
                "Không tìm thấy hộ «{name}» trong danh sách hộ của {area}. Hãy kiểm tra tên chủ"
                " hộ (hoặc mã hộ) và gửi lại, ví dụ: /ho Giàng Seo Chứ"
            ).format(name=typed, area=area)
        )
    ]


async def _unlisted(ctx: Context) -> list[Reply]:
    reports = await ctx.store.households.unlisted_reports(_scope(ctx))
    if not reports:
        return [Reply(ctx._("Không có báo cáo nào ghi tên hộ chưa có trong danh sách hộ."))]
    shown = reports[:_MAX_UNLISTED]
    lines = [
        ctx.t.ngettext(
            "{n} báo cáo ghi tên hộ chưa có trong danh sách hộ (xã rà soát, bổ sung danh sách"
            " hoặc sửa báo cáo):",
            "{n} báo cáo ghi tên hộ chưa có trong danh sách hộ (xã rà soát, bổ sung danh sách"
            " hoặc sửa báo cáo):",
            len(reports),
        ).format(n=len(reports)),
        *unlisted_lines(ctx, shown, await _names(ctx, shown)),
    ]
    if len(reports) > len(shown):
        lines.append(
            ctx.t.ngettext(
                "… và {n} báo cáo khác.", "… và {n} báo cáo khác.", len(reports) - len(shown)
            ).format(n=len(reports) - len(shown))
        )
    return [Reply("\n".join(lines))]


@router.command("ho")
async def household(ctx: Context) -> list[Reply]:
    typed = " ".join(ctx.args.split())
    if not typed:
        return [
            Reply(
                ctx._(
                    "Gửi /ho TÊN_CHỦ_HỘ hoặc /ho MÃ_HỘ để xem một hộ trong danh sách hộ, ví dụ:"
                    " /ho Giàng Seo Chứ. /ho chuacodanhsach — các báo cáo ghi tên hộ chưa có"
                    " trong danh sách."
                )
            )
        ]
    if name_key(typed) in _UNLISTED_WORDS:
        return await _unlisted(ctx)
    found = await ctx.store.households.find(typed, _scope(ctx))
    if not found:
        return _not_found(ctx, typed)
    if len(found) == 1:
        return await _card(ctx, found[0])
    # The registry's spelling when the name was typed; as typed when it was a code.
    name = found[0].name if found[0].key == name_key(typed) else typed
    lines = [
        ctx.t.ngettext(
            "Có {n} hộ tên «{name}». Bấm chọn hộ cần xem (hoặc gửi /ho MÃ_HỘ):",
            "Có {n} hộ tên «{name}». Bấm chọn hộ cần xem (hoặc gửi /ho MÃ_HỘ):",
            len(found),
        ).format(n=len(found), name=name)
    ]
    # The buttons tell them apart (birth year, code, village); beyond them, only a count.
    if len(found) > _MAX_CHOICES:
        lines.append(
            ctx.t.ngettext(
                "… và {n} hộ khác: hãy gửi /ho MÃ_HỘ.",
                "… và {n} hộ khác: hãy gửi /ho MÃ_HỘ.",
                len(found) - _MAX_CHOICES,
            ).format(n=len(found) - _MAX_CHOICES)
        )
    choices = tuple(
        Choice(household_label(ctx, h, village=True), f"ho:{h.id}") for h in found[:_MAX_CHOICES]
    )
    return [Reply("\n".join(lines), choices=choices)]


@router.choice("ho", permission="ho")
async def household_picked(ctx: Context) -> list[Reply]:
    """A household picked from the list: shown again only if it is in the asker's scope."""
    picked = await ctx.store.households.get(int(ctx.args)) if ctx.args.isdigit() else None
    if picked is None or picked.village not in _scope(ctx):
        return [Reply(ctx._("Không xem được hộ này. Hãy gửi /ho TÊN_CHỦ_HỘ để tìm lại."))]
    return await _card(ctx, picked)
