-- Schema 10: approval kept on write beside the totals, so that /tiendo and the digests read
-- aggregates, never the reports: approved counts per village, indicator and day, and the
-- reports awaiting approval (with since when) per village.
CREATE TABLE approved_daily (
    village   TEXT NOT NULL,
    indicator TEXT NOT NULL,
    day       TEXT NOT NULL,
    total     INTEGER NOT NULL,
    PRIMARY KEY (village, indicator, day)
);

CREATE TABLE review_queue (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    village   TEXT NOT NULL,
    since     TEXT NOT NULL
);
CREATE INDEX review_queue_village ON review_queue (village, since);

INSERT INTO approved_daily (village, indicator, day, total)
    SELECT village, indicator, done_on, SUM(count) FROM reports
    WHERE review = 'approved' AND status = 'active' GROUP BY village, indicator, done_on;

INSERT INTO review_queue (report_id, village, since)
    SELECT id, village, review_since FROM reports
    WHERE review = 'awaiting' AND status = 'active';
