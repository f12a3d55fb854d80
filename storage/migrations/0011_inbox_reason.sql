-- Schema 11: why an update failed, for an admin (`python -m bot inbox --failed`).

-- A short reason without content ("unreadable: TypeError", "not answered: Forbidden"); the
-- payload stays as received, so an admin can look at it (--show) while it is kept.
ALTER TABLE inbox ADD COLUMN reason TEXT;
