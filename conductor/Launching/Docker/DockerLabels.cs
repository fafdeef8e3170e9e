namespace AgentConductor.Conductor.Launching.Docker;

/// <summary>The labels on every worker container: what it was started for, and by which conductor.</summary>
internal static class DockerLabels
{
    public const string JobId = "agent-conductor.job-id";
    public const string Attempt = "agent-conductor.attempt";
    public const string Kind = "agent-conductor.kind";
    public const string Subject = "agent-conductor.subject";
    public const string Instance = "agent-conductor.instance";
}
