using AgentConductor.Conductor.Launching;
using AgentConductor.Proto.V1;

namespace AgentConductor.Conductor.Tests.Telemetry;

/// <summary>A worker's calls for one job, made with the worker's own client inside its <c>worker.job</c> span.</summary>
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
    public static async Task RunAsync(TelemetryRig rig, LaunchRequest launch, bool exporting, TimeSpan runFor)
    {
        using var telemetry = rig.WorkerTelemetry(launch, exporting);
        using var client = rig.WorkerClient(launch, telemetry);
        using (telemetry.StartJob(launch.JobId))
        {
            var spec = (await client.HandshakeAsync(new HandshakeRequest { WorkerVersion = "1.2.3" }, Ct)).Job;
            await foreach (var _ in client.DownloadTaskFilesAsync(new DownloadTaskFilesRequest(), Ct))
            {
            }

            await client.HeartbeatAsync(new HeartbeatRequest { Phase = WorkerPhase.Preparing }, Ct);
            await client.HeartbeatAsync(new HeartbeatRequest { Phase = WorkerPhase.RunningAgent }, Ct);
            await client.HeartbeatAsync(new HeartbeatRequest { Phase = WorkerPhase.RunningAgent, CurrentStep = "agent turn 1" }, Ct);
            rig.Time.Advance(runFor);
            await client.ReportResultAsync(new ReportResultRequest { Status = ResultStatus.Succeeded, Branch = spec.BranchName, Usage = Usage }, Ct);
        }
    }
}
