"""People, their messenger identities and invite codes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from core.models import Invite, Person, Role
from core.outbox import Address
from core.ports import RosterEntry
from storage.sql import Connection, Database, Row, record_event

__all__ = ["SqlPeopleStore"]

_COLUMNS = "id, name, phone, role, scope, language"


def _person(row: Row) -> Person:
    return Person(
        id=row["id"],
        name=row["name"],
        phone=row["phone"],
        role=Role(row["role"]),
        scope=row["scope"],
        language=row["language"],
    )


def _invite(row: Row) -> Invite:
    return Invite(
        code=row["code"],
        phone=row["phone"],
        created_by=row["created_by"],
        expires_at=datetime.fromisoformat(row["expires_at"]),
    )


class SqlPeopleStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Ties of linked_at: the row inserted first (SQLite's rowid; PostgreSQL has none).
        self._order = "i.rowid" if db.dialect == "sqlite" else "i.external_id"

    async def by_identity(self, channel: str, external_id: str) -> Person | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM people WHERE id ="
            " (SELECT person_id FROM identities WHERE channel = ? AND external_id = ?)",
            (channel, external_id),
        )
        return _person(row) if row else None

    async def by_phone(self, phone: str) -> Person | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM people WHERE phone = ?", (phone,))
        return _person(row) if row else None

    async def by_id(self, person_id: int) -> Person | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM people WHERE id = ?", (person_id,))
        return _person(row) if row else None

    async def all(self) -> list[Person]:
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM people ORDER BY id")
        return [_person(r) for r in rows]

    async def upsert_roster(
        self, entries: Sequence[RosterEntry], *, actor_id: int | None, at: datetime
    ) -> int:
        changed = 0
        async with self._db.transaction() as conn:
            await conn.lock("roster")  # two imports at once: one after the other
            for name, phone, role, scope in entries:
                row = await conn.fetchone(
                    f"SELECT {_COLUMNS} FROM people WHERE phone = ?", (phone,)
                )
                after = {"name": name, "phone": phone, "role": role.value, "scope": scope}
                if row is None:
                    new = await conn.fetchone(
                        "INSERT INTO people (name, phone, role, scope) VALUES (?, ?, ?, ?)"
                        " RETURNING id",
                        (name, phone, role.value, scope),
                    )
                    assert new is not None
                    await record_event(
                        conn,
                        entity="person",
                        entity_id=new[0],
                        action="created",
                        actor_id=actor_id,
                        at=at,
                        after=after,
                    )
                    changed += 1
                    continue
                before = {k: row[k] for k in ("name", "phone", "role", "scope")}
                if before == after:
                    continue
                await conn.execute(
                    "UPDATE people SET name = ?, role = ?, scope = ? WHERE id = ?",
                    (name, role.value, scope, row["id"]),
                )
                await record_event(
                    conn,
                    entity="person",
                    entity_id=row["id"],
                    action="updated",
                    actor_id=actor_id,
                    at=at,
                    before=before,
                    after=after,
                )
                changed += 1
        return changed

    async def link(self, person_id: int, channel: str, external_id: str, at: datetime) -> None:
        async with self._db.transaction() as conn:
            await _link(conn, person_id, channel, external_id, at)

    async def addresses(self, person_ids: Collection[int]) -> dict[int, Address]:
        """Where each person is reached: the channel they last wrote from (else the one they
        linked last), and there the most recently linked chat. One query per 500 people."""
        wanted = sorted(set(person_ids))
        found: dict[int, Address] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = await self._db.fetchall(
                "SELECT i.person_id, i.channel, i.external_id FROM identities i"
                " JOIN people p ON p.id = i.person_id"
                f" WHERE i.person_id IN ({marks})"
                " ORDER BY i.person_id,"
                " CASE WHEN i.channel = p.last_channel THEN 1 ELSE 0 END, i.linked_at,"
                f" {self._order}",
                chunk,
            )
            for row in rows:  # the last row of each person is the best address
                found[row["person_id"]] = Address(row["channel"], row["external_id"])
        return found

    async def note_channel(self, person_id: int, channel: str) -> None:
        """Remember the channel a person last wrote from (a write only when it changed)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE people SET last_channel = ? WHERE id = ?"
                " AND (last_channel IS NULL OR last_channel <> ?)",
                (channel, person_id, channel),
            )

    async def linked_count(self, channel: str, prefix: str = "") -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM identities"
            " WHERE channel = ? AND substr(external_id, 1, ?) = ?",
            (channel, len(prefix), prefix),
        )
        return int(row["n"]) if row else 0

    async def identities(self, person_id: int, channel: str) -> list[str]:
        rows = await self._db.fetchall(
            "SELECT external_id FROM identities WHERE person_id = ? AND channel = ?"
            " ORDER BY linked_at",
            (person_id, channel),
        )
        return [r["external_id"] for r in rows]

    async def set_language(
        self, person_id: int, language: str, *, at: datetime | None = None
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.lock(f"person:{person_id}")
            row = await conn.fetchone("SELECT language FROM people WHERE id = ?", (person_id,))
            if row is None or row["language"] == language:
                return  # a redelivered /ngonngu changes nothing and records nothing
            await conn.execute("UPDATE people SET language = ? WHERE id = ?", (language, person_id))
            await record_event(
                conn,
                entity="person",
                entity_id=person_id,
                action="language",
                actor_id=person_id,
                at=at or datetime.now(UTC),
                before={"language": row["language"]},
                after={"language": language},
            )

    async def add_invite(
        self, invite: Invite, at: datetime, *, source: str | None = None
    ) -> Invite:
        async with self._db.transaction() as conn:
            if source is not None:
                await conn.lock(f"invite:{source}")
                row = await conn.fetchone(
                    "SELECT code, phone, created_by, expires_at FROM invites WHERE source = ?",
                    (source,),
                )
                if row is not None:
                    return _invite(row)
            await conn.execute(
                "INSERT INTO invites (code, phone, created_by, created_at, expires_at, source)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    invite.code,
                    invite.phone,
                    invite.created_by,
                    at.isoformat(),
                    invite.expires_at.isoformat(),
                    source,
                ),
            )
            # The code itself stays out of the history: it is a credential until used.
            await record_event(
                conn,
                entity="invite",
                entity_id=invite.phone,
                action="created",
                actor_id=invite.created_by,
                at=at,
                after={"expires_at": invite.expires_at.isoformat()},
            )
        return invite

    async def take_invite(
        self, code: str, at: datetime, *, linking: tuple[str, str] | None = None
    ) -> Invite | None:
        async with self._db.transaction() as conn:
            row = await conn.fetchone(
                "SELECT code, phone, created_by, expires_at FROM invites"
                " WHERE code = ? AND used_at IS NULL",
                (code,),
            )
            if row is None:
                return None
            invite = _invite(row)
            if invite.expires_at <= at:
                return None
            # Only the first of two takes at once (two processes) finds it still unused.
            taken = await conn.execute(
                "UPDATE invites SET used_at = ? WHERE code = ? AND used_at IS NULL",
                (at.isoformat(), code),
            )
            if not taken:
                return None
            await record_event(
                conn,
                entity="invite",
                entity_id=invite.phone,
                action="used",
                actor_id=None,
                at=at,
                before={"expires_at": invite.expires_at.isoformat()},
                after={"used_at": at.isoformat()},
            )
            if linking is not None:
                row = await conn.fetchone("SELECT id FROM people WHERE phone = ?", (invite.phone,))
                if row is not None:
                    await _link(conn, int(row["id"]), *linking, at)
            return invite


async def _link(
    conn: Connection, person_id: int, channel: str, external_id: str, at: datetime
) -> None:
    await conn.lock(f"identity:{channel}:{external_id}")
    row = await conn.fetchone(
        "SELECT person_id FROM identities WHERE channel = ? AND external_id = ?",
        (channel, external_id),
    )
    if row is not None and row["person_id"] == person_id:
        return  # linked already: a redelivered contact or a console restart
    await conn.execute(
        "INSERT INTO identities (channel, external_id, person_id, linked_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (channel, external_id)"
        " DO UPDATE SET person_id = excluded.person_id, linked_at = excluded.linked_at",
        (channel, external_id, person_id, at.isoformat()),
    )
    await record_event(
        conn,
        entity="person",
        entity_id=person_id,
        action="linked",
        actor_id=person_id,
        at=at,
        before={"person_id": row["person_id"]} if row is not None else None,
        after={"channel": channel},
    )
