namespace AgentConductor.Worker.Agent;

/// <summary>
/// A Codex session to resume: its thread id and the archive of the rollout files an earlier run left in its CODEX_HOME
/// (see <see cref="Sessions.SessionArchive"/>), which is unpacked into the new run's CODEX_HOME before Codex starts.
/// </summary>
internal sealed record AgentResume(string ThreadId, string ArchivePath);
