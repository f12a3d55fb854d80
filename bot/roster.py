"""Reading the roster CSV (name, phone, role, unit) into validated entries."""

from __future__ import annotations

from core.models import Role
from core.phones import PhoneError, normalize_phone
from core.ports import RosterEntry
from core.tables import TableError, read_table
from core.units import UnitDirectory, find_units

__all__ = ["parse_roster_csv"]


def parse_roster_csv(text: str, units: UnitDirectory) -> list[RosterEntry]:
    reader = read_table(text)
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    missing = {"name", "phone", "role", "unit"} - columns
    if missing:
        raise TableError([f"missing columns: {', '.join(sorted(missing))}"])
    entries: list[RosterEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        try:
            phone = normalize_phone(row["phone"])
        except PhoneError:
            problems.append(f"line {line}: phone {row['phone']!r} is not a Vietnamese number")
            continue
        if phone in seen:
            problems.append(f"line {line}: phone {row['phone']!r} is listed twice")
            continue
        seen.add(phone)
        try:
            role = Role(row["role"].lower())
        except ValueError:
            problems.append(f"line {line}: role must be admin, leader or cadre")
            continue
        found = find_units(units, row["unit"])
        if len(found) != 1:
            problems.append(f"line {line}: unit {row['unit']!r} is unknown or ambiguous")
            continue
        if not row["name"]:
            problems.append(f"line {line}: name is empty")
            continue
        entries.append((row["name"], phone, role, found[0].code))
    if problems:
        raise TableError(problems)
    return entries
