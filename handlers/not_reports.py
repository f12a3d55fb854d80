"""Messages that look like something else: forwarded messages and commands sent in a group.

Neither is a report or a command of its sender: a forwarded "xong 2 nhà" is someone else's
words, and in a group the bot says only where it works (no data, nothing personal).
"""

from __future__ import annotations

from handlers.context import Context
from handlers.messages import Reply
from handlers.router import Router

__all__ = ["router"]

router = Router()


@router.command("_forwarded", permission="report")
async def forwarded(ctx: Context) -> list[Reply]:
    return [
        Reply(
            ctx._(
                "Đây là tin chuyển tiếp nên bot không ghi thành báo cáo (hay lệnh) của bạn."
                " Nếu việc đó đã xong ở thôn bạn phụ trách, hãy tự gõ báo cáo, ví dụ: xong 2 nhà"
            )
        )
    ]


@router.command("_group", permission="start")
async def group_command(ctx: Context) -> list[Reply]:
    return [
        Reply(
            ctx._(
                "Bot chỉ làm việc trong tin nhắn riêng. Hãy bấm vào tên bot và nhắn riêng"
                " để báo cáo hoặc dùng lệnh."
            )
        )
    ]
