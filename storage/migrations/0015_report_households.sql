-- Schema 15: a report names a registry household by its id, so two households of one village
-- that share a name are two households (the once-per-household rule, the household's card).
-- NULL: the report names no household, or one not on the village's list (stored as typed).
ALTER TABLE reports ADD COLUMN household_id INTEGER;
CREATE INDEX reports_household_id ON reports (household_id, indicator) WHERE household_id IS NOT NULL;

-- Reports stored before: the household of their village whose name they carry, when only one.
UPDATE reports SET household_id = (
    SELECT h.id FROM households h
    WHERE h.village = reports.village AND h.name_key = replace(reports.household_key, ' ', '')
)
WHERE household_key IS NOT NULL AND (
    SELECT count(*) FROM households h
    WHERE h.village = reports.village AND h.name_key = replace(reports.household_key, ' ', '')
) = 1;

-- /ho finds a household by its name (folded, without spaces) or its code.
CREATE INDEX households_name ON households (name_key);
