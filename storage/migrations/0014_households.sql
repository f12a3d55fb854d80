-- Schema 14: the commune's household registry, its category history and year-end totals.

-- A household: identified by the commune's code when it has one, else by village, the head's
-- name folded (name_key) and birth year (0 when unknown). Names are personal data.
CREATE TABLE households (
    id          INTEGER PRIMARY KEY,
    village     TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    birth_year  INTEGER NOT NULL DEFAULT 0,
    ethnicity   TEXT NOT NULL DEFAULT '',
    members     INTEGER,
    code        TEXT,
    category    TEXT NOT NULL,
    year        INTEGER NOT NULL,
    decision    TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX households_code ON households (code) WHERE code IS NOT NULL;
CREATE INDEX households_identity ON households (village, name_key, birth_year);

-- Every category a household has had, oldest first: the movements in and out of poverty.
CREATE TABLE household_categories (
    id           INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households (id),
    category     TEXT NOT NULL,
    year         INTEGER NOT NULL,
    decision     TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX household_categories_household ON household_categories (household_id);

-- The number of households of a village at the end of a year (tổng số hộ): a rate's base.
CREATE TABLE household_totals (
    village TEXT NOT NULL,
    year    INTEGER NOT NULL,
    total   INTEGER NOT NULL CHECK (total >= 0),
    PRIMARY KEY (village, year)
);
