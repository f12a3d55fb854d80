"""Logging set-up: secrets are masked wherever they would appear."""

from __future__ import annotations

import logging
from collections.abc import Iterable

__all__ = ["RedactingFilter", "setup_logging"]


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
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Telegram URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # One line per webhook request is noise; refusals (4xx) still show at WARNING.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    # Warnings would otherwise go to stderr unfiltered.
    logging.captureWarnings(True)
