-- Times are INTEGER milliseconds since the Unix epoch, UTC. Ids of jobs are ULIDs (sortable, unique across databases).
-- Every reference points at a row written earlier in the same transaction, so foreign keys are checked
-- immediately by primary key. A ticket's or incident's job is found through jobs.ticket_key / jobs.incident_id.

-- Every message, kept verbatim, whatever it turned out to be.
CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    message_id     TEXT    NOT NULL UNIQUE,          -- SQS MessageId, else the event's own id: the idempotency key
    received_at    INTEGER NOT NULL,
    event_at       INTEGER,                          -- the time the message itself carries, when it has one
    kind           TEXT    NOT NULL CHECK (kind IN ('ticket', 'alarm', 'rejected')),
    format         TEXT,                             -- jira-issue, jira-webhook, cloudwatch-eventbridge, cloudwatch-sns, cloudwatch-sns-raw
    account        TEXT,
    ticket_key     TEXT,
    outcome        TEXT    NOT NULL DEFAULT '',      -- what scheduling did with it, one short phrase
    body           TEXT    NOT NULL,
    body_truncated INTEGER NOT NULL DEFAULT 0        -- 1 when an over-size body was cut to the size limit
);
CREATE INDEX events_by_received ON events (received_at, id);

CREATE TABLE rejected_messages (
    event_id    INTEGER PRIMARY KEY REFERENCES events (id),
    message_id  TEXT    NOT NULL,
    reason      TEXT    NOT NULL,                    -- a code: malformed_json, unknown_shape, missing_field ...
    detail      TEXT    NOT NULL,
    rejected_at INTEGER NOT NULL
);

CREATE TABLE jobs (
    id                  TEXT    PRIMARY KEY,
    kind                TEXT    NOT NULL CHECK (kind IN ('ticket', 'incident')),
    state               TEXT    NOT NULL,
    state_reason        TEXT,
    attempt             INTEGER NOT NULL DEFAULT 0,
    ticket_key          TEXT    UNIQUE,              -- one job per ticket, ever
    incident_id         INTEGER UNIQUE,              -- one job per incident
    account             TEXT,
    project_key         TEXT,
    decided_by_event_id INTEGER NOT NULL REFERENCES events (id),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    CHECK ((kind = 'ticket' AND ticket_key IS NOT NULL) OR (kind = 'incident' AND incident_id IS NOT NULL))
);
CREATE INDEX jobs_by_state ON jobs (state, created_at);

-- The audit log: one row for every state a job enters, the first one included.
CREATE TABLE job_events (
    id         INTEGER PRIMARY KEY,
    job_id     TEXT    NOT NULL REFERENCES jobs (id),
    at         INTEGER NOT NULL,
    from_state TEXT,
    to_state   TEXT    NOT NULL,
    reason     TEXT,
    event_id   INTEGER REFERENCES events (id)        -- the message that caused it, when one did
);
CREATE INDEX job_events_by_job ON job_events (job_id, id);

CREATE TABLE tickets (
    key            TEXT    PRIMARY KEY,
    project_key    TEXT    NOT NULL,
    summary        TEXT,
    description    TEXT,
    labels         TEXT    NOT NULL DEFAULT '[]',    -- JSON array
    components     TEXT    NOT NULL DEFAULT '[]',    -- JSON array
    status         TEXT,
    issue_type     TEXT,
    priority       TEXT,
    url            TEXT,
    event_at       INTEGER,                          -- time of the sighting the fields come from
    first_event_id INTEGER NOT NULL REFERENCES events (id),
    last_event_id  INTEGER NOT NULL REFERENCES events (id),
    first_seen_at  INTEGER NOT NULL,
    last_seen_at   INTEGER NOT NULL,
    sightings      INTEGER NOT NULL DEFAULT 1,
    deleted_at     INTEGER
);

-- One incident per chain of ALARM transitions of one AWS account (see Scheduling/IncidentChainer.cs).
CREATE TABLE incidents (
    id                 INTEGER PRIMARY KEY,
    account            TEXT    NOT NULL,
    first_alarm_at     INTEGER NOT NULL,
    last_alarm_at      INTEGER NOT NULL,
    alarm_count        INTEGER NOT NULL,
    opened_at          INTEGER NOT NULL,
    opened_by_event_id INTEGER NOT NULL REFERENCES events (id),
    merged_into        INTEGER REFERENCES incidents (id) -- set when a late alarm joined it to an earlier incident
);
CREATE INDEX incidents_live_by_account ON incidents (account, first_alarm_at) WHERE merged_into IS NULL;

CREATE TABLE alarms (
    event_id       INTEGER PRIMARY KEY REFERENCES events (id),
    account        TEXT    NOT NULL,
    alarm_name     TEXT    NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('ALARM', 'OK', 'INSUFFICIENT_DATA')),
    previous_state TEXT,
    reason         TEXT,
    description    TEXT,
    region         TEXT,
    alarm_arn      TEXT,
    alarm_at       INTEGER NOT NULL,                 -- state-change time, else event time, else receive time
    incident_id    INTEGER REFERENCES incidents (id) -- members (ALARM) always; context (OK, INSUFFICIENT_DATA) when one is open
);
CREATE INDEX alarms_members_by_account ON alarms (account, alarm_at) WHERE state = 'ALARM';
CREATE INDEX alarms_context_by_account ON alarms (account, alarm_at) WHERE state <> 'ALARM';
CREATE INDEX alarms_by_incident ON alarms (incident_id);
