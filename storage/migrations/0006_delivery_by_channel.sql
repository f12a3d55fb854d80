-- Schema 6: what the bot sends on its own names its channel and address; people are reached
-- on the channel they last wrote from.

ALTER TABLE outbox ADD COLUMN channel TEXT;
ALTER TABLE outbox ADD COLUMN address TEXT;
ALTER TABLE people ADD COLUMN last_channel TEXT;
