-- The job's trace (Telemetry/): the W3C traceparent of the span that scheduled it, written in the scheduling transaction
-- when tracing is on. Launches, reconciler decisions and the worker's calls join that trace, also after a restart.
ALTER TABLE jobs ADD COLUMN trace_parent TEXT;
