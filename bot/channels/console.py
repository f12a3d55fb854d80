"""The console channel: stdin lines in, replies on stdout. Same engine, no network."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from core.evidence import Location
from core.models import Person
from core.outbox import Delivery
from core.phones import PhoneError, display_phone, normalize_phone
from handlers import Choice, Engine, Inbound, Photo, Reply

__all__ = ["ConsoleChannel", "ConsoleSender", "format_outgoing"]

CHANNEL = "console"


class ConsoleChannel:
    """A local session as one roster person. ':as PHONE' switches person, ':q' quits,
    ':photo PATH [CAPTION]' sends an image file, ':loc LAT LON' a location.

    Numbered choices stand in for buttons; files are written to ``out_dir``.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        read_line: Callable[[], str],
        output: TextIO,
        out_dir: Path,
    ) -> None:
        self.engine = engine
        self.read_line = read_line
        self.output = output
        self.out_dir = out_dir
        self.person: Person | None = None
        self._choices: list[Choice] = []

    def say(self, text: str) -> None:
        print(text, file=self.output, flush=True)

    async def become(self, phone: str) -> bool:
        try:
            normalized = normalize_phone(phone)
        except PhoneError:
            normalized = ""
        person = await self.engine.store.people.by_phone(normalized) if normalized else None
        if person is None:
            self.say(f"[console] {phone!r}: không có trong danh sách / not in the roster")
            return False
        # The console trusts the operator of this machine: the phone is the identity.
        await self.engine.store.people.link(person.id, CHANNEL, normalized, self.engine.clock())
        self.person = person
        self.say(f"[console] {person.name} ({display_phone(normalized)}, {person.role.value})")
        return True

    async def run(self) -> None:
        while True:
            try:
                line = await asyncio.to_thread(self.read_line)
            except (EOFError, KeyboardInterrupt):
                return
            if line == "":  # end of input
                return
            text = line.rstrip("\n")
            if text.strip() in (":q", ":quit", ":exit"):
                return
            if text.startswith(":as "):
                await self.become(text[4:].strip())
                continue
            if self.person is None:
                self.say("[console] :as PHONE")
                continue
            if text.startswith((":photo ", ":loc ")):
                await self.send_media(text)
                continue
            await self.send(text)

    async def send_media(self, line: str) -> None:
        """':photo PATH [CAPTION]' or ':loc LAT LON', as a cadre's phone would send them."""
        command, _, rest = line.partition(" ")
        if command == ":loc":
            try:
                latitude, longitude = (float(v) for v in rest.replace(",", " ").split())
            except ValueError:
                self.say("[console] :loc LAT LON")
                return
            await self.send(None, location=Location(latitude, longitude))
            return
        path, _, caption = rest.strip().partition(" ")
        try:
            content = await asyncio.to_thread(_read, path)
        except OSError as error:
            self.say(f"[console] {path}: {error.strerror}")
            return
        await self.send(caption.strip() or None, photos=(Photo(content),))

    async def send(
        self, text: str | None, *, photos: tuple[Photo, ...] = (), location: Location | None = None
    ) -> None:
        assert self.person is not None
        choice = None
        number = (text or "").strip()
        # isdecimal, not isdigit: '²' is a digit that int() refuses.
        if (
            not photos
            and number.isdecimal()
            and len(number) <= 3
            and 0 < int(number) <= len(self._choices)
        ):
            choice = self._choices[int(number) - 1].data
        message = Inbound(
            channel=CHANNEL,
            sender_id=self.person.phone,
            received_at=self.engine.clock(),
            text=None if choice else text,
            message_id=None if choice else uuid.uuid4().hex,
            choice=choice,
            photos=photos,
            location=location,
        )
        for reply in await self.engine.handle(message):
            self.show(reply)

    def show(self, reply: Reply) -> None:
        self.say(reply.text)
        self._choices = list(reply.choices)
        for number, choice in enumerate(reply.choices, start=1):
            self.say(f"  {number}. {choice.label}")
        if reply.contact_button:
            self.say(f"  [{reply.contact_button}]")
        if reply.attachment is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            path = self.out_dir / reply.attachment.filename
            path.write_bytes(reply.attachment.content)
            self.say(f"[console] → {path}")


def _read(path: str) -> bytes:
    return Path(path).expanduser().read_bytes()


def format_outgoing(person: Person | None, person_id: int, text: str, kind: str = "") -> str:
    """How a message the bot sends by itself is shown on a terminal: to whom, then the text."""
    who = f"{person.name} ({display_phone(person.phone)})" if person else f"person #{person_id}"
    label = f" · {kind}" if kind else ""
    return f"── to {who}{label}\n{text}"


class ConsoleSender:
    """A ``core.outbox.Sender`` that prints each message (operations, tests)."""

    def __init__(self, output: TextIO) -> None:
        self.output = output
        self.sent: list[tuple[str, str]] = []

    async def deliver(self, address: str, text: str) -> Delivery:
        print(f"── to {address}\n{text}", file=self.output, flush=True)
        self.sent.append((address, text))
        return Delivery.ok()
