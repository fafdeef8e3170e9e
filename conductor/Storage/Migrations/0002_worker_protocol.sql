-- The worker protocol (WorkerApi/): job tokens, liveness, cancellation, token usage, logs and results.

-- SHA-256 of the current launch attempt's job token (32 bytes). The plaintext is never stored.
ALTER TABLE jobs ADD COLUMN token_hash BLOB;
ALTER TABLE jobs ADD COLUMN token_issued_at INTEGER;
-- What the worker said in its handshake, and when it first connected.
ALTER TABLE jobs ADD COLUMN worker_version TEXT;
ALTER TABLE jobs ADD COLUMN connected_at INTEGER;
-- The branch the worker was told to push (agent/<job-id>/<slug>), fixed at the first handshake.
ALTER TABLE jobs ADD COLUMN branch TEXT;
-- Liveness: the conductor's clock at the last heartbeat, and what the worker was doing.
ALTER TABLE jobs ADD COLUMN last_heartbeat_at INTEGER;
ALTER TABLE jobs ADD COLUMN worker_phase TEXT;
ALTER TABLE jobs ADD COLUMN current_step TEXT;
-- Set by the cancel API; answered in the next heartbeat.
ALTER TABLE jobs ADD COLUMN cancel_requested_at INTEGER;
ALTER TABLE jobs ADD COLUMN cancel_reason TEXT;
-- Token usage summed from the progress the worker published (turn_completed events).
ALTER TABLE jobs ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN cached_input_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN reasoning_output_tokens INTEGER NOT NULL DEFAULT 0;

CREATE UNIQUE INDEX jobs_by_token_hash ON jobs (token_hash) WHERE token_hash IS NOT NULL;

-- Log lines and progress events, in the order the conductor stored them (seq is per job, from 1).
CREATE TABLE job_logs (
    job_id    TEXT    NOT NULL REFERENCES jobs (id),
    seq       INTEGER NOT NULL,
    at        INTEGER NOT NULL,                      -- the conductor's clock when stored
    worker_at INTEGER,                               -- the worker's own timestamp, when it sent one
    stream    TEXT    NOT NULL CHECK (stream IN ('stdout', 'stderr', 'worker', 'unspecified', 'progress')),
    text      TEXT    NOT NULL,                      -- a log line, or the progress event as JSON
    truncated INTEGER NOT NULL DEFAULT 0,            -- 1 when the line was cut to the per-line limit
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

-- The result a worker reported; one per job (a repeat of the same result is idempotent).
CREATE TABLE job_results (
    job_id                  TEXT    PRIMARY KEY REFERENCES jobs (id),
    status                  TEXT    NOT NULL,        -- succeeded, no_changes, failed, timed_out, cancelled
    pull_request_url        TEXT,
    branch                  TEXT,
    head_commit             TEXT,
    summary                 TEXT,
    summary_truncated       INTEGER NOT NULL DEFAULT 0,
    input_tokens            INTEGER NOT NULL DEFAULT 0,
    cached_input_tokens     INTEGER NOT NULL DEFAULT 0,
    output_tokens           INTEGER NOT NULL DEFAULT 0,
    reasoning_output_tokens INTEGER NOT NULL DEFAULT 0,
    error_code              TEXT,
    error_message           TEXT,
    started_at              INTEGER,                 -- the worker's clock
    finished_at             INTEGER,                 -- the worker's clock
    reported_at             INTEGER NOT NULL         -- the conductor's clock
);
