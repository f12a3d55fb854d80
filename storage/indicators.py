"""The indicators cadres report on, as data: the shipped three and those an admin imports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from core.indicators import Indicator, IndicatorSet
from storage.sql import Database, record_event

__all__ = ["SqlIndicatorStore"]

_COLUMNS = (
    "code, name_vi, name_en, unit_vi, unit_en, unit_en_plural, keywords, household, approval,"
    " done_word, under_way"
)


class SqlIndicatorStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self) -> IndicatorSet:
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM indicators ORDER BY position")
        return IndicatorSet.of(
            [
                Indicator(
                    code=r["code"],
                    name_vi=r["name_vi"],
                    name_en=r["name_en"],
                    keywords=tuple(k for k in r["keywords"].split("|") if k),
                    unit_vi=r["unit_vi"],
                    unit_en=r["unit_en"],
                    unit_en_plural=r["unit_en_plural"],
                    per_household=bool(r["household"]),
                    needs_approval=bool(r["approval"]),
                    keyword_is_done=bool(r["done_word"]),
                    under_way_counts=bool(r["under_way"]),
                )
                for r in rows
            ]
        )

    async def set_many(
        self, indicators: Sequence[Indicator], *, actor_id: int | None, at: datetime
    ) -> None:
        """Add indicators (after the others) or replace those of the same code, at once."""
        async with self._db.transaction() as conn:
            await conn.lock("indicators")
            row = await conn.fetchone("SELECT MAX(position) AS last FROM indicators")
            position = (row["last"] if row and row["last"] is not None else -1) + 1
            for indicator in indicators:
                before = await conn.fetchone(
                    f"SELECT {_COLUMNS} FROM indicators WHERE code = ?", (indicator.code,)
                )
                values = (
                    indicator.code,
                    indicator.name_vi,
                    indicator.name_en,
                    indicator.unit_vi,
                    indicator.unit_en,
                    indicator.unit_en_plural,
                    "|".join(indicator.keywords),
                    1 if indicator.per_household else 0,
                    1 if indicator.needs_approval else 0,
                    1 if indicator.keyword_is_done else 0,
                    1 if indicator.under_way_counts else 0,
                )
                await conn.execute(
                    f"INSERT INTO indicators ({_COLUMNS}, position)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET"
                    " name_vi = excluded.name_vi, name_en = excluded.name_en,"
                    " unit_vi = excluded.unit_vi, unit_en = excluded.unit_en,"
                    " unit_en_plural = excluded.unit_en_plural, keywords = excluded.keywords,"
                    " household = excluded.household, approval = excluded.approval,"
                    " done_word = excluded.done_word, under_way = excluded.under_way",
                    (*values, position),
                )
                position += before is None
                await record_event(
                    conn,
                    entity="indicator",
                    entity_id=indicator.code,
                    action="set",
                    actor_id=actor_id,
                    at=at,
                    before=dict(before) if before else None,
                    after=asdict(indicator),
                )
