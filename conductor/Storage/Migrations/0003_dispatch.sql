-- The jobs engine: dispatcher (launch attempts, backoff, repository claims) and reconciler (deadlines, cancel).
ALTER TABLE jobs ADD COLUMN launch_attempts     INTEGER NOT NULL DEFAULT 0; -- launcher calls made for the current attempt
ALTER TABLE jobs ADD COLUMN next_launch_at      INTEGER;                    -- backoff: a pending job waits until then
ALTER TABLE jobs ADD COLUMN launched_at         INTEGER;                    -- when the launcher accepted the worker
ALTER TABLE jobs ADD COLUMN launcher_ref        TEXT;                       -- the launcher's reference for the worker
ALTER TABLE jobs ADD COLUMN repository          TEXT;                       -- normalised clone URL claimed while active
ALTER TABLE jobs ADD COLUMN last_seen_at        INTEGER;                    -- last handshake or heartbeat from the worker
ALTER TABLE jobs ADD COLUMN cancel_requested_at INTEGER;                    -- cancel (or job timeout) asked of the worker
ALTER TABLE jobs ADD COLUMN cancel_reason       TEXT;                       -- why, written into the final state reason
CREATE INDEX jobs_by_repository ON jobs (repository) WHERE repository IS NOT NULL;
