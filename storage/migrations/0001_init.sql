-- Schema 1: units, people, reports with their history, targets.
-- Plain SQL that a PostgreSQL backend can share (no SQLite-only types); times are ISO 8601 UTC.

CREATE TABLE units (
    code     TEXT PRIMARY KEY,
    level    TEXT NOT NULL,
    name     TEXT NOT NULL,
    parent   TEXT,
    current  TEXT,
    aliases  TEXT NOT NULL DEFAULT '',
    note     TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
);

CREATE TABLE people (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'cadre')),
    scope      TEXT NOT NULL,
    language   TEXT
);

CREATE TABLE identities (
    channel     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    linked_at   TEXT NOT NULL,
    PRIMARY KEY (channel, external_id)
);
CREATE INDEX identities_person ON identities (person_id, channel);

CREATE TABLE invites (
    code       TEXT PRIMARY KEY,
    phone      TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE TABLE reports (
    id            INTEGER PRIMARY KEY,
    indicator     TEXT NOT NULL,
    count         INTEGER NOT NULL CHECK (count BETWEEN 1 AND 500),
    village       TEXT NOT NULL,
    household     TEXT,
    household_key TEXT,
    done_on       TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    reporter_id   INTEGER NOT NULL REFERENCES people (id),
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    source        TEXT
);
CREATE INDEX reports_source ON reports (source);
CREATE INDEX reports_household ON reports (indicator, household_key) WHERE household_key IS NOT NULL;

-- Aggregates kept on write, so that progress costs the same for 10 thousand or 1 million reports.
CREATE TABLE village_totals (
    village   TEXT NOT NULL,
    indicator TEXT NOT NULL,
    total     INTEGER NOT NULL,
    PRIMARY KEY (village, indicator)
);

-- The same per day the work was done: recent change and pace without scanning reports.
CREATE TABLE village_daily (
    village   TEXT NOT NULL,
    indicator TEXT NOT NULL,
    day       TEXT NOT NULL,
    total     INTEGER NOT NULL,
    PRIMARY KEY (village, indicator, day)
);
CREATE INDEX village_daily_day ON village_daily (day, indicator);

CREATE TABLE targets (
    indicator TEXT NOT NULL,
    unit      TEXT NOT NULL,
    value     INTEGER NOT NULL CHECK (value >= 0),
    deadline  TEXT NOT NULL,
    baseline  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (indicator, unit)
);

-- Append-only history of every change: reports, roster, targets, units (who, when, before, after).
CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    actor_id  INTEGER,
    at        TEXT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX events_entity ON events (entity, entity_id);

-- Small key/value facts of the deployment (e.g. the Telegram update offset).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
