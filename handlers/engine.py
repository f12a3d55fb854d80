"""The conversation engine: one inbound message in, replies out. Knows no messenger."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from core.evidence import PhotoIntake
from core.indicators import IndicatorSet
from core.models import Person
from core.periods import DEFAULT_PERIODS, PeriodSet
from core.permissions import may_run
from core.ports import NotStored, Store
from core.programme import ProgrammeGoal
from core.ratelimit import RateLimiter, Verdict
from core.render import Renderers
from core.text import fold
from core.units import UnitDirectory
from handlers.context import Context
from handlers.messages import Inbound, Reply
from handlers.registration import looks_like_invite, registration_prompt
from handlers.router import Route, Router
from locales.translator import Translator

__all__ = ["LOCAL_CHANNELS", "MAX_TEXT_LENGTH", "Engine"]

logger = logging.getLogger(__name__)

_MAX_ALBUMS = 1000
MAX_TEXT_LENGTH = 2000  # longer messages are refused whole, not cut
# Channels operated on the server itself (the console): no rate limit, nobody to abuse it.
LOCAL_CHANNELS = frozenset({"console"})


def _valid_text(value: str | None) -> str | None:
    """Lone surrogates (from a broken client or decoder) cannot be stored or sent: replace them."""
    if value is None or value.isascii():
        return value
    return value.encode("utf-8", "replace").decode("utf-8")


def _valid_message(message: Inbound) -> Inbound:
    """The message with its texts stored and sent as they are, or made valid."""
    texts = (message.text, message.choice, message.contact_phone, message.reply_to_text)
    valid = tuple(_valid_text(text) for text in texts)
    if texts == valid:
        return message  # nearly always: no copy
    text, choice, contact_phone, reply_to_text = valid
    return replace(
        message, text=text, choice=choice, contact_phone=contact_phone, reply_to_text=reply_to_text
    )


class Engine:
    def __init__(
        self,
        *,
        store: Store,
        units: UnitDirectory,
        indicators: IndicatorSet,
        translators: Mapping[str, Translator],
        default_locale: str,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        router: Router,
        renderers: Renderers,
        programme: Sequence[ProgrammeGoal] = (),
        rate_limiter: RateLimiter | None = None,
        file_limits: Mapping[str, int] | None = None,
        periods: PeriodSet = DEFAULT_PERIODS,
        photos: PhotoIntake | None = None,
    ) -> None:
        self.store = store
        self.units = units
        self.indicators = indicators
        self.translators = translators
        self.default_locale = default_locale
        self.tz = tz
        self.clock = clock
        self.router = router
        self.renderers = renderers
        self.programme = tuple(programme)
        self.rate_limiter = rate_limiter
        # The largest file (bytes) each channel takes; a channel not named takes any.
        self.file_limits = dict(file_limits or {})
        self.periods = periods
        self.photos = photos
        # The channel each person last wrote from, as far as this process has recorded it.
        self._last_channel: dict[int, str] = {}
        # Albums answered once already (videos, files: what the bot cannot read), newest last.
        self._albums: OrderedDict[tuple[str, str, str], None] = OrderedDict()

    def translator(self, person: Person | None) -> Translator:
        language = (person.language if person else None) or self.default_locale
        return self.translators.get(language, self.translators[self.default_locale])

    async def handle(self, message: Inbound) -> list[Reply]:
        """Answer one message. Never raises: a failure becomes a polite apology."""
        t = self.translators[self.default_locale]
        try:
            message = _valid_message(message)
            verdict = self._rate(message)
            if verdict == Verdict.SILENT:
                return []
            person = await self.store.people.by_identity(message.channel, message.sender_id)
            if person is not None:
                await self._note_channel(person, message.channel)
            t = self.translator(person)
            if verdict == Verdict.WARN:
                return [
                    Reply(
                        t.gettext(
                            "Bạn gửi nhiều tin nhắn quá. Các tin gửi thêm trong một phút tới"
                            " sẽ không được xử lý; vui lòng đợi một lát rồi gửi lại."
                        )
                    )
                ]
            # Anyone unregistered learns how to register first, whatever the length.
            if (
                person is not None
                and message.text is not None
                and len(message.text) > MAX_TEXT_LENGTH
            ):
                return [
                    Reply(
                        t.gettext(
                            "Tin nhắn dài quá: mỗi tin tối đa {limit} ký tự, tin này chưa được"
                            " ghi. Hãy gửi báo cáo ngắn gọn, ví dụ: xong 2 nhà"
                        ).format(limit=t.number(MAX_TEXT_LENGTH))
                    )
                ]
            return await self._dispatch(message, person, t)
        except NotStored:
            logger.error("a %s message was not stored: the database cannot write", message.channel)
            return [
                Reply(
                    t.gettext(
                        "Xin lỗi, máy chủ đang không ghi được dữ liệu nên tin nhắn này CHƯA được"
                        " ghi. Vui lòng gửi lại sau ít phút."
                    )
                )
            ]
        except Exception:
            # The message text may hold personal data: log the failure, not the text.
            logger.exception("handling a %s message failed", message.channel)
            return [
                Reply(t.gettext("Xin lỗi, hệ thống đang gặp lỗi. Vui lòng gửi lại sau ít phút."))
            ]

    async def _note_channel(self, person: Person, channel: str) -> None:
        """What the bot sends on its own goes to the channel a person last wrote from."""
        if channel in LOCAL_CHANNELS or self._last_channel.get(person.id) == channel:
            return
        await self.store.people.note_channel(person.id, channel)
        self._last_channel[person.id] = channel

    def _rate(self, message: Inbound) -> Verdict:
        limiter = self.rate_limiter
        if limiter is None or message.channel in LOCAL_CHANNELS:
            return Verdict.ALLOW
        now = self.clock()
        if now - message.received_at >= limiter.window:
            # Sent long ago and delivered only now (the bot was down): a backlog, not a flood.
            return Verdict.ALLOW
        return limiter.check((message.channel, message.sender_id), now)

    async def _dispatch(
        self, message: Inbound, person: Person | None, t: Translator
    ) -> list[Reply]:
        ctx = Context(
            message=message,
            person=person,
            store=self.store,
            units=self.units,
            indicators=self.indicators,
            t=t,
            tz=self.tz,
            now=self.clock(),
            renderers=self.renderers,
            translators=self.translators,
            programme=self.programme,
            max_file_bytes=self.file_limits.get(message.channel),
            periods=self.periods,
            photos=self.photos,
        )
        route = self._route(ctx)
        if route is None or self._album_answered(message, route):
            return []
        if not may_run(person, route.permission):
            if person is None:
                return [registration_prompt(t, can_share_contact=message.can_share_contact)]
            return [
                Reply(
                    t.gettext(
                        "Bạn không có quyền dùng lệnh này. Gõ /huongdan để xem các lệnh của bạn."
                    )
                )
            ]
        return await route.handler(ctx)

    def _album_answered(self, message: Inbound, route: Route) -> bool:
        """Whether this is a later message of an album the bot cannot read and answered once."""
        if message.album is None or route is not self.router.commands.get("_unsupported"):
            return False
        key = (message.channel, message.sender_id, message.album)
        if key in self._albums:
            return True
        self._albums[key] = None
        if len(self._albums) > _MAX_ALBUMS:
            self._albums.popitem(last=False)
        return False

    def _route(self, ctx: Context) -> Route | None:
        message = ctx.message
        if message.group:
            return self.router.commands.get("_group")
        if message.forwarded:
            return self.router.commands.get("_forwarded")
        if message.contact_phone is not None:
            return self.router.contact
        if message.photos or message.location is not None:
            return self.router.media
        if message.choice is not None:
            prefix, _, rest = message.choice.partition(":")
            ctx.args = rest
            return self.router.choices.get(prefix)
        text = (message.text or "").strip()
        if text.startswith("/"):
            word, _, rest = text[1:].partition(" ")
            name = fold(word.split("@", 1)[0])
            ctx.args = rest.strip()
            return self.router.commands.get(name) or self.router.commands.get("_unknown")
        if message.text is None:
            return self.router.commands.get("_unsupported")
        if ctx.person is None and looks_like_invite(text):
            ctx.args = text  # an invite code alone registers, as /dangky CODE does
            return self.router.commands.get("dangky")
        return self.router.text
