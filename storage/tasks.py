"""Tasks of villages, and their progress from the per-day aggregates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from core.tasks import NewTask, Task, TaskProgress, TaskStatus
from storage.sql import Database, Row, record_event

__all__ = ["SqlTaskStore"]

_COLUMNS = "id, village, indicator, target, start_on, due_on, created_by, status"


def _task(row: Row) -> Task:
    return Task(
        id=row["id"],
        village=row["village"],
        indicator=row["indicator"],
        target=row["target"],
        start_on=date.fromisoformat(row["start_on"]),
        due_on=date.fromisoformat(row["due_on"]),
        created_by=row["created_by"],
        status=TaskStatus(row["status"]),
    )


def _facts(task: NewTask | Task) -> dict[str, object]:
    return {
        "village": task.village,
        "indicator": task.indicator,
        "target": task.target,
        "start_on": task.start_on.isoformat(),
        "due_on": task.due_on.isoformat(),
    }


class SqlTaskStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, tasks: Sequence[NewTask], *, actor_id: int | None, at: datetime
    ) -> list[Task]:
        stored: list[Task] = []
        async with self._db.transaction() as conn:
            await conn.lock("tasks")
            for new in tasks:
                row = await conn.fetchone(
                    f"SELECT {_COLUMNS} FROM tasks WHERE village = ? AND indicator = ?"
                    " AND due_on = ? AND status = 'open'",
                    (new.village, new.indicator, new.due_on.isoformat()),
                )
                if row is not None:
                    old = _task(row)
                    if old.target == new.target:
                        stored.append(old)
                        continue
                    # The start stays: reports already counted keep counting.
                    await conn.execute(
                        "UPDATE tasks SET target = ? WHERE id = ?", (new.target, old.id)
                    )
                    task = Task(
                        id=old.id,
                        village=old.village,
                        indicator=old.indicator,
                        target=new.target,
                        start_on=old.start_on,
                        due_on=old.due_on,
                        created_by=old.created_by,
                    )
                    await record_event(
                        conn,
                        entity="task",
                        entity_id=old.id,
                        action="updated",
                        actor_id=actor_id,
                        at=at,
                        before=_facts(old),
                        after=_facts(task),
                    )
                    stored.append(task)
                    continue
                added = await conn.fetchone(
                    "INSERT INTO tasks (village, indicator, target, start_on, due_on, created_by,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        new.village,
                        new.indicator,
                        new.target,
                        new.start_on.isoformat(),
                        new.due_on.isoformat(),
                        actor_id,
                        at.isoformat(),
                    ),
                )
                assert added is not None
                task_id = int(added[0])
                await record_event(
                    conn,
                    entity="task",
                    entity_id=task_id,
                    action="created",
                    actor_id=actor_id,
                    at=at,
                    after=_facts(new),
                )
                stored.append(
                    Task(
                        id=task_id,
                        village=new.village,
                        indicator=new.indicator,
                        target=new.target,
                        start_on=new.start_on,
                        due_on=new.due_on,
                        created_by=actor_id,
                    )
                )
        return stored

    async def open(self, villages: Iterable[str] | None = None) -> list[Task]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM tasks WHERE status = 'open' ORDER BY due_on, id"
        )
        tasks = [_task(r) for r in rows]
        if villages is None:
            return tasks
        wanted = set(villages)
        return [t for t in tasks if t.village in wanted]

    async def progress(self, tasks: Sequence[Task]) -> list[TaskProgress]:
        result = []
        for task in tasks:
            row = await self._db.fetchone(
                "SELECT COALESCE(SUM(total), 0) FROM village_daily"
                " WHERE village = ? AND indicator = ? AND day >= ?",
                (task.village, task.indicator, task.start_on.isoformat()),
            )
            result.append(TaskProgress(task=task, done=int(row[0]) if row else 0))
        return result
