"""The household registry: households, their category history and year-end totals."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from core.household_ports import HouseholdConflict
from core.households import (
    Category,
    CategoryChange,
    Household,
    HouseholdImport,
    HouseholdRecord,
    VillageTotal,
    name_key,
)
from storage.household_lookup import HOUSEHOLD_COLUMNS as _COLUMNS
from storage.household_lookup import HouseholdLookup
from storage.household_lookup import household_of as _household
from storage.sql import Connection, Database, Row, record_event

__all__ = ["SqlHouseholdStore"]


def _facts(record: HouseholdRecord | Household) -> dict[str, Any]:
    return {
        "village": record.village,
        "name": record.name,
        "birth_year": record.birth_year,
        "ethnicity": record.ethnicity,
        "members": record.members,
        "code": record.code,
        "category": str(record.category),
        "year": record.year,
        "decision": record.decision,
    }


def _in(column: str, values: Collection[str] | None) -> tuple[str, tuple[str, ...]]:
    if values is None:
        return "", ()
    listed = tuple(values)
    if not listed:
        return " WHERE 1 = 0", ()
    return f" WHERE {column} IN ({', '.join('?' * len(listed))})", listed


class SqlHouseholdStore(HouseholdLookup):
    def __init__(self, db: Database) -> None:
        super().__init__(db)

    async def import_records(
        self,
        records: Sequence[tuple[int, HouseholdRecord]],
        totals: Sequence[VillageTotal],
        *,
        actor_id: int | None,
        at: datetime,
    ) -> HouseholdImport:
        added = updated = moved = unchanged = kept = 0
        async with self._db.transaction() as conn:
            await conn.lock("households")
            rows = await conn.fetchall(f"SELECT {_COLUMNS}, name_key FROM households")
            by_code = {r["code"]: r for r in rows if r["code"]}
            by_key: dict[tuple[str, str, int], list[Row]] = {}
            for r in rows:
                by_key.setdefault((r["village"], r["name_key"], int(r["birth_year"])), []).append(r)
            plan: list[tuple[HouseholdRecord, Row | None]] = []
            conflicts = []
            for line, record in records:
                key = (record.village, name_key(record.name), record.birth_year or 0)
                match = by_code.get(record.code) if record.code else None
                if match is None:
                    same = [r for r in by_key.get(key, []) if not record.code or not r["code"]]
                    if len(same) > 1:
                        conflicts.append(line)
                        continue
                    match = same[0] if same else None
                plan.append((record, match))
            if conflicts:
                raise HouseholdConflict(conflicts)
            for record, match in plan:
                if match is None:
                    await _add(conn, record, actor_id=actor_id, at=at)
                    added += 1
                    continue
                old = _household(match)
                if record.year < old.year:
                    # An older list (re-imported after a later decision, in chat or by a
                    # newer list) does not move the household back; its other facts count.
                    kept += int(record.category != old.category)
                    record = replace(
                        record, category=old.category, year=old.year, decision=old.decision
                    )
                change = await _update(conn, old, record, actor_id=actor_id, at=at)
                if change is None:
                    unchanged += 1
                else:
                    updated += 1
                    moved += change
            for total in totals:
                await _set_total(conn, total, actor_id=actor_id, at=at)
        return HouseholdImport(added, updated, moved, unchanged, len(totals), kept)

    async def in_villages(self, villages: Collection[str] | None = None) -> list[Household]:
        where, args = _in("village", villages)
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM households{where} ORDER BY village, name_key, id", args
        )
        return [_household(r) for r in rows]

    async def history(self, household_id: int) -> list[CategoryChange]:
        rows = await self._db.fetchall(
            "SELECT household_id, category, year, decision, source, recorded_at"
            " FROM household_categories WHERE household_id = ? ORDER BY year, id",
            (household_id,),
        )
        return [
            CategoryChange(
                household_id=int(r["household_id"]),
                category=Category(r["category"]),
                year=int(r["year"]),
                decision=r["decision"],
                source=r["source"],
                recorded_at=r["recorded_at"],
            )
            for r in rows
        ]

    async def totals(self, villages: Collection[str] | None = None) -> list[VillageTotal]:
        where, args = _in("village", villages)
        rows = await self._db.fetchall(
            f"SELECT village, year, total FROM household_totals{where} ORDER BY village, year",
            args,
        )
        return [VillageTotal(r["village"], int(r["year"]), int(r["total"])) for r in rows]


async def _add(
    conn: Connection, record: HouseholdRecord, *, actor_id: int | None, at: datetime
) -> None:
    row = await conn.fetchone(
        "INSERT INTO households (village, name, name_key, birth_year, ethnicity, members, code,"
        " category, year, decision, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            record.village,
            record.name,
            name_key(record.name),
            record.birth_year or 0,
            record.ethnicity,
            record.members,
            record.code or None,
            str(record.category),
            record.year,
            record.decision,
            at.isoformat(),
            at.isoformat(),
        ),
    )
    assert row is not None
    household_id = int(row[0])
    await _step(conn, household_id, record, at)
    await record_event(
        conn,
        entity="household",
        entity_id=household_id,
        action="created",
        actor_id=actor_id,
        at=at,
        after=_facts(record),
    )


async def _update(
    conn: Connection,
    old: Household,
    record: HouseholdRecord,
    *,
    actor_id: int | None,
    at: datetime,
) -> int | None:
    """Apply a re-imported line; None when nothing changed, else 1 for a category change."""
    new = Household(
        id=old.id,
        village=record.village,
        name=record.name,
        category=record.category,
        year=record.year,
        birth_year=record.birth_year or old.birth_year,
        ethnicity=record.ethnicity or old.ethnicity,
        members=record.members or old.members,
        decision=record.decision,
        code=record.code or old.code,
    )
    if new == old:
        return None
    await conn.execute(
        "UPDATE households SET village = ?, name = ?, name_key = ?, birth_year = ?,"
        " ethnicity = ?, members = ?, code = ?, category = ?, year = ?, decision = ?,"
        " updated_at = ? WHERE id = ?",
        (
            new.village,
            new.name,
            name_key(new.name),
            new.birth_year or 0,
            new.ethnicity,
            new.members,
            new.code or None,
            str(new.category),
            new.year,
            new.decision,
            at.isoformat(),
            old.id,
        ),
    )
    moved = (new.category, new.year) != (old.category, old.year)
    if moved:
        await _step(conn, old.id, record, at)
    await record_event(
        conn,
        entity="household",
        entity_id=old.id,
        action="category" if moved else "updated",
        actor_id=actor_id,
        at=at,
        before=_facts(old),
        after=_facts(new),
    )
    return int(moved and new.category != old.category)


async def _step(conn: Connection, household_id: int, record: HouseholdRecord, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO household_categories (household_id, category, year, decision, source,"
        " recorded_at, decided_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            household_id,
            str(record.category),
            record.year,
            record.decision,
            "import",
            at.isoformat(),
            record.decided_on.isoformat() if record.decided_on else None,
        ),
    )


async def _set_total(
    conn: Connection, total: VillageTotal, *, actor_id: int | None, at: datetime
) -> None:
    row = await conn.fetchone(
        "SELECT total FROM household_totals WHERE village = ? AND year = ?",
        (total.village, total.year),
    )
    if row is not None and int(row["total"]) == total.total:
        return
    if row is None:
        await conn.execute(
            "INSERT INTO household_totals (village, year, total) VALUES (?, ?, ?)",
            (total.village, total.year, total.total),
        )
    else:
        await conn.execute(
            "UPDATE household_totals SET total = ? WHERE village = ? AND year = ?",
            (total.total, total.village, total.year),
        )
    await record_event(
        conn,
        entity="household_total",
        entity_id=f"{total.village}/{total.year}",
        action="set",
        actor_id=actor_id,
        at=at,
        before=None if row is None else int(row["total"]),
        after=total.total,
    )
