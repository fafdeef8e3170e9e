-- Follow-ups (docs/follow-ups.md): GitHub deliveries are stored as events (kind 'github'), and a review, mention or
-- failed check on a pull request a job opened becomes a job of kind 'followup' linked to that job. SQLite cannot change
-- a CHECK constraint in place: after this script, Storage/MigrationSteps.cs widens the kinds allowed in events and jobs
-- by rebuilding the two tables from their stored definitions, so every column and index they have is kept.

-- The route a job was launched with (set at every launch); a follow-up's is its parent's, set when it is created.
ALTER TABLE jobs ADD COLUMN clone_url TEXT;
ALTER TABLE jobs ADD COLUMN base_branch TEXT;
-- Follow-ups: the job that opened the pull request (always the original job, never another follow-up), the follow-up's
-- number among that job's follow-ups (1, 2, ...), the pull request, and until when it collects further triggers (it is
-- not launched before then). A follow-up's branch (jobs.branch) is its parent's, set when it is created.
ALTER TABLE jobs ADD COLUMN parent_job_id TEXT REFERENCES jobs (id);
ALTER TABLE jobs ADD COLUMN followup_seq INTEGER;
ALTER TABLE jobs ADD COLUMN pull_request_url TEXT;
ALTER TABLE jobs ADD COLUMN pull_request_number INTEGER;
ALTER TABLE jobs ADD COLUMN coalesce_until INTEGER;
CREATE UNIQUE INDEX jobs_followups ON jobs (parent_job_id, followup_seq) WHERE parent_job_id IS NOT NULL;

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
    review_id          INTEGER,                      -- a review comment's review (a review's own id)
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
