using System.Collections.Concurrent;
using AgentConductor.Conductor.Jobs;

namespace AgentConductor.TestSupport.Jobs;

/// <summary>Issues <c>token-&lt;n&gt;-&lt;job id&gt;</c> and remembers every token it issued.</summary>
internal sealed class FakeJobTokenIssuer : IJobTokenIssuer
{
    public ConcurrentQueue<(string JobId, string Token)> Issued { get; } = new();

    public string Issue(string jobId)
    {
        var token = $"token-{Issued.Count + 1}-{jobId}";
        Issued.Enqueue((jobId, token));
        return token;
    }
}
