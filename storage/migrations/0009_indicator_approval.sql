-- Schema 9: which indicators need a leader's approval (/duyet) is data, like the rest of an
-- indicator. Housing, shipped with approval, gets it where it was stored before this column.
ALTER TABLE indicators ADD COLUMN approval INTEGER NOT NULL DEFAULT 0;
UPDATE indicators SET approval = 1 WHERE code = 'housing';
