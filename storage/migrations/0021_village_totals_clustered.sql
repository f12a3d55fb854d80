-- Schema 21: each running total stored in its key's b-tree (SQLite's WITHOUT ROWID), so the
-- walks of a large area's villages (storage/area_cells.py: the sums per cell, the villages
-- furthest behind) find a village's totals in one seek instead of an index seek and a table
-- read, and a report's upsert writes one b-tree instead of two. PostgreSQL has no such
-- storage: there the table is copied as it was (storage/postgres/database.py drops the words).
CREATE TABLE village_totals_clustered (
    village   TEXT NOT NULL,
    indicator TEXT NOT NULL,
    total     INTEGER NOT NULL,
    PRIMARY KEY (village, indicator)
) WITHOUT ROWID;
INSERT INTO village_totals_clustered (village, indicator, total)
    SELECT village, indicator, total FROM village_totals;
DROP TABLE village_totals;
ALTER TABLE village_totals_clustered RENAME TO village_totals;
