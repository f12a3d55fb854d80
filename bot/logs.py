"""Logging set-up: secrets are masked wherever they would appear."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from typing import TextIO

__all__ = [
    "ExceptionTextFilter",
    "LibraryContentFilter",
    "RedactingFilter",
    "log_handler",
    "setup_logging",
]

# Libraries that may put what they received (raw updates: names, texts, user ids) into the
# arguments of a log record or into an exception's text.
CONTENT_LOGGERS = ("telegram",)


class LibraryContentFilter(logging.Filter):
    """Keeps only the fixed text of these libraries' records: their arguments and exception
    details are replaced by a note and the exception's type. python-telegram-bot logs a
    whole getUpdates answer it could not read (at ERROR and CRITICAL)."""

    def __init__(self, names: Iterable[str] = CONTENT_LOGGERS) -> None:
        super().__init__()
        self.names = tuple(names)

    def filter(self, record: logging.LogRecord) -> bool:
        if not any(record.name == n or record.name.startswith(n + ".") for n in self.names):
            return True
        text = str(record.msg)
        if record.args:
            text += " [details withheld: they may hold message content]"
        if record.exc_info and record.exc_info[0] is not None:
            text += f" ({record.exc_info[0].__name__})"
        record.msg, record.args = text, None
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


WITHHELD = "[text withheld: it may hold personal data]"


def withheld_traceback(error: BaseException) -> str:
    """A traceback with every frame and each exception's type, but not its text: an exception's
    text may quote what a user sent or a database value (asyncpg's 'Key (name)=(...)')."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for link in reversed(chain):
        if parts:
            parts.append("\nwhich led to:\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(link.__traceback__))
        kind = type(link)
        parts.append(f"{kind.__module__}.{kind.__qualname__}: {WITHHELD}\n")
    return "".join(parts).rstrip("\n")


class ExceptionTextFilter(logging.Filter):
    """Logs our own failures with where they happened and what kind they were, without the
    exception's text (see `withheld_traceback`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = withheld_traceback(record.exc_info[1])
        return True


class RedactingFilter(logging.Filter):
    """Replaces every given secret in a record's final text with '***'."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            message = message.replace(secret, "***")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "***")
        record.msg, record.args = message, None
        return True


def log_handler(
    secrets: Iterable[str] = (), level: int = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """The one handler of the process: no secret and, above DEBUG, no message content."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if level > logging.DEBUG:  # debugging shows everything, on a developer's machine
        handler.addFilter(LibraryContentFilter())
        handler.addFilter(ExceptionTextFilter())
    handler.addFilter(RedactingFilter(secrets))
    return handler


def setup_logging(secrets: Iterable[str] = (), level: int = logging.INFO) -> None:
    handler = log_handler(secrets, level)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # python-telegram-bot's INFO lines are noise; its warnings and errors pass the filter above.
    logging.getLogger("telegram").setLevel(level if level <= logging.DEBUG else logging.WARNING)
    # httpx logs every request URL at INFO, and Telegram URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # One line per webhook request is noise; refusals (4xx) still show at WARNING.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    # Warnings would otherwise go to stderr unfiltered.
    logging.captureWarnings(True)
