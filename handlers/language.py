"""/ngonngu: each person chooses Vietnamese or English."""

from __future__ import annotations

from dataclasses import replace

from core.text import fold
from handlers.context import Context
from handlers.messages import Choice, Reply
from handlers.router import Router
from locales import LANGUAGES

__all__ = ["router", "set_language"]

router = Router()


@router.command("ngonngu")
async def language(ctx: Context) -> list[Reply]:
    wanted = fold(ctx.args)
    if wanted in LANGUAGES:
        return await set_language(ctx, wanted)
    return [
        Reply(
            ctx._("Chọn ngôn ngữ: /ngonngu vi (Tiếng Việt) hoặc /ngonngu en (English)."),
            choices=(Choice("Tiếng Việt", "lang:vi"), Choice("English", "lang:en")),
        )
    ]


@router.choice("lang", permission="ngonngu")
async def language_chosen(ctx: Context) -> list[Reply]:
    if ctx.args not in LANGUAGES:
        return []
    return await set_language(ctx, ctx.args)


async def set_language(ctx: Context, code: str) -> list[Reply]:
    if ctx.person is None:
        return [Reply(ctx._("Hãy đăng ký trước khi đổi ngôn ngữ."))]
    await ctx.store.people.set_language(ctx.person.id, code, at=ctx.now)
    ctx.person = replace(ctx.person, language=code)
    ctx.t = ctx.translators.get(code, ctx.t)
    # Said in the language just chosen: "switched to <this language>".
    return [Reply(ctx._("Đã chuyển sang tiếng Việt."))]
