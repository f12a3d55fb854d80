-- Schema 23: the week's sums per cell of a large area (storage/area_cells.py) read the last
-- days' rows of village_daily on the day index and each row's village: the index now holds
-- the village and the total (no read of the table per row; a report's upsert changes one
-- more index entry, about 2 µs), and a unit is stored in its code's b-tree (SQLite's WITHOUT
-- ROWID: a village's communes in one seek). PostgreSQL keeps its plain day index
-- (storage/postgres/migrations/0023: there a total in an index would stop its updates being
-- HOT) and an ordinary units table.
DROP INDEX village_daily_day;
CREATE INDEX village_daily_day ON village_daily (day, indicator, village, total);
CREATE TABLE units_by_code (
    code     TEXT PRIMARY KEY,
    level    TEXT NOT NULL,
    name     TEXT NOT NULL,
    parent   TEXT,
    current  TEXT,
    aliases  TEXT NOT NULL DEFAULT '',
    note     TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO units_by_code (code, level, name, parent, current, aliases, note, position)
    SELECT code, level, name, parent, current, aliases, note, position FROM units;
DROP TABLE units;
ALTER TABLE units_by_code RENAME TO units;
CREATE INDEX units_cells ON units (level, parent, current, code, position);
