"""Registering: share one's own phone contact, or /dangky CODE; admins create codes with /moi."""

from __future__ import annotations

import secrets
from datetime import timedelta

from core.models import Invite, Person
from core.phones import PhoneError, display_phone, normalize_phone
from handlers.context import Context
from handlers.messages import Reply
from handlers.router import Router
from locales.translator import Translator

__all__ = ["INVITE_VALID", "looks_like_invite", "new_invite_code", "registration_prompt", "router"]

router = Router()

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
INVITE_LENGTH = 6
INVITE_VALID = timedelta(days=7)


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def looks_like_invite(text: str) -> bool:
    """A message that is an invite code alone (how people register where there is no phone
    button): 6 characters of the codes' alphabet, in any case."""
    code = text.strip().upper()
    return len(code) == INVITE_LENGTH and all(char in INVITE_ALPHABET for char in code)


def registration_prompt(t: Translator, *, can_share_contact: bool = True) -> Reply:
    if not can_share_contact:
        return Reply(
            t.gettext(
                "Bạn chưa đăng ký. Hãy gửi mã mời mà cán bộ quản trị đã cho bạn, ví dụ:"
                " K7P2QX (hoặc /dangky K7P2QX). Chưa có mã thì hãy xin cán bộ quản trị."
            )
        )
    return Reply(
        t.gettext(
            "Bạn chưa đăng ký. Hãy bấm nút «Chia sẻ số điện thoại» bên dưới,"
            " hoặc gửi /dangky MÃ nếu cán bộ quản trị đã cho bạn mã mời."
        ),
        contact_button=t.gettext("📱 Chia sẻ số điện thoại"),
    )


def _welcome(ctx: Context, person: Person) -> Reply:
    unit = ctx.units.get(person.scope)
    where = ctx.unit_label(unit) if unit else person.scope
    return Reply(
        ctx._(
            "Chào {name}! Bạn đã đăng ký, phụ trách {unit}. Gõ /huongdan để xem cách báo cáo."
        ).format(name=person.name, unit=where)
    )


async def _link(ctx: Context, person: Person) -> list[Reply]:
    await ctx.store.people.link(person.id, ctx.message.channel, ctx.message.sender_id, ctx.now)
    return [_welcome(ctx, person)]


@router.on_contact("start")
async def shared_contact(ctx: Context) -> list[Reply]:
    if ctx.person is not None:
        if ctx.message.contact_is_own:
            return [_welcome(ctx, ctx.person)]
        # Most likely meant for someone else, or a way to invite them.
        return [
            Reply(
                ctx._(
                    "Bạn đã đăng ký rồi; số điện thoại người khác không phải là báo cáo và bot"
                    " không lưu. Để báo cáo, hãy gửi tin chữ, ví dụ: xong 2 nhà. Muốn người"
                    " khác dùng bot, hãy nhờ cán bộ quản trị thêm họ vào danh sách."
                )
            )
        ]
    prompt = registration_prompt(ctx.t, can_share_contact=ctx.message.can_share_contact)
    if not ctx.message.contact_is_own:
        return [
            Reply(
                ctx._("Hãy chia sẻ số điện thoại của chính bạn, không phải của người khác.")
                + " "
                + prompt.text,
                contact_button=prompt.contact_button,
            )
        ]
    try:
        phone = normalize_phone(ctx.message.contact_phone or "")
    except PhoneError:
        # A foreign or mistyped number: it cannot be on the roster.
        return [
            Reply(
                ctx._(
                    "Số điện thoại này không phải số Việt Nam trong danh sách cán bộ. Nếu cán bộ"
                    " quản trị đã cho bạn mã mời, hãy gửi /dangky MÃ; nếu chưa, hãy nhờ họ thêm"
                    " bạn vào danh sách."
                )
            )
        ]
    person = await ctx.store.people.by_phone(phone)
    if person is None:
        return [
            Reply(
                ctx._(
                    "Số {phone} chưa có trong danh sách cán bộ. Hãy nhờ cán bộ quản trị"
                    " thêm bạn vào danh sách rồi thử lại."
                ).format(phone=display_phone(phone))
            )
        ]
    return await _link(ctx, person)


@router.command("dangky")
async def register_with_code(ctx: Context) -> list[Reply]:
    code = ctx.args.strip().upper()
    if not code:
        return [Reply(ctx._("Hãy gửi kèm mã mời, ví dụ: /dangky K7P2QX"))]
    if ctx.person is not None:
        return [_welcome(ctx, ctx.person)]
    invite = await ctx.store.people.take_invite(
        code, ctx.now, linking=(ctx.message.channel, ctx.message.sender_id)
    )
    person = await ctx.store.people.by_phone(invite.phone) if invite else None
    if person is None:
        return [Reply(ctx._("Mã mời không đúng hoặc đã hết hạn. Hãy xin cán bộ quản trị mã mới."))]
    return [_welcome(ctx, person)]


@router.command("moi")
async def create_invite(ctx: Context) -> list[Reply]:
    try:
        phone = normalize_phone(ctx.args)
    except PhoneError:
        return [Reply(ctx._("Hãy gửi số điện thoại của người được mời, ví dụ: /moi 0912 345 678"))]
    person = await ctx.store.people.by_phone(phone)
    if person is None:
        return [
            Reply(
                ctx._(
                    "Số {phone} chưa có trong danh sách. Hãy nhập danh sách cán bộ trước"
                    " (python -m bot import-roster)."
                ).format(phone=display_phone(phone))
            )
        ]
    assert ctx.person is not None
    code = new_invite_code()
    expires = ctx.now + INVITE_VALID
    # A redelivered /moi gets the code made the first time, not a second one.
    invite = await ctx.store.people.add_invite(
        Invite(code=code, phone=phone, created_by=ctx.person.id, expires_at=expires),
        ctx.now,
        source=ctx.source,
    )
    return [
        Reply(
            ctx._(
                "Mã mời cho {name} ({phone}): {code}\nHạn dùng đến {date}."
                " Người đó gửi /dangky {code} cho bot để đăng ký."
            ).format(
                name=person.name,
                phone=display_phone(phone),
                code=invite.code,
                date=ctx.t.short_date(ctx.local(invite.expires_at).date()),
            )
        )
    ]
