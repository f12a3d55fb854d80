"""`python -m bot inbox --failed`: the updates that could not be read or answered.

Each is listed by channel, id, when it came and failed, its kind and why; its content (names,
texts) only with --show, for an admin who needs to see it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.app import open_app
from bot.cli.common import db_exists, db_name, settings_of
from bot.settings import Settings
from core.models import FailedUpdate

__all__ = ["cmd_inbox", "update_kind"]

# Update types whose body is a message: their kind names the message's content too.
_MESSAGES = frozenset(
    {"message", "edited_message", "channel_post", "edited_channel_post", "business_message"}
)
# Keys of a message that say where it comes from or how it is shown, not what it holds.
_MESSAGE_FRAME = frozenset(
    {
        "message_id",
        "message_thread_id",
        "date",
        "edit_date",
        "chat",
        "from",
        "sender_chat",
        "sender_boost_count",
        "sender_business_bot",
        "business_connection_id",
        "forward_origin",
        "forward_from",
        "forward_from_chat",
        "forward_from_message_id",
        "forward_signature",
        "forward_sender_name",
        "forward_date",
        "is_topic_message",
        "is_automatic_forward",
        "is_from_offline",
        "reply_to_message",
        "external_reply",
        "quote",
        "reply_to_story",
        "via_bot",
        "has_protected_content",
        "media_group_id",
        "author_signature",
        "entities",
        "caption_entities",
        "caption",
        "link_preview_options",
        "effect_id",
        "show_caption_above_media",
        "has_media_spoiler",
        "reply_markup",
    }
)


def update_kind(payload: str) -> str:
    """What an update is ("message.sticker", "callback_query"), read from its JSON alone."""
    try:
        data = json.loads(payload)
    except ValueError:
        return "not JSON"
    if not isinstance(data, Mapping):
        return "not an object"
    kind = next((key for key in data if key != "update_id"), "empty")
    body = data.get(kind)
    if kind in _MESSAGES and isinstance(body, Mapping):
        content = next((key for key in body if key not in _MESSAGE_FRAME), None)
        return f"{kind}.{content}" if content else kind
    return str(kind)


def _when(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def format_failed(entries: list[FailedUpdate], tz: ZoneInfo, *, show: bool) -> list[str]:
    if not entries:
        return ["No failed updates."]
    lines = []
    for entry in entries:
        lines.append(
            f"{entry.channel} {entry.update_id}  received {_when(entry.received_at, tz)}"
            f"  failed {_when(entry.failed_at, tz)}  {update_kind(entry.payload)}"
            f"  {entry.reason or 'no reason recorded'}"
        )
        if show:
            lines.append(f"  {entry.payload}")
    return lines


async def _failed(settings: Settings) -> list[FailedUpdate]:
    async with open_app(settings) as app:
        return await app.store.inbox.failed()


def cmd_inbox(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    if not args.failed:
        print("Nothing to do: use --failed to list the updates that failed.", file=sys.stderr)
        return 2
    if not db_exists(settings):
        print(f"{db_name(settings)} does not exist", file=sys.stderr)
        return 2
    entries = asyncio.run(_failed(settings))
    for line in format_failed(entries, settings.tz, show=args.show):
        print(line)
    return 0
