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

    /// <summary>The references of every <see cref="GetStatusesAsync"/> call, in order.</summary>
    public ConcurrentQueue<IReadOnlyList<string>> StatusBatches { get; } = new();

    /// <summary>
    /// Workers <see cref="GetStatusesAsync"/> cannot ask about, with the error that leaves them out; workers sharing one
    /// error instance fail together, like the tasks of one throttled ECS call.
    /// </summary>
    public ConcurrentDictionary<string, Exception> StatusFailures { get; } = new(StringComparer.Ordinal);

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

    /// <summary>Strict: an empty batch, a reference twice or one never launched is a caller's bug and throws.</summary>
    public Task<WorkerStatuses> GetStatusesAsync(IReadOnlyCollection<string> references, CancellationToken cancellationToken)
    {
        StatusBatches.Enqueue([.. references]);
        if (references.Count == 0 || references.Distinct(StringComparer.Ordinal).Count() != references.Count)
        {
            throw new ArgumentException($"FakeLauncher expects distinct references, at least one; got [{string.Join(", ", references)}].", nameof(references));
        }

        var statuses = new WorkerStatuses();
        foreach (var failure in references.Where(StatusFailures.ContainsKey).GroupBy(r => StatusFailures[r]))
        {
            statuses.Fail([.. failure], failure.Key);
        }

        foreach (var reference in references.Where(r => !StatusFailures.ContainsKey(r)))
        {
            statuses.Add(reference, Workers.TryGetValue(reference, out var status)
                ? status
                : throw new InvalidOperationException($"FakeLauncher never launched {reference}."));
        }

        return Task.FromResult(statuses);
    }

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
