"""`python -m bot export --photos DIR`: every report's photos as files named by report number."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.evidence_ports import EvidenceStore

__all__ = ["photo_name", "write_photos"]

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def photo_name(report_id: int, index: int, mime: str = "image/jpeg") -> str:
    """'bao-cao-12-1.jpg': the first photo of report 12, as /duyet names it too."""
    return f"bao-cao-{report_id}-{index}.{_EXTENSIONS.get(mime, 'jpg')}"


async def write_photos(evidence: EvidenceStore, folder: Path) -> int:
    """Write the photos into ``folder`` (created if needed); returns how many."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    written = 0
    report, index = 0, 0
    async for photo in evidence.each():
        index = index + 1 if photo.report_id == report else 1
        report = photo.report_id
        path = folder / photo_name(photo.report_id, index, photo.mime)
        await asyncio.to_thread(path.write_bytes, photo.content)
        written += 1
    return written
