-- Schema 5: the durable inbox of channel updates, idempotent invites, an append-only audit.

-- Every update a channel receives is written here before it is acknowledged (the next
-- getUpdates offset, or the webhook's 200) and marked once its replies were sent, so that
-- nothing acknowledged is lost when the process dies. The payload is the update as received.
CREATE TABLE inbox (
    channel      TEXT NOT NULL,
    update_id    BIGINT NOT NULL,
    payload      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    processed_at TEXT,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX inbox_status ON inbox (channel, status, update_id);

-- The message an invite was made from: a redelivered /moi answers with the same code.
ALTER TABLE invites ADD COLUMN source TEXT;
CREATE UNIQUE INDEX invites_source ON invites (source);

CREATE INDEX events_at ON events (at);

-- The audit history is append-only for everyone, the bot included. SQLite trigger syntax:
-- a PostgreSQL backend revokes UPDATE and DELETE on events instead.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
