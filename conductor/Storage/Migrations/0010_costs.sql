-- Costs and budgets (Costs/): what each job's tokens and worker cost, per UTC day, and the job's own outcome when its
-- run was stopped at its budget. Money is in nano-dollars (10^-9 USD), integers, so sums are exact.

-- Fixed when the job is launched (each attempt), from the settings of that moment; the worker gets the same in its spec.
ALTER TABLE jobs ADD COLUMN model TEXT;                       -- Agent:Model; NULL: the agent's default model
ALTER TABLE jobs ADD COLUMN price_entry TEXT;                 -- the Prices entry the tokens are charged at (the model, or 'default'); NULL: no price, cost unknown
ALTER TABLE jobs ADD COLUMN price_input INTEGER;              -- nano-USD per million tokens of each kind
ALTER TABLE jobs ADD COLUMN price_cached_input INTEGER;
ALTER TABLE jobs ADD COLUMN price_cache_write_input INTEGER;
ALTER TABLE jobs ADD COLUMN price_output INTEGER;
ALTER TABLE jobs ADD COLUMN compute_per_hour INTEGER;         -- nano-USD per hour of this worker; NULL: unknown
ALTER TABLE jobs ADD COLUMN worker_size TEXT;                 -- '2 vCPU, 4 GiB', or 'container'
ALTER TABLE jobs ADD COLUMN max_cost INTEGER;                 -- Budget:MaxCostPerJob in nano-USD; NULL: none
ALTER TABLE jobs ADD COLUMN max_tokens INTEGER;               -- Budget:MaxTokensPerJob; NULL: none
-- Worker time of the job's ended attempts (launched to ended); a running attempt adds now - launched_at.
ALTER TABLE jobs ADD COLUMN compute_ms INTEGER NOT NULL DEFAULT 0;
-- Tokens counted from the worker's per-request reports (model_request progress) rather than its turn totals.
ALTER TABLE jobs ADD COLUMN metered INTEGER NOT NULL DEFAULT 0;
-- Set once, when the worker says its run reached a limit (or reports budget_exceeded without having said so).
ALTER TABLE jobs ADD COLUMN budget_stopped_at INTEGER;
ALTER TABLE jobs ADD COLUMN budget_stop_reason TEXT;

-- Spend by job and UTC day: every change of a job's tokens adds its cost to the day it was recorded; an attempt's
-- worker time is added when the attempt ends, split at UTC midnights. A job's cost is the sum of its rows; a day's,
-- project's or account's spend is a sum over rows too, so the daily budgets survive restarts.
CREATE TABLE job_spend (
    job_id                  TEXT    NOT NULL REFERENCES jobs (id),
    day                     TEXT    NOT NULL,        -- 'YYYY-MM-DD', UTC
    input_tokens            INTEGER NOT NULL DEFAULT 0,
    cached_input_tokens     INTEGER NOT NULL DEFAULT 0,
    cache_write_input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens           INTEGER NOT NULL DEFAULT 0,
    reasoning_output_tokens INTEGER NOT NULL DEFAULT 0,
    token_cost              INTEGER NOT NULL DEFAULT 0, -- nano-USD (0 while the job has no price: its cost is unknown, see jobs.price_entry)
    compute_ms              INTEGER NOT NULL DEFAULT 0,
    compute_cost            INTEGER NOT NULL DEFAULT 0, -- nano-USD (unknown while jobs.compute_per_hour is NULL)
    PRIMARY KEY (job_id, day)
) WITHOUT ROWID;
CREATE INDEX job_spend_by_day ON job_spend (day, job_id);

-- budget_exceeded is a way to end: finished jobs are archived (see 0004).
DROP TRIGGER job_archives_queue;
CREATE TRIGGER job_archives_queue AFTER INSERT ON job_events
WHEN NEW.to_state IN ('succeeded', 'no_changes', 'failed', 'timed_out', 'cancelled', 'lost', 'budget_exceeded')
BEGIN
    INSERT INTO job_archives (job_id, job_event_id, due_at) VALUES (NEW.job_id, NEW.id, NEW.at)
    ON CONFLICT (job_id) DO UPDATE SET
        job_event_id = excluded.job_event_id, due_at = excluded.due_at, failures = 0, last_error = NULL,
        archived_at = NULL, location = NULL, url = NULL;
END;
