"""Looking households up for their card (/ho): by name or code, their reports, and the
reports that name a household the village's list does not have."""

from __future__ import annotations

from collections.abc import Collection

from core.households import Category, Household, name_key
from core.models import StoredReport
from storage.report_pages import COLUMNS as REPORT_COLUMNS
from storage.report_pages import report_of
from storage.sql import Database, Row

__all__ = ["HOUSEHOLD_COLUMNS", "HouseholdLookup", "household_of"]

HOUSEHOLD_COLUMNS = (
    "id, village, name, birth_year, ethnicity, members, code, category, year, decision"
)

# A report's household name without spaces, as households.name_key keeps it.
_REPORT_KEY = "replace(r.household_key, ' ', '')"


def household_of(row: Row) -> Household:
    return Household(
        id=int(row["id"]),
        village=row["village"],
        name=row["name"],
        category=Category(row["category"]),
        year=int(row["year"]),
        birth_year=int(row["birth_year"]) or None,
        ethnicity=row["ethnicity"],
        members=row["members"],
        decision=row["decision"],
        code=row["code"] or "",
    )


def _among(column: str, values: Collection[str]) -> tuple[str, tuple[str, ...]]:
    listed = tuple(sorted(set(values)))
    if not listed:
        return "1 = 0", ()
    return f"{column} IN ({', '.join('?' * len(listed))})", listed


class HouseholdLookup:
    """The look-up half of ``SqlHouseholdStore`` (core.household_ports.HouseholdStore)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def find(self, text: str, villages: Collection[str]) -> list[Household]:
        key = name_key(text)
        if not key:
            return []
        among, args = _among("village", villages)
        rows = await self._db.fetchall(
            f"SELECT {HOUSEHOLD_COLUMNS} FROM households WHERE {among}"
            " AND (name_key = ? OR lower(replace(code, ' ', '')) = ?)"
            " ORDER BY village, birth_year, id",
            (*args, key, key),
        )
        return [household_of(r) for r in rows]

    async def get(self, household_id: int) -> Household | None:
        row = await self._db.fetchone(
            f"SELECT {HOUSEHOLD_COLUMNS} FROM households WHERE id = ?", (household_id,)
        )
        return household_of(row) if row else None

    async def reports_of(self, household: Household, *, by_name: bool) -> list[StoredReport]:
        """Every report (cancelled too) naming the household, oldest first; with ``by_name``
        also those of its village that carry its name but no household (stored before the
        household was on the list)."""
        columns = ", ".join(f"r.{c.strip()}" for c in REPORT_COLUMNS.split(","))
        sql = f"SELECT {columns} FROM reports r WHERE r.household_id = ?"
        args: tuple[object, ...] = (household.id,)
        if by_name:
            sql += (
                f" UNION ALL SELECT {columns} FROM reports r WHERE r.village = ?"
                f" AND r.household_id IS NULL AND {_REPORT_KEY} = ?"
            )
            args += (household.village, household.key)
        rows = await self._db.fetchall(f"SELECT * FROM ({sql}) AS found ORDER BY id", args)
        return [report_of(r) for r in rows]

    async def unlisted_reports(self, villages: Collection[str]) -> list[StoredReport]:
        """Active reports of these villages naming a household their village's list (when it
        has one) does not have, by village and time."""
        # Only villages with a list can have names that are not on it.
        among, args = _among("village", villages)
        listed = await self._db.fetchall(
            f"SELECT DISTINCT village FROM households WHERE {among}", args
        )
        among, args = _among("r.village", [row["village"] for row in listed])
        columns = ", ".join(f"r.{c.strip()}" for c in REPORT_COLUMNS.split(","))
        rows = await self._db.fetchall(
            f"SELECT {columns} FROM reports r WHERE {among} AND r.status = 'active'"
            " AND r.household_id IS NULL AND r.household_key IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM households h WHERE h.village = r.village"
            f" AND h.name_key = {_REPORT_KEY}) ORDER BY r.village, r.received_at, r.id",
            args,
        )
        return [report_of(r) for r in rows]
