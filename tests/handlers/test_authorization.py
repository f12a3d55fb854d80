"""Who may do what: every command × role, as a table, checked in the permission table and
through the engine; and the scope rules (cadres their village, leaders their area)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.evidence import Location
from core.models import Person, Role
from core.permissions import COMMAND_ROLES, may_report_for, may_run, may_view
from core.units import UnitDirectory
from handlers import Engine, Inbound, Reply, build_router
from handlers.context import Context
from handlers.router import Route
from storage import SqliteStore
from tests.conftest import ADMIN, CADRE_SA_LUNG, LEADER, Chat, as_person
from tests.fakes import FakeClock

UNREGISTERED, CADRE, LEADER_, ADMIN_ = None, Role.CADRE, Role.LEADER, Role.ADMIN
ROLES: tuple[Role | None, ...] = (UNREGISTERED, CADRE, LEADER_, ADMIN_)
EVERYONE = frozenset(ROLES)
REGISTERED = frozenset({CADRE, LEADER_, ADMIN_})
LEADERS = frozenset({LEADER_, ADMIN_})
ADMINS = frozenset({ADMIN_})

# The expected answer, written here independently of core/permissions.py. A command
# added there must be added here too, or test_every_command_has_an_expectation fails.
EXPECTED: dict[str, frozenset[Role | None]] = {
    "start": EVERYONE,
    "huongdan": EVERYONE,
    "dangky": EVERYONE,
    "ngonngu": EVERYONE,
    "report": REGISTERED,
    "sua": REGISTERED,
    "huy": REGISTERED,
    "nhiemvu": REGISTERED,
    "ho": REGISTERED,
    "tiendo": LEADERS,
    "xuat": LEADERS,
    "giao": LEADERS,
    "duyet": LEADERS,
    "quyetdinh": LEADERS,
    "moi": ADMINS,
    "chitieu": ADMINS,
}

PHONE_OF = {CADRE: CADRE_SA_LUNG, LEADER_: LEADER, ADMIN_: ADMIN}
DENIED = "Bạn không có quyền dùng lệnh này"
NOT_REGISTERED = "Bạn chưa đăng ký"
REACHED = "handler reached"


def _person(role: Role | None) -> Person | None:
    if role is None:
        return None
    return Person(id=1, name="X", phone="84900000000", role=role, scope="d:meo-vac")


@pytest.mark.parametrize("command", sorted(COMMAND_ROLES))
def test_every_command_has_an_expectation(command: str) -> None:
    assert command in EXPECTED, f"add /{command} to EXPECTED in {__name__}"
    allowed = {role for role in ROLES if may_run(_person(role), command)}
    assert allowed == EXPECTED[command]


def test_no_expectation_for_a_command_that_does_not_exist() -> None:
    assert set(EXPECTED) <= set(COMMAND_ROLES)


def test_an_unknown_permission_is_denied_to_everyone() -> None:
    assert not any(may_run(_person(role), "no-such-command") for role in ROLES)


def _routes() -> list[tuple[str, Route, Inbound]]:
    """Every way into the engine: commands, buttons, free text, a shared contact."""
    router = build_router()

    def inbound(**fields: object) -> Inbound:
        return Inbound(channel="console", sender_id="", received_at=FakeClock()(), **fields)  # type: ignore[arg-type]

    routes = [
        (f"/{name}", route, inbound(text=f"/{name}", message_id="1"))
        for name, route in router.commands.items()
    ]
    routes += [
        (f"button {prefix}:", route, inbound(choice=f"{prefix}:x"))
        for prefix, route in router.choices.items()
    ]
    if router.text is not None:
        routes.append(("free text", router.text, inbound(text="xong 1 nhà", message_id="1")))
    if router.contact is not None:
        contact = inbound(contact_phone="0912000003", contact_is_own=True)
        routes.append(("contact", router.contact, contact))
    if router.media is not None:
        located = inbound(location=Location(23.2, 105.4), message_id="1")
        routes.append(("photo or location", router.media, located))
    return routes


ROUTES = _routes()


@pytest.mark.parametrize(("way", "route", "message"), ROUTES, ids=[r[0] for r in ROUTES])
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "unregistered")
async def test_the_engine_lets_in_exactly_the_expected_roles(
    engine: Engine, way: str, route: Route, message: Inbound, role: Role | None
) -> None:
    assert route.permission in COMMAND_ROLES, f"{way} checks an unknown permission"
    assert route.permission in EXPECTED, f"add {route.permission!r} to EXPECTED"

    async def reached(ctx: Context) -> list[Reply]:
        return [Reply(REACHED)]

    # The real routing and permission check; only the handler is replaced, so that the test
    # sees whether it was reached without any of its effects.
    engine.router = build_router()
    for table in (engine.router.commands, engine.router.choices):
        for key, found in table.items():
            table[key] = Route(reached, found.permission)
    if engine.router.text is not None:
        engine.router.text = Route(reached, engine.router.text.permission)
    if engine.router.contact is not None:
        engine.router.contact = Route(reached, engine.router.contact.permission)
    if engine.router.media is not None:
        engine.router.media = Route(reached, engine.router.media.permission)

    sender = "stranger"
    if role is not None:
        await as_person(engine, PHONE_OF[role])
        sender = PHONE_OF[role]
    replies = await engine.handle(replace(message, sender_id=sender))
    texts = " ".join(r.text for r in replies)
    if role in EXPECTED[route.permission]:
        assert texts == REACHED
    elif role is None:
        assert NOT_REGISTERED in texts
    else:
        assert DENIED in texts


# --- scope: which villages a person reports for and which figures they see ---


def test_a_cadre_reports_only_for_their_own_village(units: UnitDirectory) -> None:
    cadre = Person(1, "A", "84912000003", Role.CADRE, "v:sa-lung")
    assert may_report_for(cadre, "v:sa-lung", units)
    assert not may_report_for(cadre, "v:xa-phin", units)


def test_a_commune_leader_reports_and_sees_only_inside_the_commune(units: UnitDirectory) -> None:
    leader = Person(2, "B", "84912000005", Role.LEADER, "n:son-vi")
    assert may_report_for(leader, "v:xa-phin", units)  # in Sơn Vĩ
    assert not may_report_for(leader, "v:sa-lung", units)  # in Mèo Vạc commune
    assert may_view(leader, "n:son-vi", units)
    assert may_view(leader, "v:xa-phin", units)
    assert not may_view(leader, "v:sa-lung", units)
    assert not may_view(leader, "n:meo-vac", units)
    assert not may_view(leader, "d:meo-vac", units)  # the whole district is more than theirs


def test_an_admin_sees_everything(units: UnitDirectory) -> None:
    admin = Person(3, "C", "84912000001", Role.ADMIN, "v:sa-lung")
    assert all(may_view(admin, unit.code, units) for unit in units)


async def test_a_leaders_progress_counts_only_their_area(
    engine: Engine, store: SqliteStore, clock: FakeClock
) -> None:
    await store.people.upsert_roster(
        [("Lãnh đạo xã Sơn Vĩ", "84912000005", Role.LEADER, "n:son-vi")], actor_id=None, at=clock()
    )
    commune_leader = await as_person(engine, "0912000005")
    sa_lung = await as_person(engine, CADRE_SA_LUNG)
    xa_phin = await as_person(engine, "0912000004")
    await sa_lung.say("xong 40 nhà")
    await xa_phin.say("xong 3 nhà")
    progress = await commune_leader.say("/tiendo")
    assert "xã Sơn Vĩ" in progress
    assert "Tiến độ xã Sơn Vĩ" in progress
    assert "Nhà ở hoàn thành: 3 nhà" in progress  # Xà Phìn's 3, not Sà Lủng's 40
    outside = await commune_leader.say("thôn Sà Lủng xong 1 nhà")
    assert "không thuộc địa bàn" in outside


async def test_admin_commands_change_nothing_for_others(
    engine: Engine, leader: Chat, cadre: Chat, store: SqliteStore
) -> None:
    targets, events = await store.targets.all(), await store.audit.events()
    for chat in (leader, cadre):
        assert DENIED in await chat.say("/chitieu nhà 1 huyện Mèo Vạc")
        assert DENIED in await chat.say("/moi 0912000004")
    assert await store.targets.all() == targets
    assert await store.audit.events() == events
