-- Notifications (Notify/): signed webhooks and Jira updates, delivered at least once from an outbox. JobWriter writes
-- the event and one delivery per destination in the transaction of the state change they report, so no change can be
-- missed and none reported that did not commit.

-- Where notifications go, as the running conductor's settings say: rewritten at every start, before any job moves.
CREATE TABLE notify_destinations (
    name             TEXT    PRIMARY KEY,            -- webhook:<name>, jira, jira-transition
    events           TEXT,                           -- JSON array of the event types it takes; NULL takes every type
    ticket_jobs_only INTEGER NOT NULL DEFAULT 0      -- 1: incident jobs have no ticket, so nothing for them
);

-- One row per event that some destination takes; nothing is written while no destination is configured.
CREATE TABLE notify_events (
    seq          INTEGER PRIMARY KEY,                -- commit order, for delivering a destination's events in order
    id           TEXT    NOT NULL UNIQUE,            -- evt_<ulid>: the same in every attempt; receivers dedupe by it
    job_id       TEXT    NOT NULL REFERENCES jobs (id),
    job_event_id INTEGER REFERENCES job_events (id), -- the audit row of the state change; NULL for a budget stop
    type         TEXT    NOT NULL,                   -- job.<state> or job.budget_stopped
    from_state   TEXT,
    to_state     TEXT,
    reason       TEXT,
    at           INTEGER NOT NULL,
    body         TEXT                                -- the JSON document, fixed at the first attempt: every attempt sends the same bytes
);
CREATE INDEX notify_events_by_job ON notify_events (job_id, seq);

-- One row per (event, destination): the outbox the delivery loop works through.
CREATE TABLE notify_deliveries (
    event_id    TEXT    NOT NULL REFERENCES notify_events (id),
    destination TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead', 'skipped')),
    attempts    INTEGER NOT NULL DEFAULT 0,          -- attempts started, the one in flight included
    due_at      INTEGER NOT NULL,                    -- pending: not tried before this (backoff after a failure)
    claimed_at  INTEGER,                             -- an attempt is in flight; found set at startup, it is sent again (same id)
    last_status INTEGER,                             -- HTTP status of the last answer, when there was one
    last_error  TEXT,                                -- why the last attempt failed (secrets masked)
    detail      TEXT,                                -- what a delivery did (the Jira comment's id), or why it was skipped
    created_at  INTEGER NOT NULL,
    finished_at INTEGER,                             -- when it was delivered, skipped or dead-lettered
    PRIMARY KEY (event_id, destination)
) WITHOUT ROWID;
CREATE INDEX notify_deliveries_due ON notify_deliveries (due_at) WHERE state = 'pending';
CREATE INDEX notify_deliveries_by_state ON notify_deliveries (state, created_at);
