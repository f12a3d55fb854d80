"""Maps commands, free text, shared contacts and pressed buttons to handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from handlers.context import Context
from handlers.messages import Reply

__all__ = ["Handler", "Route", "Router"]

Handler = Callable[[Context], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Route:
    handler: Handler
    permission: str  # a key of core.permissions.COMMAND_ROLES


@dataclass
class Router:
    """Each handler module owns one Router; handlers/__init__.py joins them in order."""

    commands: dict[str, Route] = field(default_factory=dict)
    choices: dict[str, Route] = field(default_factory=dict)  # by prefix before ':'
    text: Route | None = None
    contact: Route | None = None
    media: Route | None = None  # photos or a shared location

    def command(self, name: str, permission: str | None = None) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.commands[name] = Route(handler, permission or name)
            return handler

        return register

    def choice(self, prefix: str, permission: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.choices[prefix] = Route(handler, permission)
            return handler

        return register

    def on_text(self, permission: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.text = Route(handler, permission)
            return handler

        return register

    def on_contact(self, permission: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.contact = Route(handler, permission)
            return handler

        return register

    def on_media(self, permission: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.media = Route(handler, permission)
            return handler

        return register

    def include(self, other: Router) -> None:
        clash = (self.commands.keys() & other.commands.keys()) | (
            self.choices.keys() & other.choices.keys()
        )
        if clash:
            raise ValueError(f"registered twice: {sorted(clash)}")
        self.commands.update(other.commands)
        self.choices.update(other.choices)
        self.text = other.text or self.text
        self.contact = other.contact or self.contact
        self.media = other.media or self.media
