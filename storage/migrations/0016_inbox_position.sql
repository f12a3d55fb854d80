-- Schema 16: the order of a lane's updates. Telegram numbers its updates, so their ids give
-- the order; Zalo's inbox keys are digests (it has no update ids), so each update also gets
-- a position: the update id on Telegram, the time the message was sent on Zalo. Processes
-- sharing the inbox hand out a person's updates by position, then id.
ALTER TABLE inbox ADD COLUMN position BIGINT;
UPDATE inbox SET position = update_id;
DROP INDEX inbox_lane;
CREATE INDEX inbox_lane ON inbox (channel, lane, position, update_id) WHERE status = 'pending';
