-- Codex reports input tokens written to the prompt cache (turn.completed usage.cache_write_input_tokens); stored
-- beside the other counts, summed from progress on the job and as reported in the result.
ALTER TABLE jobs ADD COLUMN cache_write_input_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_results ADD COLUMN cache_write_input_tokens INTEGER NOT NULL DEFAULT 0;
