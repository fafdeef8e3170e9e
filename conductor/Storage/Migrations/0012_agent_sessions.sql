-- Agent sessions (docs/follow-ups.md#the-agents-session): at the end of every run the worker hands over the agent's Codex
-- session (UploadSession), so that a follow-up of the pull request can resume the agent's own conversation. The archive
-- is a file under the job's folder (TaskFiles:WorkFolder/<job-id>/session/); with the archive on, it is uploaded with the
-- job's other objects and read back from S3 when the local file is gone. One row per job: a new upload replaces it.
CREATE TABLE job_sessions (
    job_id      TEXT    PRIMARY KEY REFERENCES jobs (id),
    thread_id   TEXT    NOT NULL,                    -- Codex's thread id (a UUID): `codex exec resume <thread_id>`
    size        INTEGER NOT NULL,                    -- bytes of the archive (gzip-compressed tar of CODEX_HOME/sessions)
    sha256      TEXT    NOT NULL,                    -- lowercase hex
    stored_at   INTEGER NOT NULL
);
