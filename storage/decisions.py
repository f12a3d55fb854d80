"""The commune's decisions on household categories: steps of the history, and the reports
of graduation they answer."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from core.decisions import GRADUATION, Decision, DecisionStep, ReportedGraduation
from core.households import Category
from storage.report_rows import COUNTED
from storage.sql import Connection, Database, Row, record_event

__all__ = ["SqlDecisionStore"]

_STEP = (
    "SELECT s.id, s.household_id, h.village, s.category, s.year, s.decision, s.decided_on,"
    " s.source, s.recorded_at, s.actor_id, s.cancelled_at"
    " FROM household_categories s JOIN households h ON h.id = s.household_id"
)
_ORDER = " ORDER BY s.household_id, s.year, s.id"


def _in(column: str, values: Collection[str]) -> tuple[str, tuple[str, ...]]:
    listed = tuple(values)
    if not listed:
        return "1 = 0", ()
    return f"{column} IN ({', '.join('?' * len(listed))})", listed


def _steps(rows: list[Row]) -> list[DecisionStep]:
    """Steps with the category each one follows: the previous one that stands."""
    steps: list[DecisionStep] = []
    household, standing = -1, None
    for r in rows:
        if int(r["household_id"]) != household:
            household, standing = int(r["household_id"]), None
        category = Category(r["category"])
        steps.append(
            DecisionStep(
                id=int(r["id"]),
                household_id=household,
                village=r["village"],
                before=standing,
                category=category,
                year=int(r["year"]),
                decision=r["decision"],
                decided_on=date.fromisoformat(r["decided_on"]) if r["decided_on"] else None,
                source=r["source"],
                recorded_at=datetime.fromisoformat(r["recorded_at"]),
                actor_id=r["actor_id"],
                cancelled=r["cancelled_at"] is not None,
            )
        )
        if r["cancelled_at"] is None:
            standing = category
    return steps


def _facts(step: DecisionStep) -> dict[str, Any]:
    return {
        "category": str(step.category),
        "year": step.year,
        "decision": step.decision,
        "decided_on": step.decided_on.isoformat() if step.decided_on else None,
        "step": step.id,
    }


class SqlDecisionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        household_id: int,
        decision: Decision,
        *,
        expected: Category,
        actor_id: int,
        at: datetime,
    ) -> DecisionStep | None:
        async with self._db.transaction() as conn:
            await conn.lock("households")
            current = await conn.fetchone(
                "SELECT category, year, decision FROM households WHERE id = ?", (household_id,)
            )
            if current is None or current["category"] != str(expected):
                return None
            row = await conn.fetchone(
                "INSERT INTO household_categories (household_id, category, year, decision,"
                " source, recorded_at, decided_on, actor_id)"
                " VALUES (?, ?, ?, ?, 'chat', ?, ?, ?) RETURNING id",
                (
                    household_id,
                    str(decision.category),
                    decision.year,
                    decision.number,
                    at.isoformat(),
                    decision.decided_on.isoformat(),
                    actor_id,
                ),
            )
            assert row is not None
            await _set_household(
                conn, household_id, decision.category, decision.year, decision.number, at
            )
            (step,) = [s for s in await _of(conn, household_id) if s.id == int(row[0])]
            await record_event(
                conn,
                entity="household",
                entity_id=household_id,
                action="decided",
                actor_id=actor_id,
                at=at,
                before={k: current[k] for k in ("category", "year", "decision")},
                after=_facts(step),
            )
            return step

    async def cancel(self, step_id: int, *, actor_id: int, at: datetime) -> DecisionStep | None:
        async with self._db.transaction() as conn:
            await conn.lock("households")
            row = await conn.fetchone(
                "SELECT household_id FROM household_categories WHERE id = ?", (step_id,)
            )
            if row is None:
                return None
            household_id = int(row["household_id"])
            standing = [s for s in await _of(conn, household_id) if not s.cancelled]
            if len(standing) < 2 or standing[-1].id != step_id or standing[-1].source != "chat":
                return None
            undone, back = standing[-1], standing[-2]
            await conn.execute(
                "UPDATE household_categories SET cancelled_at = ? WHERE id = ?",
                (at.isoformat(), step_id),
            )
            await _set_household(conn, household_id, back.category, back.year, back.decision, at)
            await record_event(
                conn,
                entity="household",
                entity_id=household_id,
                action="decision_cancelled",
                actor_id=actor_id,
                at=at,
                before=_facts(undone),
                after=_facts(back),
            )
            return back

    async def steps(
        self, villages: Collection[str] | None = None, household_id: int | None = None
    ) -> list[DecisionStep]:
        if household_id is not None:
            rows = await self._db.fetchall(
                f"{_STEP} WHERE s.household_id = ?{_ORDER}", (household_id,)
            )
        elif villages is None:
            rows = await self._db.fetchall(_STEP + _ORDER)
        else:
            where, args = _in("h.village", villages)
            rows = await self._db.fetchall(f"{_STEP} WHERE {where}{_ORDER}", args)
        return _steps(rows)

    async def households_out_of_poverty(
        self, villages: Collection[str], first_year: int, last_year: int
    ) -> int:
        where, args = _in("h.village", villages)
        # The category the step follows: the household's previous step that stands.
        previous = (
            "SELECT p.category FROM household_categories p WHERE p.household_id = s.household_id"
            " AND p.cancelled_at IS NULL AND (p.year < s.year OR (p.year = s.year AND p.id < s.id))"
            " ORDER BY p.year DESC, p.id DESC LIMIT 1"
        )
        row = await self._db.fetchone(
            "SELECT COUNT(DISTINCT s.household_id) AS n FROM household_categories s"
            f" JOIN households h ON h.id = s.household_id WHERE {where}"
            " AND s.cancelled_at IS NULL AND s.category <> 'poor' AND s.year BETWEEN ? AND ?"
            f" AND ({previous}) = 'poor'",
            (*args, first_year, last_year),
        )
        return int(row["n"]) if row is not None else 0

    async def reported_graduations(
        self,
        villages: Collection[str],
        first: date | None = None,
        last: date | None = None,
    ) -> list[ReportedGraduation]:
        where, args = _in("r.village", villages)
        params: list[object] = [GRADUATION, *args]
        if first is not None:
            where += " AND r.done_on >= ?"
            params.append(first.isoformat())
        if last is not None:
            where += " AND r.done_on <= ?"
            params.append(last.isoformat())
        # A report names its registry household by id; one stored before the village had
        # a list, by name. Decided: that household (each of that name) is no longer poor.
        same = (
            "FROM households h WHERE (h.id = r.household_id OR (r.household_id IS NULL"
            " AND h.village = r.village AND h.name_key = REPLACE(r.household_key, ' ', '')))"
        )
        rows = await self._db.fetchall(
            "SELECT r.id, r.village, r.household, r.count, r.done_on, r.reporter_id,"
            f" CASE WHEN EXISTS (SELECT 1 {same}) AND NOT EXISTS"
            f" (SELECT 1 {same} AND h.category = 'poor') THEN 1 ELSE 0 END AS decided,"
            f" CASE WHEN EXISTS (SELECT 1 {same}) THEN 1 ELSE 0 END AS listed"
            f" FROM reports r WHERE r.indicator = ? AND {where}"
            f" AND {COUNTED}"  # only reports have a status and a review
            " ORDER BY r.done_on DESC, r.id DESC",
            params,
        )
        return [
            ReportedGraduation(
                report_id=int(r["id"]),
                village=r["village"],
                household=r["household"],
                count=int(r["count"]),
                done_on=date.fromisoformat(r["done_on"]),
                reporter_id=int(r["reporter_id"]),
                decided=bool(r["decided"]),
                listed=bool(r["listed"]),
            )
            for r in rows
        ]


async def _of(conn: Connection, household_id: int) -> list[DecisionStep]:
    return _steps(await conn.fetchall(f"{_STEP} WHERE s.household_id = ?{_ORDER}", (household_id,)))


async def _set_household(
    conn: Connection, household_id: int, category: Category, year: int, decision: str, at: datetime
) -> None:
    await conn.execute(
        "UPDATE households SET category = ?, year = ?, decision = ?, updated_at = ? WHERE id = ?",
        (str(category), year, decision, at.isoformat(), household_id),
    )
