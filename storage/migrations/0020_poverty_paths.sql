-- Schema 20: the poverty rate's target path (core.poverty_rate.target_path).

-- A unit's poverty rate at the end of a year, set by the admin: where a path starts. ``rate``
-- in hundredths of a percent (2999 = 29,99%); the counts behind it when known.
CREATE TABLE poverty_baselines (
    unit  TEXT NOT NULL,
    year  INTEGER NOT NULL,
    rate  INTEGER NOT NULL CHECK (rate BETWEEN 0 AND 10000),
    poor  INTEGER CHECK (poor >= 0),
    total INTEGER CHECK (total > 0),
    PRIMARY KEY (unit, year)
);

-- How far the rate falls each year of a period, in hundredths of a point (600 = 6 points);
-- unit '' holds for every unit without its own. The 2021–2025 programme: 6 points a year
-- (Mèo Vạc's programme, II.2 (1)). 2026–2030 has none until the district sets one.
CREATE TABLE poverty_paths (
    period TEXT NOT NULL,
    unit   TEXT NOT NULL DEFAULT '',
    fall   INTEGER NOT NULL CHECK (fall BETWEEN 0 AND 10000),
    PRIMARY KEY (period, unit)
);
INSERT INTO poverty_paths (period, unit, fall) VALUES ('2021-2025', '', 600);
