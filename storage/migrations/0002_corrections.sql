-- Schema 2: what corrections, duplicate checks and answers by button need.

-- A digest of the message a report came from (folded, hashed: never the text itself), to
-- notice the same text sent again by the same person a few minutes later.
ALTER TABLE reports ADD COLUMN text_key TEXT;
CREATE INDEX reports_repeat ON reports (reporter_id, text_key, received_at);

-- A question the bot asked with buttons (which village? store again? which report?), kept
-- on the server: a button carries only the key. used_at is set once, by the first press;
-- the text is emptied then, as it may hold household names.
CREATE TABLE pending (
    key        TEXT PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    data       TEXT NOT NULL,
    source     TEXT,
    created_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX pending_created ON pending (created_at);
