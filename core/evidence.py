"""Photos and places as evidence of a report, and the review a report may need.

Channels hand photos to the engine as bytes (``handlers.messages.Photo``); an imaging adapter
(``bot/photos.py``, Pillow) checks, downscales and reads them into a ``PreparedPhoto``; the
store keeps each one once (by content hash) and links it to reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

__all__ = [
    "ATTACH_WINDOW",
    "MAX_PHOTOS_PER_REPORT",
    "MAX_PHOTO_BYTES",
    "MAX_PHOTO_SIDE",
    "AttachResult",
    "Location",
    "PhotoIntake",
    "PhotoPreparer",
    "PhotoProblem",
    "PhotoRejected",
    "PreparedPhoto",
    "Review",
    "ReviewInfo",
    "StoredPhoto",
    "gps_degrees",
]

# A photo sent within this time after a report is evidence of that report.
ATTACH_WINDOW = timedelta(minutes=10)
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # as sent: larger ones are refused before any decoding
MAX_PHOTO_SIDE = 1600  # pixels of the longer side, as stored
MAX_PHOTOS_PER_REPORT = 5


class PhotoProblem(StrEnum):
    """Why a photo was not kept (the channel's or the engine's finding)."""

    TOO_LARGE = "too_large"
    UNSUPPORTED = "unsupported"  # not an image, or a format the bot cannot read
    DOWNLOAD_FAILED = "download_failed"


class PhotoRejected(Exception):
    def __init__(self, problem: PhotoProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class Review(StrEnum):
    """Where a report that needs approval stands (None: it needs none)."""

    AWAITING = "awaiting"
    APPROVED = "approved"
    REJECTED = "rejected"  # out of the totals until corrected


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float

    def valid(self) -> bool:
        return -90 <= self.latitude <= 90 and -180 <= self.longitude <= 180


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    """A photo as the store keeps it: downscaled JPEG, keyed by the hash of what was sent."""

    sha256: str  # of the bytes as received: the same photo sent twice is kept once
    content: bytes
    mime: str
    width: int
    height: int
    location: Location | None = None  # from EXIF, where the file kept it


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    id: int
    report_id: int
    content: bytes
    mime: str
    added_at: datetime  # UTC


@dataclass(frozen=True, slots=True)
class AttachResult:
    """What attaching photos to reports did."""

    added: int  # new links of a photo to a report
    known: int  # links that existed already (the same photo sent again)
    over_limit: int  # photos not linked: the report has MAX_PHOTOS_PER_REPORT already
    counts: dict[int, int]  # each report's number of photos now
    storage_full: bool = False  # nothing stored: the photos would exceed the total cap


@dataclass(frozen=True, slots=True)
class ReviewInfo:
    """The review of one report: its state, since when it waits, and the last decision."""

    review: Review
    since: datetime | None  # UTC: when it (last) started waiting
    reviewer_id: int | None = None
    reviewed_at: datetime | None = None
    reason: str | None = None


class PhotoPreparer(Protocol):
    def __call__(self, content: bytes) -> PreparedPhoto:
        """Check and downscale one photo; raises PhotoRejected. Slow: call it off the loop."""
        ...


@dataclass(frozen=True, slots=True)
class PhotoIntake:
    """How the engine takes photos: the imaging adapter and the limits of the deployment."""

    prepare: PhotoPreparer
    max_bytes: int = MAX_PHOTO_BYTES
    per_report: int = MAX_PHOTOS_PER_REPORT
    total_cap: int | None = None  # bytes all stored photos may take; None: no cap


def gps_degrees(parts: Sequence[float], ref: str) -> float | None:
    """Decimal degrees from EXIF's (degrees, minutes, seconds) and its N/S/E/W reference."""
    if len(parts) != 3:
        return None
    degrees, minutes, seconds = (float(p) for p in parts)
    value = degrees + minutes / 60 + seconds / 3600
    if ref.strip().upper() in ("S", "W"):
        value = -value
    return round(value, 6)
