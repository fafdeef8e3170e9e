-- The jobs engine: dispatcher (launch attempts, backoff, repository claims) and reconciler (deadlines, cancel).
-- cancel_requested_at and cancel_reason come from 0002; last_seen_at is written by the worker API at every handshake and heartbeat.
ALTER TABLE jobs ADD COLUMN launch_attempts     INTEGER NOT NULL DEFAULT 0; -- launcher calls made for the current attempt
ALTER TABLE jobs ADD COLUMN next_launch_at      INTEGER;                    -- backoff: a pending job waits until then
ALTER TABLE jobs ADD COLUMN launched_at         INTEGER;                    -- when the launcher accepted the worker
ALTER TABLE jobs ADD COLUMN launcher_ref        TEXT;                       -- the launcher's reference for the worker
ALTER TABLE jobs ADD COLUMN repository          TEXT;                       -- normalised clone URL claimed while active
ALTER TABLE jobs ADD COLUMN last_seen_at        INTEGER;                    -- last handshake or heartbeat from the worker
CREATE INDEX jobs_by_repository ON jobs (repository) WHERE repository IS NOT NULL;
