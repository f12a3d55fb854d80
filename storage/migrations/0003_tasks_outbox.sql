-- Schema 3: tasks given to villages, and the outbox of reminders the bot sends by itself.

CREATE TABLE tasks (
    id         INTEGER PRIMARY KEY,
    village    TEXT NOT NULL,
    indicator  TEXT NOT NULL,
    target     INTEGER NOT NULL CHECK (target > 0),
    start_on   TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    created_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled'))
);
-- Assigning the same village, indicator and due date again changes the open task.
CREATE UNIQUE INDEX tasks_open_key ON tasks (village, indicator, due_on) WHERE status = 'open';
CREATE INDEX tasks_village ON tasks (village, status);

-- A message is written here before it is sent: (recipient, kind, period) is sent at most once,
-- and a crash at any moment leaves each row either pending (sent later) or done.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    recipient       INTEGER NOT NULL REFERENCES people (id),
    kind            TEXT NOT NULL,
    period          TEXT NOT NULL,
    text            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'blocked')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (recipient, kind, period)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Weekly reminders ask who has been silent and which villages reported in a week.
CREATE INDEX reports_reporter_received ON reports (reporter_id, received_at);
CREATE INDEX reports_received ON reports (received_at);
