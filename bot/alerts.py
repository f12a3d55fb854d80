"""Telling the admins directly when the database cannot be written (the disk is full).

The outbox cannot carry this alert: writing it fails too. So the alert is logged at ERROR
and sent through the channels' senders at once, at most once per ``COOLDOWN``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from core.models import Role
from core.outbox import Sender
from core.ports import Store
from locales.translator import Translator

__all__ = ["COOLDOWN", "StorageAlarm"]

logger = logging.getLogger(__name__)

COOLDOWN = timedelta(minutes=30)


class StorageAlarm:
    """Called with each failed write of the database (see storage.database.on_write_error)."""

    def __init__(
        self,
        store: Store,
        senders: Mapping[str, Sender],
        t: Translator,
        *,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.senders = senders
        self.t = t
        self.clock = clock
        self._last: datetime | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self, error: BaseException) -> None:
        # The database's own words ("database or disk is full"): never a person's data.
        logger.error(
            "the database cannot be written (%s: %s); is the disk full? Reports are not"
            " stored until it can be written again, then the bot carries on by itself",
            type(error).__name__,
            error,
        )
        now = self.clock()
        if self._last is not None and now - self._last < COOLDOWN:
            return
        self._last = now
        task = asyncio.get_running_loop().create_task(self._alert(str(error)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Until the alerts under way were sent (for tests and a clean stop)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _alert(self, reason: str) -> None:
        text = self.t.gettext(
            "Cảnh báo: cơ sở dữ liệu của bot không ghi được ({reason}), có thể ổ đĩa đã đầy."
            " Báo cáo gửi đến lúc này chưa được ghi. Hãy giải phóng dung lượng; bot sẽ tự"
            " chạy lại."
        ).format(reason=reason)
        try:
            admins = [p.id for p in await self.store.people.all() if p.role == Role.ADMIN]
            addresses = await self.store.people.addresses(admins)
        except Exception as error:  # reading may fail too: the log line above stays
            logger.error("the admins could not be looked up: %s", type(error).__name__)
            return
        for address in addresses.values():
            sender = self.senders.get(address.channel)
            if sender is None:
                continue
            try:
                await sender.deliver(address.address, text)
            except Exception as error:
                logger.error("an alert to an admin failed: %s", type(error).__name__)
