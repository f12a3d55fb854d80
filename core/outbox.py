"""Messages the bot starts itself (reminders, digests): the outbox they wait in, and senders.

A message is written to the outbox before anything is sent; the key (recipient, kind, period)
makes planning the same week twice a no-op, and the row's status makes sending resumable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

__all__ = [
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
class OutboxMessage:
    """A planned message; at most one per (recipient, kind, period)."""

    recipient: int  # person id
    kind: str  # "reminder", "digest"
    period: str  # e.g. "2026-W49"
    text: str


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


class DeliveryStatus(StrEnum):
    OK = "ok"
    BLOCKED = "blocked"  # e.g. Telegram's Forbidden: do not try again
    RETRY = "retry"  # a passing failure (network, flood control): try again later
    UNREACHABLE = "unreachable"  # no address on this channel: retrying will not help


@dataclass(frozen=True, slots=True)
class Delivery:
    status: DeliveryStatus
    retry_after: float | None = None  # seconds the channel asked us to wait
    error: str | None = None  # short reason, never the message text

    @classmethod
    def ok(cls) -> Delivery:
        return cls(DeliveryStatus.OK)


class Sender(Protocol):
    """A channel that can deliver a text to a person unprompted."""

    async def deliver(self, person_id: int, text: str) -> Delivery: ...
