-- Follow-ups (docs/follow-ups.md): GitHub deliveries are stored as events, and a review, mention or failed check on a pull
-- request a job opened becomes a 'followup' job linked to that job. SQLite cannot change a CHECK constraint in place,
-- so events and jobs are rebuilt with the new kinds (the migrator runs migrations with foreign keys off and checks them
-- before each commit). Every existing row and index is kept.

CREATE TABLE events_new (
    id             INTEGER PRIMARY KEY,
    message_id     TEXT    NOT NULL UNIQUE,          -- SQS MessageId or IdempotencyKey, X-Message-Id, github-delivery:<X-GitHub-Delivery>
    received_at    INTEGER NOT NULL,
    event_at       INTEGER,                          -- the time the message itself carries, when it has one
    kind           TEXT    NOT NULL CHECK (kind IN ('ticket', 'alarm', 'github', 'rejected')),
    format         TEXT,                             -- jira-issue, jira-webhook, cloudwatch-eventbridge, cloudwatch-sns, cloudwatch-sns-raw, github-webhook
    account        TEXT,
    ticket_key     TEXT,
    outcome        TEXT    NOT NULL DEFAULT '',      -- what scheduling did with it, one short phrase
    body           TEXT    NOT NULL,
    body_truncated INTEGER NOT NULL DEFAULT 0,       -- 1 when an over-size body was cut to the size limit
    body_bytes     BLOB                              -- the exact bytes when they are not valid UTF-8 (see 0005)
);
INSERT INTO events_new (id, message_id, received_at, event_at, kind, format, account, ticket_key, outcome, body, body_truncated, body_bytes)
SELECT id, message_id, received_at, event_at, kind, format, account, ticket_key, outcome, body, body_truncated, body_bytes FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_by_received ON events (received_at, id);

CREATE TABLE jobs_new (
    id                      TEXT    PRIMARY KEY,
    kind                    TEXT    NOT NULL CHECK (kind IN ('ticket', 'incident', 'followup')),
    state                   TEXT    NOT NULL,
    state_reason            TEXT,
    attempt                 INTEGER NOT NULL DEFAULT 1,
    ticket_key              TEXT    UNIQUE,          -- one job per ticket, ever
    incident_id             INTEGER UNIQUE,          -- one job per incident
    account                 TEXT,                    -- a follow-up counts against its parent's account and project caps
    project_key             TEXT,
    decided_by_event_id     INTEGER NOT NULL REFERENCES events (id),
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    token_hash              BLOB,
    token_issued_at         INTEGER,
    worker_version          TEXT,
    connected_at            INTEGER,
    branch                  TEXT,                    -- a follow-up's is its parent's branch, set when it is created
    last_heartbeat_at       INTEGER,
    worker_phase            TEXT,
    current_step            TEXT,
    cancel_requested_at     INTEGER,
    cancel_reason           TEXT,
    input_tokens            INTEGER NOT NULL DEFAULT 0,
    cached_input_tokens     INTEGER NOT NULL DEFAULT 0,
    output_tokens           INTEGER NOT NULL DEFAULT 0,
    reasoning_output_tokens INTEGER NOT NULL DEFAULT 0,
    launch_attempts         INTEGER NOT NULL DEFAULT 0,
    next_launch_at          INTEGER,
    launched_at             INTEGER,
    launcher_ref            TEXT,
    repository              TEXT,
    last_seen_at            INTEGER,
    -- The route a job was launched with (set at launch); a follow-up's is its parent's, set when it is created.
    clone_url               TEXT,
    base_branch             TEXT,
    -- Follow-ups: the job that opened the pull request (always the original job, never another follow-up), the
    -- follow-up's number among that job's follow-ups (1, 2, ...), the pull request, and until when it collects
    -- further triggers (it is not launched before then).
    parent_job_id           TEXT    REFERENCES jobs (id),
    followup_seq            INTEGER,
    pull_request_url        TEXT,
    pull_request_number     INTEGER,
    coalesce_until          INTEGER,
    UNIQUE (parent_job_id, followup_seq),
    CHECK ((kind = 'ticket' AND ticket_key IS NOT NULL)
        OR (kind = 'incident' AND incident_id IS NOT NULL)
        OR (kind = 'followup' AND parent_job_id IS NOT NULL AND followup_seq IS NOT NULL AND pull_request_url IS NOT NULL))
);
INSERT INTO jobs_new (id, kind, state, state_reason, attempt, ticket_key, incident_id, account, project_key, decided_by_event_id,
    created_at, updated_at, token_hash, token_issued_at, worker_version, connected_at, branch, last_heartbeat_at, worker_phase,
    current_step, cancel_requested_at, cancel_reason, input_tokens, cached_input_tokens, output_tokens, reasoning_output_tokens,
    launch_attempts, next_launch_at, launched_at, launcher_ref, repository, last_seen_at)
SELECT id, kind, state, state_reason, attempt, ticket_key, incident_id, account, project_key, decided_by_event_id,
    created_at, updated_at, token_hash, token_issued_at, worker_version, connected_at, branch, last_heartbeat_at, worker_phase,
    current_step, cancel_requested_at, cancel_reason, input_tokens, cached_input_tokens, output_tokens, reasoning_output_tokens,
    launch_attempts, next_launch_at, launched_at, launcher_ref, repository, last_seen_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_by_state ON jobs (state, created_at);
CREATE UNIQUE INDEX jobs_by_token_hash ON jobs (token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX jobs_by_repository ON jobs (repository) WHERE repository IS NOT NULL;

-- A pull request is found by the URL its job reported (issue_comment deliveries carry no branch), a check suite by its
-- branch.
CREATE INDEX job_results_by_pull_request ON job_results (pull_request_url COLLATE NOCASE);
CREATE INDEX job_results_by_branch ON job_results (branch);

-- Every authentic GitHub delivery (X-GitHub-Delivery stored once) and what the follow-up rules made of it.
-- Deliveries that fail the signature check are rejected messages (rejected_messages), not rows here.
CREATE TABLE github_deliveries (
    event_id     INTEGER PRIMARY KEY REFERENCES events (id),
    delivery_id  TEXT    NOT NULL UNIQUE,
    event        TEXT    NOT NULL,                   -- X-GitHub-Event: pull_request_review, issue_comment ...
    action       TEXT,
    repository   TEXT,                               -- owner/name
    pull_request INTEGER,                            -- the pull request's number, when the delivery names one
    sender       TEXT,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('trigger', 'held', 'ignored')),
    reason       TEXT    NOT NULL,                   -- a code: changes_requested, mention, stranger, not_ours ...
    detail       TEXT    NOT NULL,
    job_id       TEXT    REFERENCES jobs (id)        -- the follow-up it created or joined
);
CREATE INDEX github_deliveries_by_job ON github_deliveries (job_id) WHERE job_id IS NOT NULL;

-- What a follow-up answers: reviews, review comments, pull request comments and failed check suites, one per delivery.
-- A review comment that does not trigger by itself is held (job_id NULL) until its review triggers.
CREATE TABLE followup_comments (
    event_id           INTEGER PRIMARY KEY REFERENCES events (id),
    parent_job_id      TEXT    NOT NULL REFERENCES jobs (id),
    job_id             TEXT    REFERENCES jobs (id),
    kind               TEXT    NOT NULL CHECK (kind IN ('review', 'review_comment', 'issue_comment', 'check_suite')),
    github_id          INTEGER NOT NULL,             -- the review's, comment's or check suite's id
    review_id          INTEGER,                      -- a review comment's review
    author             TEXT,
    author_association TEXT,
    state              TEXT,                         -- a review's state, a check suite's conclusion
    body               TEXT,
    path               TEXT,
    line               INTEGER,
    start_line         INTEGER,
    diff_hunk          TEXT,
    commit_id          TEXT,
    url                TEXT,
    created_at         INTEGER                       -- GitHub's time
);
CREATE INDEX followup_comments_by_job ON followup_comments (job_id, event_id) WHERE job_id IS NOT NULL;
CREATE INDEX followup_comments_by_review ON followup_comments (parent_job_id, review_id) WHERE review_id IS NOT NULL;
