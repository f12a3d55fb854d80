"""Plain messages between the engine and any channel (Telegram, console, later Zalo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.evidence import Location, PhotoProblem

__all__ = ["Attachment", "Choice", "Inbound", "Photo", "Reply"]


@dataclass(frozen=True, slots=True)
class Photo:
    """An image the sender attached, as its channel downloaded it.

    A channel hands over the bytes (Telegram photos and images sent as files, Zalo images);
    when it could not, ``problem`` says why and ``content`` is empty. The engine checks,
    downscales and stores it (core.evidence).
    """

    content: bytes = b""
    mime: str | None = None  # as the channel declared it, if it did
    problem: PhotoProblem | None = None


@dataclass(frozen=True, slots=True)
class Inbound:
    channel: str  # "telegram", "console", ...
    sender_id: str  # the sender's id on that channel
    received_at: datetime  # UTC
    text: str | None = None
    message_id: str | None = None  # unique on the channel: used to store a report only once
    # A shared contact: the phone, and whether the contact is the sender's own.
    contact_phone: str | None = None
    contact_is_own: bool = False
    choice: str | None = None  # data of a pressed button
    reply_to_text: str | None = None  # text of the bot message this one replies to
    edited: bool = False
    # False where the messenger has no "share my phone number" button (Zalo): people then
    # register with an invite code only.
    can_share_contact: bool = True
    photos: tuple[Photo, ...] = ()  # with ``text`` as their caption, if any
    album: str | None = None  # photos sent together share it (Telegram's media_group_id)
    location: Location | None = None  # a shared location
    # Forwarded from someone else's message: never the sender's own report or command.
    forwarded: bool = False
    # A command sent in a group chat: the bot works in private chats only.
    group: bool = False


@dataclass(frozen=True, slots=True)
class Choice:
    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    is_image: bool = False
    # What to tell the person when the channel refuses the file all the same (too large).
    refused: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    attachment: Attachment | None = None
    # Label of a "share my phone number" button, where the channel has one.
    contact_button: str | None = None
