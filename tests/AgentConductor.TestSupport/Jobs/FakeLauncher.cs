using System.Collections.Concurrent;
using AgentConductor.Conductor.Launching;

namespace AgentConductor.TestSupport.Jobs;

/// <summary>
/// A strict in-memory launcher: records every call, can fail the next launches, and reports whatever status a test
/// sets. References are <c>fake/&lt;job id&gt;</c>; asking about an unknown reference throws. Launches are idempotent
/// by job id like a real launcher's: a job whose worker runs gets the same reference and no second worker.
/// </summary>
internal sealed class FakeLauncher : ILauncher
{
    private readonly ConcurrentQueue<LaunchException> _failures = new();

    public ConcurrentQueue<LaunchRequest> Launches { get; } = new();

    /// <summary>Workers actually started (a launch of a running job starts none).</summary>
    public ConcurrentQueue<string> Started { get; } = new();

    public ConcurrentQueue<(string Reference, TimeSpan Grace)> Stops { get; } = new();

    public ConcurrentDictionary<string, WorkerStatus> Workers { get; } = new(StringComparer.Ordinal);

    /// <summary>Listed besides <see cref="Workers"/>: workers whose reference is not <see cref="ReferenceOf"/> their job (ECS tasks).</summary>
    public ConcurrentQueue<KnownWorker> Listed { get; } = new();

    /// <summary>When set, <see cref="ListAsync"/> throws it (a launcher that cannot list its workers).</summary>
    public Exception? ListFailure { get; set; }

    public static string ReferenceOf(string jobId) => $"fake/{jobId}";

    public void FailNext(int times, string message = "launcher unavailable", bool retryable = true)
    {
        for (var i = 0; i < times; i++)
        {
            _failures.Enqueue(new LaunchException(message, retryable));
        }
    }

    public Task<LaunchedWorker> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        Launches.Enqueue(request);
        if (_failures.TryDequeue(out var failure))
        {
            throw failure;
        }

        var reference = ReferenceOf(request.JobId);
        if (!(Workers.TryGetValue(reference, out var status) && status is WorkerStatus.RunningStatus))
        {
            Workers[reference] = WorkerStatus.Running;
            Started.Enqueue(request.JobId);
        }

        return Task.FromResult(new LaunchedWorker(reference));
    }

    public Task<WorkerStatus> GetStatusAsync(string reference, CancellationToken cancellationToken) =>
        Workers.TryGetValue(reference, out var status)
            ? Task.FromResult(status)
            : throw new InvalidOperationException($"FakeLauncher never launched {reference}.");

    public Task StopAsync(string reference, TimeSpan grace, CancellationToken cancellationToken)
    {
        Stops.Enqueue((reference, grace));
        Workers[reference] = WorkerStatus.Gone("stopped");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<KnownWorker>> ListAsync(CancellationToken cancellationToken) =>
        ListFailure is { } failure
            ? Task.FromException<IReadOnlyList<KnownWorker>>(failure)
            : Task.FromResult<IReadOnlyList<KnownWorker>>([.. Workers.Select(w => new KnownWorker(w.Key["fake/".Length..], w.Key, w.Value)), .. Listed]);
}
