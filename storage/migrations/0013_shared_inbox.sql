-- Schema 13: several bot processes on one (PostgreSQL) database share the inbox. Each update
-- names its lane (one person's updates are handled one after the other) and, while being
-- handled, the process holding it and until when (a process that dies lets go by then).
ALTER TABLE inbox ADD COLUMN lane TEXT;
ALTER TABLE inbox ADD COLUMN claimed_by TEXT;
ALTER TABLE inbox ADD COLUMN claimed_until TEXT;
CREATE INDEX inbox_lane ON inbox (channel, lane, update_id) WHERE status = 'pending';
