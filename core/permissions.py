"""Who may do what: one table, read by the router and by the authorization test."""

from __future__ import annotations

from core.models import Person, Role, StoredReport
from core.units import VILLAGE, UnitDirectory

__all__ = [
    "ANYONE",
    "COMMAND_ROLES",
    "REGISTERED",
    "may_change_report",
    "may_report_for",
    "may_run",
    "may_view",
]

ANYONE: frozenset[Role | None] = frozenset({None, Role.CADRE, Role.LEADER, Role.ADMIN})
REGISTERED: frozenset[Role | None] = frozenset({Role.CADRE, Role.LEADER, Role.ADMIN})
_LEADERS: frozenset[Role | None] = frozenset({Role.LEADER, Role.ADMIN})
_ADMINS: frozenset[Role | None] = frozenset({Role.ADMIN})

# Commands are Vietnamese words without diacritics. None stands for an unregistered person.
COMMAND_ROLES: dict[str, frozenset[Role | None]] = {
    "start": ANYONE,
    "huongdan": ANYONE,
    "dangky": ANYONE,
    "ngonngu": ANYONE,
    "report": REGISTERED,  # free text
    "sua": REGISTERED,
    "huy": REGISTERED,
    "nhiemvu": REGISTERED,
    "ho": REGISTERED,  # a registry household's card, within the asker's scope
    "tiendo": _LEADERS,
    "xuat": _LEADERS,
    "quyetdinh": _LEADERS,  # record the commune's decision on a household's category
    "duyet": _LEADERS,  # approve or reject reports (/duyet, /tuchoi, their buttons)
    "giao": _LEADERS,
    "moi": _ADMINS,
    "chitieu": _ADMINS,
}


def may_run(person: Person | None, command: str) -> bool:
    allowed = COMMAND_ROLES.get(command)
    return allowed is not None and (person.role if person else None) in allowed


def may_report_for(person: Person, village: str, units: UnitDirectory) -> bool:
    """Cadres report for the villages of their own scope; leaders and admins for their area."""
    return units.contains(person.scope, village)


def may_change_report(person: Person, report: StoredReport, units: UnitDirectory) -> bool:
    """Who may cancel or correct a report (/huy, /sua, a reply to the confirmation).

    Everyone their own reports. Leaders and admins also the reports of every village in
    their area, since they follow up on cadres' mistakes; a cadre never another's report,
    even in the same village, as the reporter answers for it.
    """
    if report.reporter_id == person.id:
        return True
    return person.role in _LEADERS and units.contains(person.scope, report.village)


def may_view(person: Person, unit: str, units: UnitDirectory) -> bool:
    """A person sees the figures of their scope and of everything inside it."""
    if person.role == Role.ADMIN:
        return True
    scope = units.get(person.scope)
    target = units.get(unit)
    if scope is None or target is None:
        return False
    if scope.code == target.code:
        return True
    if target.level == VILLAGE:
        return units.contains(scope.code, target.code)
    inside = {v.code for v in units.villages_in(target.code)}
    return bool(inside) and inside <= {v.code for v in units.villages_in(scope.code)}
