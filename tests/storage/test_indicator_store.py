"""The indicators as stored: the shipped ones come back exactly as shipped, on both backends."""

from __future__ import annotations

from core.indicators import DEFAULT_INDICATORS
from storage import SqlStore


async def test_the_shipped_indicators_come_back_as_shipped(store: SqlStore) -> None:
    # Every field counts: a flag lost on the way (e.g. "đang học nghề" counts as an
    # enrolment) would change how cadres' messages are read once the bot restarts.
    loaded = await store.indicators.load()
    assert list(loaded.items) == list(DEFAULT_INDICATORS.items)
