using AgentConductor.Common;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Conductor;

namespace AgentConductor.Worker.Tests.Fakes;

/// <summary>Builds <see cref="ConductorClient"/>s for tests: the fake's job id and token, half jitter (deterministic delays).</summary>
internal static class ConductorClients
{
    public const double Jitter = 0.5;

    public static ConductorClient Create(
        Uri address,
        TimeProvider clock,
        ListLogger<ConductorClient>? logger = null,
        ConductorRetryOptions? options = null,
        string token = FakeWorkerService.Token)
        => new(
            new ConductorConnection(address, FakeWorkerService.JobId, token),
            options ?? WithoutDeadlines(),
            clock,
            logger ?? new ListLogger<ConductorClient>(),
            new Backoff(() => Jitter));

    /// <summary>Default retry options without call deadlines, so the only timers are backoff delays.</summary>
    public static ConductorRetryOptions WithoutDeadlines() => new() { AttemptTimeout = null, DownloadTimeout = null };
}
