"""Logging set-up: secrets are masked wherever they would appear."""

from __future__ import annotations

import logging
from collections.abc import Iterable

__all__ = ["LibraryContentFilter", "RedactingFilter", "setup_logging"]

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


def setup_logging(secrets: Iterable[str] = (), level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if level > logging.DEBUG:  # debugging shows everything, on a developer's machine
        handler.addFilter(LibraryContentFilter())
    handler.addFilter(RedactingFilter(secrets))
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
