from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from handlers import Engine
from tests.channels.zalo_harness import ZTOKEN, ZaloHarness
from tests.fake_zalo_api import FakeZaloApi


@pytest.fixture
async def zapi() -> AsyncIterator[FakeZaloApi]:
    """The stand-in Zalo Bot API on 127.0.0.1."""
    server = FakeZaloApi([ZTOKEN])
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def zalo(zapi: FakeZaloApi, engine: Engine, tmp_path: Path) -> AsyncIterator[ZaloHarness]:
    """The Zalo channel on the demo database, talking to the stand-in API."""
    harness = ZaloHarness(zapi, engine, tmp_path)
    yield harness
    await harness.channel.close(5)
