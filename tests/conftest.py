from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_engine, open_app_store
from bot.demo import seed_demo
from bot.reference import shipped_units
from bot.settings import Settings
from core.units import UnitDirectory
from handlers import Engine, Inbound, Reply
from locales.translator import Translator, load_translators
from storage import SqliteStore
from tests.botprocess import TOKEN, Bots, bot_processes
from tests.fake_bot_api import FakeBotApi
from tests.fakes import FakeClock

DATA = Path(__file__).parent / "data"

ADMIN, LEADER, CADRE_SA_LUNG, CADRE_XA_PHIN = (
    "0912000001",
    "0912000002",
    "0912000003",
    "0912000004",
)


@pytest.fixture(scope="session")
def units() -> UnitDirectory:
    return shipped_units()


@pytest.fixture(scope="session")
def translators() -> dict[str, Translator]:
    return load_translators()


@pytest.fixture
def vi(translators: dict[str, Translator]) -> Translator:
    return translators["vi"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}")  # type: ignore[call-arg]


@pytest.fixture
async def store(tmp_path: Path, clock: FakeClock) -> AsyncIterator[SqliteStore]:
    store = await open_app_store(tmp_path / "bot.sqlite3", now=clock())
    await seed_demo(store, now=clock())
    yield store
    await store.close()


@pytest.fixture
async def engine(
    store: SqliteStore, settings: Settings, translators: dict[str, Translator], clock: FakeClock
) -> Engine:
    return await build_engine(store, settings, translators=translators, clock=clock)


class Chat:
    """Talks to the engine as one roster person on the console channel."""

    def __init__(self, engine: Engine, phone: str) -> None:
        self.engine = engine
        self.phone = phone
        self._ids = 0

    async def send(self, text: str | None = None, **fields: object) -> list[Reply]:
        self._ids += 1
        message = Inbound(
            channel="console",
            sender_id=self.phone,
            received_at=self.engine.clock(),
            text=text,
            message_id=str(fields.pop("message_id", self._ids)),
            **fields,  # type: ignore[arg-type]
        )
        return await self.engine.handle(message)

    async def say(self, text: str) -> str:
        """The text of all replies, joined."""
        return "\n".join(r.text for r in await self.send(text))


async def as_person(engine: Engine, phone: str) -> Chat:
    from core.phones import normalize_phone

    person = await engine.store.people.by_phone(normalize_phone(phone))
    assert person is not None
    await engine.store.people.link(person.id, "console", phone, engine.clock())
    return Chat(engine, phone)


@pytest.fixture
async def cadre(engine: Engine) -> Chat:
    return await as_person(engine, CADRE_SA_LUNG)


@pytest.fixture
async def leader(engine: Engine) -> Chat:
    return await as_person(engine, LEADER)


@pytest.fixture
async def admin(engine: Engine) -> Chat:
    return await as_person(engine, ADMIN)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Telegram Bot API on 127.0.0.1, for the real bot process to talk to."""
    server = FakeBotApi(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bots(tmp_path: Path) -> AsyncIterator[Bots]:
    """Starts real `python -m bot run` processes; kills any left running."""
    async with bot_processes(tmp_path) as processes:
        yield processes
