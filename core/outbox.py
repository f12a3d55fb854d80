"""Messages the bot starts itself (reminders, digests): the outbox they wait in, and senders.

A message is written to the outbox before anything is sent; the key (recipient, kind, period)
makes planning the same week twice a no-op, and the row's status makes sending resumable.
Each row names the channel and the address it goes to, so any channel can carry it: the
address is resolved when the message is planned (one query for the batch) and, for someone
who had no address yet, again when it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

__all__ = [
    "Address",
    "Delivery",
    "DeliveryStatus",
    "OutboxItem",
    "OutboxMessage",
    "OutboxStatus",
    "Sender",
]


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up: too many attempts, or nowhere to send it
    BLOCKED = "blocked"  # the person blocked the bot: never retried


@dataclass(frozen=True, slots=True)
class Address:
    """Where a person is reached: a channel ("telegram", "zalo") and its chat id there."""

    channel: str
    address: str


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A planned message; at most one per (recipient, kind, period)."""

    recipient: int  # person id
    kind: str  # "reminder", "digest"
    period: str  # e.g. "2026-W49"
    text: str
    to: Address | None = None  # None: the person has no channel linked yet


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    recipient: int
    kind: str
    period: str
    text: str
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime  # UTC
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None = None
    to: Address | None = None


class DeliveryStatus(StrEnum):
    OK = "ok"
    BLOCKED = "blocked"  # e.g. Telegram's Forbidden: do not try again
    RETRY = "retry"  # a passing failure (network, flood control): try again later
    UNREACHABLE = "unreachable"  # no address on this channel: retrying will not help
    # The channel cannot send for now (e.g. Zalo's monthly quota is spent): try again after
    # ``retry_after``; not counted as an attempt, so nothing is given up while it lasts.
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class Delivery:
    status: DeliveryStatus
    retry_after: float | None = None  # seconds the channel asked us to wait
    error: str | None = None  # short reason, never the message text

    @classmethod
    def ok(cls) -> Delivery:
        return cls(DeliveryStatus.OK)


class Sender(Protocol):
    """A channel that can deliver a text to an address of its own, unprompted."""

    async def deliver(self, address: str, text: str) -> Delivery: ...
