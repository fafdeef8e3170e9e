namespace AgentConductor.Conductor.WorkerApi;

/// <summary>One row for <c>job_logs</c>: a log line or a progress event (as JSON), already cut to the size limit.</summary>
internal sealed record LogRow(string Stream, string Text, bool Truncated, DateTimeOffset? WorkerAt);
