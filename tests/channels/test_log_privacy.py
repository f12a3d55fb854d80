"""A failure's log line says where and what kind, never the text a user sent or a stored value."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import log_handler

NAME = "Giàng Seo Chứ"


def _failing_store() -> None:
    try:
        raise KeyError(NAME)
    except KeyError as error:
        detail = f"duplicate key value: Key (name)=({NAME}) already exists"
        raise RuntimeError(detail) from error


def _log_failure(level: int) -> str:
    stream = io.StringIO()
    logger = logging.getLogger("handlers.engine.test")
    logger.addHandler(log_handler(["123:SECRET"], level, stream))
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        try:
            _failing_store()
        except RuntimeError:
            logger.exception("handling a %s message failed", "zalo")
    finally:
        logger.handlers.clear()
    return stream.getvalue()


def test_a_logged_failure_keeps_its_frames_and_kinds_but_not_its_text() -> None:
    text = _log_failure(logging.INFO)
    assert "handling a zalo message failed" in text
    assert NAME not in text
    assert "Seo" not in text
    assert "_failing_store" in text  # where it happened
    assert "builtins.RuntimeError" in text  # what
    assert "builtins.KeyError" in text  # and why


def test_debugging_on_a_developers_machine_shows_everything() -> None:
    assert NAME in _log_failure(logging.DEBUG)


@pytest.mark.parametrize("level", [logging.INFO, logging.DEBUG])
def test_a_token_is_masked_at_every_level(level: int) -> None:
    stream = io.StringIO()
    logger = logging.getLogger("bot.test.token")
    logger.addHandler(log_handler(["123:SECRET"], level, stream))
    logger.propagate = False
    try:
        logger.error("calling /bot%s/getMe failed", "123:SECRET")
    finally:
        logger.handlers.clear()
    assert "123:SECRET" not in stream.getvalue()
    assert "***" in stream.getvalue()
