"""Reading a Telegram update and answering it: what the engine says, back to its chat."""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.error import BadRequest

from bot.channels.telegram.photos import with_media
from bot.channels.telegram.sender import send_replies
from bot.channels.telegram.updates import QuickText, inbound_from_update, quick_text
from core.evidence import MAX_PHOTO_BYTES
from handlers import Engine, Reply

__all__ = ["Received", "answer_update", "merge_replies", "read_update", "replies_to"]

logger = logging.getLogger(__name__)

# An update as read: a plain private text (most reports), or the library's Update.
Received = Update | QuickText


def read_update(payload: object, bot: Bot) -> tuple[Received | None, str | None]:
    """The update of a payload as received, or None and why (never its content)."""
    if not isinstance(payload, dict):
        return None, "unreadable: not an object"
    quick = quick_text(payload)
    if quick is not None:
        return quick, None
    try:
        return Update.de_json(payload, bot), None
    except Exception as exc:  # whatever the library cannot read is one failed update
        return None, f"unreadable: {type(exc).__name__}"


async def replies_to(bot: Bot, engine: Engine, update: Received) -> tuple[int, list[Reply]] | None:
    """What the engine answers to an update, and the chat it goes to (None: nothing to say)."""
    if isinstance(update, QuickText):
        return update.chat_id, await engine.handle(update.inbound)
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except BadRequest:
            # A button of an old message: Telegram no longer takes the answer; act anyway.
            logger.debug("callback query too old to answer")
    inbound = inbound_from_update(update)
    chat = update.effective_chat
    if inbound is None or chat is None:
        return None
    message = update.message or update.edited_message
    if message is not None and update.edited_message is None:
        limit = engine.photos.max_bytes if engine.photos else MAX_PHOTO_BYTES
        inbound = await with_media(bot, message, inbound, max_bytes=limit)
    return chat.id, await engine.handle(inbound)


async def answer_update(bot: Bot, engine: Engine, update: Received) -> None:
    """Answer one update: the engine decides, the replies go back to its chat.

    Raises when the replies could not be sent, so the caller can try again or give up.
    """
    answer = await replies_to(bot, engine, update)
    if answer is not None:
        await send_replies(bot, *answer)


def merge_replies(answers: list[tuple[int, list[Reply]]]) -> list[tuple[int, list[Reply]]]:
    """The replies to one chat's consecutive updates, with runs of plain texts (no buttons,
    no file) joined into one message: a person who sent five reports gets one answer."""
    merged: list[tuple[int, list[Reply]]] = []
    for chat, replies in answers:
        if not merged or merged[-1][0] != chat:
            merged.append((chat, []))
        out = merged[-1][1]
        for reply in replies:
            if out and _plain(out[-1]) and _plain(reply):
                out[-1] = Reply(f"{out[-1].text}\n\n{reply.text}")
            else:
                out.append(reply)
    return merged


def _plain(reply: Reply) -> bool:
    return not (reply.choices or reply.attachment or reply.contact_button) and bool(reply.text)
