-- Schema 7: photos as evidence of reports, a report's location, and approval of reports.

-- Each photo once, by the hash of the bytes as sent; stored downscaled (JPEG) in the database
-- itself, so that backups, migrate-db and several processes see them. Kept as long as the
-- reports they belong to (reports are never deleted).
CREATE TABLE photos (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    mime        TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    size        INTEGER NOT NULL,
    content     BLOB NOT NULL,
    latitude    REAL,
    longitude   REAL,
    created_at  TEXT NOT NULL
);

CREATE TABLE report_photos (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    photo_id  INTEGER NOT NULL REFERENCES photos (id),
    added_by  INTEGER REFERENCES people (id),
    added_at  TEXT NOT NULL,
    PRIMARY KEY (report_id, photo_id)
);
CREATE INDEX report_photos_photo ON report_photos (photo_id);

-- Photos sent together (a Telegram album) answer once: the first of them records here which
-- reports the group went to, the others follow it.
CREATE TABLE photo_groups (
    key        TEXT PRIMARY KEY,
    report_ids TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Where the work was done: from a photo's EXIF GPS or a location message after the report.
ALTER TABLE reports ADD COLUMN latitude REAL;
ALTER TABLE reports ADD COLUMN longitude REAL;
ALTER TABLE reports ADD COLUMN location_source TEXT;

-- Approval: NULL when the report's indicator needs none; else 'awaiting', 'approved' or
-- 'rejected' (a rejected report is out of the totals until corrected). review_since: when it
-- started waiting; reviewed_by/at and review_reason: the last decision.
ALTER TABLE reports ADD COLUMN review TEXT;
ALTER TABLE reports ADD COLUMN review_since TEXT;
ALTER TABLE reports ADD COLUMN reviewed_by INTEGER;
ALTER TABLE reports ADD COLUMN reviewed_at TEXT;
ALTER TABLE reports ADD COLUMN review_reason TEXT;
CREATE INDEX reports_review ON reports (review, village) WHERE review IS NOT NULL;
