using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Run;

/// <summary>
/// What keeps a job's secrets in the worker: the masker every text passes before it leaves (logs, progress, the result,
/// the pull request), the secrets themselves, and the agent's account (its own user, or a warning that it has none).
/// </summary>
internal sealed record JobSafety(ISecretMasker Masker, WorkerSecrets Secrets, AgentAccount Account);
