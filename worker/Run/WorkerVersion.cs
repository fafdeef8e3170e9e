using System.Reflection;
using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Run;

internal static class WorkerVersion
{
    public static string Current { get; } =
        typeof(WorkerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>
    /// What this worker can do, declared in every handshake. The conductor hands a follow-up only to a worker that says
    /// <c>follow-up</c>: one that cannot continue a pull request's branch would push over it.
    /// </summary>
    public static IReadOnlyList<string> Capabilities { get; } = ["codex", "git", "github", "follow-up", "session-v1"];

    /// <summary>A handshake as this worker sends it: its version and its capabilities.</summary>
    public static HandshakeRequest Handshake() => new() { WorkerVersion = Current, Capabilities = { Capabilities } };
}
