namespace AgentConductor.Conductor.Sessions;

/// <summary>The agent session a job's worker handed over (<c>job_sessions</c>): Codex's thread id and the archive's size and digest.</summary>
internal sealed record StoredSession(string JobId, string ThreadId, long Size, string Sha256, DateTimeOffset StoredAt);
