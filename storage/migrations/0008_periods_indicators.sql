-- Schema 8: programme periods (giai đoạn), targets per period, indicators as data.

-- The shipped periods are core.periods.DEFAULT_PERIODS; an admin adds more by import.
CREATE TABLE periods (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on   TEXT NOT NULL CHECK (end_on >= start_on)
);
INSERT INTO periods (code, name, start_on, end_on) VALUES
    ('2021-2025', 'Giai đoạn 2021–2025', '2021-01-01', '2025-12-31'),
    ('2026-2030', 'Giai đoạn 2026–2030', '2026-01-01', '2030-12-31');

-- A target belongs to a period: the same indicator and unit may have one per period. A target
-- set before periods existed belongs to the period that holds its deadline (else the last one).
CREATE TABLE targets_by_period (
    indicator TEXT NOT NULL,
    unit      TEXT NOT NULL,
    period    TEXT NOT NULL,
    value     INTEGER NOT NULL CHECK (value >= 0),
    deadline  TEXT NOT NULL,
    baseline  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (indicator, unit, period)
);
INSERT INTO targets_by_period (indicator, unit, period, value, deadline, baseline)
    SELECT t.indicator, t.unit,
           COALESCE(
               (SELECT p.code FROM periods p WHERE t.deadline BETWEEN p.start_on AND p.end_on),
               (SELECT p.code FROM periods p ORDER BY p.start_on DESC LIMIT 1)
           ),
           t.value, t.deadline, t.baseline
    FROM targets t;
DROP TABLE targets;
ALTER TABLE targets_by_period RENAME TO targets;

-- What cadres report on. Empty until the composition root stores the shipped three
-- (core.indicators.DEFAULT_INDICATORS); an admin adds more with import-indicators.
CREATE TABLE indicators (
    code           TEXT PRIMARY KEY,
    name_vi        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    unit_vi        TEXT NOT NULL,
    unit_en        TEXT NOT NULL,
    unit_en_plural TEXT NOT NULL,
    keywords       TEXT NOT NULL,   -- separated by '|', as typed
    household      INTEGER NOT NULL DEFAULT 0,
    position       INTEGER NOT NULL
);
