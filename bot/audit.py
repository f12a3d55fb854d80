"""`python -m bot audit`: the append-only history of changes, readable by an operator."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from core.models import AuditEvent

__all__ = ["format_event", "format_events"]


def _compact(value: str | None) -> str:
    if value is None:
        return "-"
    try:
        return json.dumps(json.loads(value), ensure_ascii=False, separators=(", ", ": "))
    except ValueError:
        return value


def format_event(event: AuditEvent, names: Mapping[int, str], tz: ZoneInfo) -> str:
    """'2026-11-26 10:00:00  report 12  created  by Cán bộ thôn Sà Lủng (#3)  before … after …'"""
    when = event.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    if event.actor_id is None:
        actor = "system/operator"
    else:
        actor = f"{names.get(event.actor_id, '?')} (#{event.actor_id})"
    line = f"{when}  {event.entity} {event.entity_id}  {event.action}  by {actor}"
    if event.before is not None:
        line += f"  before {_compact(event.before)}"
    if event.after is not None:
        line += f"  after {_compact(event.after)}"
    return line


def format_events(
    events: Iterable[AuditEvent], names: Mapping[int, str], tz: ZoneInfo
) -> list[str]:
    return [format_event(e, names, tz) for e in events]
