using System.Diagnostics;
using AgentConductor.Conductor.Aws.Ecs;
using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.Launching.Docker;
using AgentConductor.Conductor.Launching.Local;

namespace AgentConductor.Conductor.Telemetry;

/// <summary>
/// A launcher call as the <c>job.launch</c> span of the job's trace, counted in <c>agent_conductor.launches</c> or
/// <c>agent_conductor.launch.failures</c>. The worker gets the span's context as <c>TRACEPARENT</c>, so its calls join
/// the trace under this launch.
/// </summary>
internal static class LaunchTelemetry
{
    public static async Task<LaunchedWorker> LaunchAsync(ILauncher launcher, LaunchRequest request, string? traceParent, CancellationToken cancellationToken)
    {
        var kind = KindOf(launcher);
        using var span = JobTracing.StartJobSpan("job.launch", traceParent, request.JobId, request.Kind);
        span?.SetTag(TelemetryNames.JobAttempt, request.Attempt);
        span?.SetTag(TelemetryNames.Launcher, kind);
        try
        {
            var worker = await launcher.LaunchAsync(request with { TraceParent = span?.Id }, cancellationToken);
            JobMetrics.Launched(kind);
            return worker;
        }
        catch (LaunchException ex)
        {
            Failed(span, kind, ex.Retryable);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed(span, kind, retryable: true); // the dispatcher treats an unexpected error as a retryable failure
            throw;
        }
    }

    /// <summary>The <c>Launcher:Kind</c> name of <paramref name="launcher"/>; <c>other</c> for any launcher not built in.</summary>
    public static string KindOf(ILauncher launcher) => launcher switch
    {
        LocalProcessLauncher => LauncherOptions.Local,
        DockerLauncher => LauncherOptions.Docker,
        EcsLauncher => LauncherOptions.Ecs,
        _ => "other",
    };

    // The launcher's message may quote what it ran into (a docker or ECS error): the span says only that the launch failed.
    private static void Failed(Activity? span, string kind, bool retryable)
    {
        JobMetrics.LaunchFailed(kind, retryable);
        span?.SetTag(TelemetryNames.Retryable, retryable);
        span?.SetStatus(ActivityStatusCode.Error, retryable ? "launch failed; tried again" : "launch failed");
    }
}
