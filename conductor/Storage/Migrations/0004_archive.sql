-- The S3 archive (Archive/): finished jobs waiting to be uploaded, and where the uploaded ones are.
-- A job is queued by trigger in the same transaction that ends it, whichever component ends it (worker API,
-- reconciler, canceller, scheduler), so no finished job can be missed, with the archive on or off. With the archive
-- off the rows simply wait; turning it on later uploads them, oldest first.
CREATE TABLE job_archives (
    job_id       TEXT    PRIMARY KEY REFERENCES jobs (id),
    job_event_id INTEGER NOT NULL,                   -- the job_events row that ended the job: what the archive is made for
    due_at       INTEGER NOT NULL,                   -- not tried before this (backoff after a failure)
    failures     INTEGER NOT NULL DEFAULT 0,         -- failed attempts since the job was queued
    last_error   TEXT,                               -- why the last attempt failed
    archived_at  INTEGER,                            -- set once every object is uploaded; NULL while waiting
    location     TEXT,                               -- s3://bucket/prefix/job-id/
    url          TEXT                                -- the same folder as an https:// URL
);
CREATE INDEX job_archives_due ON job_archives (due_at, job_id) WHERE archived_at IS NULL;

CREATE TRIGGER job_archives_queue AFTER INSERT ON job_events
WHEN NEW.to_state IN ('succeeded', 'no_changes', 'failed', 'timed_out', 'cancelled', 'lost')
BEGIN
    INSERT INTO job_archives (job_id, job_event_id, due_at) VALUES (NEW.job_id, NEW.id, NEW.at)
    ON CONFLICT (job_id) DO UPDATE SET
        job_event_id = excluded.job_event_id, due_at = excluded.due_at, failures = 0, last_error = NULL,
        archived_at = NULL, location = NULL, url = NULL;
END;

-- A lost job that is retried (lost -> pending, in the same transaction) has not finished after all.
CREATE TRIGGER job_archives_unqueue AFTER INSERT ON job_events
WHEN NEW.from_state = 'lost'
BEGIN
    DELETE FROM job_archives WHERE job_id = NEW.job_id AND archived_at IS NULL;
END;

-- Jobs that had already finished before this migration.
INSERT INTO job_archives (job_id, job_event_id, due_at)
SELECT e.job_id, max(e.id), max(e.at)
FROM job_events e JOIN jobs j ON j.id = e.job_id
WHERE j.state IN ('succeeded', 'no_changes', 'failed', 'timed_out', 'cancelled', 'lost')
GROUP BY e.job_id;
