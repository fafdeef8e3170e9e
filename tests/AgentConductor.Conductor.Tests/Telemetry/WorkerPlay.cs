using AgentConductor.Conductor.Launching;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Grpc.Core;

namespace AgentConductor.Conductor.Tests.Telemetry;

/// <summary>
/// A worker's calls for one job over real gRPC, as a worker that records no spans of its own makes them: every call
/// carries its launch's context (TRACEPARENT) as <c>traceparent</c>. The worker's own side (its spans, its client) is
/// tested in the worker's tests and, with the real worker process, in the end-to-end tests.
/// </summary>
internal static class WorkerPlay
{
    public static readonly TokenUsage Usage = new()
    {
        InputTokens = 1200, CachedInputTokens = 400, CacheWriteInputTokens = 100, OutputTokens = 300, ReasoningOutputTokens = 50,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Handshake, task files, a heartbeat while preparing and one that starts the run (both answered from the database),
    /// one answered from memory, then, <paramref name="runFor"/> later on the conductor's clock, a successful result.
    /// </summary>
    public static async Task RunAsync(TelemetryRig rig, LaunchRequest launch, TimeSpan runFor)
    {
        var headers = new Metadata { { "authorization", $"Bearer {launch.Token}" } };
        if (launch.WorkerEnvironment().FirstOrDefault(v => v.Key == LaunchRequest.TraceParentVariable).Value is { } traceParent)
        {
            headers.Add("traceparent", traceParent);
        }

        var call = new CallOptions(headers, cancellationToken: Ct);
        var worker = rig.Host.Worker;
        var jobId = launch.JobId;
        var spec = (await worker.HandshakeAsync(new HandshakeRequest { JobId = jobId, WorkerVersion = "1.2.3" }, call)).Job;
        await foreach (var _ in worker.DownloadAllAsync(new DownloadTaskFilesRequest { JobId = jobId }, call))
        {
        }

        await worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.Preparing }, call);
        await worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent }, call);
        await worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent, CurrentStep = "agent turn 1" }, call);
        rig.Time.Advance(runFor);
        await worker.ReportResultAsync(new ReportResultRequest { JobId = jobId, Status = ResultStatus.Succeeded, Branch = spec.BranchName, Usage = Usage }, call);
    }
}
