-- Schema 4: the whole area's reported counts per indicator and day, kept on write beside
-- village_daily (storage/reports.py bump_totals). /tiendo for a leader whose area holds every
-- village reads the last 28 days here: 3 indicators × 28 days, however many villages and
-- reports there are, where village_daily would give villages × indicators × days rows.
CREATE TABLE indicator_daily (
    indicator TEXT NOT NULL,
    day       TEXT NOT NULL,
    total     INTEGER NOT NULL,
    PRIMARY KEY (indicator, day)
);

INSERT INTO indicator_daily (indicator, day, total)
    SELECT indicator, day, SUM(total) FROM village_daily GROUP BY indicator, day;

-- Exports of one area read its reports without scanning the others'.
CREATE INDEX reports_village ON reports (village, id);
