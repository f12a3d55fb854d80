"""Photos of reports (kept once by content hash), albums, and a report's location."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime

from core.evidence import AttachResult, Location, PreparedPhoto, StoredPhoto
from storage.sql import Connection, Database, Row, record_event

__all__ = ["SqlEvidenceStore"]

_PAGE = 50  # photos read at a time by ``each``


def _photo(row: Row) -> StoredPhoto:
    return StoredPhoto(
        id=row["id"],
        report_id=row["report_id"],
        content=bytes(row["content"]),
        mime=row["mime"],
        added_at=datetime.fromisoformat(row["added_at"]),
    )


_SELECT = (
    "SELECT p.id, l.report_id, p.content, p.mime, l.added_at"
    " FROM report_photos l JOIN photos p ON p.id = l.photo_id"
)


async def _photo_id(conn: Connection, photo: PreparedPhoto, at: datetime) -> int:
    """The id of a photo by its hash, inserting it the first time."""
    location = photo.location
    await conn.execute(
        "INSERT INTO photos (sha256, mime, width, height, size, content, latitude, longitude,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
        (
            photo.sha256,
            photo.mime,
            photo.width,
            photo.height,
            len(photo.content),
            photo.content,
            location.latitude if location else None,
            location.longitude if location else None,
            at.isoformat(),
        ),
    )
    rows = await conn.fetchall("SELECT id FROM photos WHERE sha256 = ?", (photo.sha256,))
    return int(next(iter(rows))[0])


class SqlEvidenceStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def attach(
        self,
        report_ids: Sequence[int],
        photos: Sequence[PreparedPhoto],
        *,
        actor_id: int | None,
        at: datetime,
        per_report: int,
        total_cap: int | None = None,
    ) -> AttachResult:
        """Link photos to reports, all in one transaction; a photo already stored is reused.

        A report keeps at most ``per_report`` photos; with ``total_cap`` (bytes), nothing is
        stored when the new photos would take the photos' total size beyond it.
        """
        added = known = over = 0
        async with self._db.transaction() as conn:
            if total_cap is not None:
                hashes = sorted({p.sha256 for p in photos})
                marks = ", ".join("?" * len(hashes))
                stored = await conn.fetchall(
                    f"SELECT sha256 FROM photos WHERE sha256 IN ({marks})", hashes
                )
                known_hashes = {r[0] for r in stored}
                used = await conn.fetchall("SELECT COALESCE(SUM(size), 0) FROM photos")
                new = sum(
                    len(p.content)
                    for p in {p.sha256: p for p in photos}.values()
                    if p.sha256 not in known_hashes
                )
                if new and int(next(iter(used))[0]) + new > total_cap:
                    counts = await self._counts(conn, report_ids)
                    return AttachResult(0, 0, len(photos), counts, storage_full=True)
            for photo in photos:
                photo_id = await _photo_id(conn, photo, at)
                for report_id in report_ids:
                    linked = await conn.fetchall(
                        "SELECT COUNT(*), SUM(CASE WHEN photo_id = ? THEN 1 ELSE 0 END)"
                        " FROM report_photos WHERE report_id = ?",
                        (photo_id, report_id),
                    )
                    count, present = next(iter(linked))
                    if present:
                        known += 1
                        continue
                    if count >= per_report:
                        over += 1
                        continue
                    await conn.execute(
                        "INSERT INTO report_photos (report_id, photo_id, added_by, added_at)"
                        " VALUES (?, ?, ?, ?)",
                        (report_id, photo_id, actor_id, at.isoformat()),
                    )
                    await record_event(
                        conn,
                        entity="report",
                        entity_id=report_id,
                        action="photo_added",
                        actor_id=actor_id,
                        at=at,
                        after={"photo": photo_id, "sha256": photo.sha256},
                    )
                    added += 1
            counts = await self._counts(conn, report_ids)
        return AttachResult(added, known, over, counts)

    @staticmethod
    async def _counts(conn: Connection | Database, report_ids: Collection[int]) -> dict[int, int]:
        ids = sorted(set(report_ids))
        counts = dict.fromkeys(ids, 0)
        if ids:
            rows = await conn.fetchall(
                "SELECT report_id, COUNT(*) FROM report_photos"
                f" WHERE report_id IN ({', '.join('?' * len(ids))}) GROUP BY report_id",
                ids,
            )
            counts.update({int(r[0]): int(r[1]) for r in rows})
        return counts

    async def counts(self, report_ids: Collection[int]) -> dict[int, int]:
        """Each report's number of photos (0 for none)."""
        return await self._counts(self._db, report_ids)

    async def photos(self, report_id: int) -> list[StoredPhoto]:
        """A report's photos, in the order they were added."""
        rows = await self._db.fetchall(
            _SELECT + " WHERE l.report_id = ? ORDER BY l.added_at, p.id", (report_id,)
        )
        return [_photo(r) for r in rows]

    async def each(self) -> AsyncIterator[StoredPhoto]:
        """Every report's photos, by report, a page at a time (for exports)."""
        after = (0, 0)
        while True:
            rows = await self._db.fetchall(
                _SELECT + " WHERE (l.report_id, l.photo_id) > (?, ?)"
                " ORDER BY l.report_id, l.photo_id LIMIT ?",
                (*after, _PAGE),
            )
            for row in rows:
                yield _photo(row)
            if len(rows) < _PAGE:
                return
            after = (rows[-1]["report_id"], rows[-1]["id"])

    async def latest_reports(self, reporter_id: int, since: datetime) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id, source FROM reports WHERE reporter_id = ? AND received_at >= ?"
            " AND status = 'active' ORDER BY received_at DESC, id DESC LIMIT 50",
            (reporter_id, since.isoformat()),
        )
        if not rows:
            return []
        source = rows[0]["source"]
        if source is None:
            return [rows[0]["id"]]
        return sorted(r["id"] for r in rows if r["source"] == source)

    async def total_size(self) -> int:
        row = await self._db.fetchone("SELECT COALESCE(SUM(size), 0) FROM photos")
        return int(row[0]) if row else 0

    async def set_location(
        self,
        report_ids: Collection[int],
        location: Location,
        *,
        source: str,
        actor_id: int | None,
        at: datetime,
        replace: bool,
    ) -> int:
        """Give reports a location (``replace``: also those that have one); returns how many."""
        changed = 0
        async with self._db.transaction() as conn:
            for report_id in sorted(set(report_ids)):
                updated = await conn.execute(
                    "UPDATE reports SET latitude = ?, longitude = ?, location_source = ?"
                    " WHERE id = ?" + ("" if replace else " AND latitude IS NULL"),
                    (location.latitude, location.longitude, source, report_id),
                )
                if updated:
                    changed += 1
                    await record_event(
                        conn,
                        entity="report",
                        entity_id=report_id,
                        action="located",
                        actor_id=actor_id,
                        at=at,
                        after={"lat": location.latitude, "lon": location.longitude, "by": source},
                    )
        return changed

    async def locations(self, report_ids: Collection[int]) -> dict[int, Location]:
        ids = sorted(set(report_ids))
        if not ids:
            return {}
        rows = await self._db.fetchall(
            "SELECT id, latitude, longitude FROM reports"
            f" WHERE latitude IS NOT NULL AND id IN ({', '.join('?' * len(ids))})",
            ids,
        )
        return {r["id"]: Location(r["latitude"], r["longitude"]) for r in rows}

    async def group(self, key: str, report_ids: Sequence[int], at: datetime) -> list[int]:
        """The reports of an album: the first photo of it sets them, later ones read them."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO photo_groups (key, report_ids, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                (key, json.dumps(list(report_ids)), at.isoformat()),
            )
            rows = await conn.fetchall("SELECT report_ids FROM photo_groups WHERE key = ?", (key,))
        return [int(i) for i in json.loads(next(iter(rows))[0])]

    async def known_group(self, key: str) -> list[int] | None:
        row = await self._db.fetchone("SELECT report_ids FROM photo_groups WHERE key = ?", (key,))
        return None if row is None else [int(i) for i in json.loads(row[0])]
