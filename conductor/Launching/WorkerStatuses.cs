using System.Diagnostics.CodeAnalysis;

namespace AgentConductor.Conductor.Launching;

/// <summary>
/// A launcher's answer about many workers at once: a status for each reference it could ask about, and the references
/// it could not, grouped by the failure that left them out (one throttled call leaves out only its own workers).
/// </summary>
internal sealed class WorkerStatuses
{
    private readonly Dictionary<string, WorkerStatus> _known = new(StringComparer.Ordinal);
    private readonly List<WorkerStatusFailure> _failures = [];

    public IReadOnlyList<WorkerStatusFailure> Failures => _failures;

    public static WorkerStatuses Failed(IReadOnlyList<string> references, Exception error)
    {
        var statuses = new WorkerStatuses();
        statuses.Fail(references, error);
        return statuses;
    }

    /// <summary>Asks about each worker on its own, for launchers whose status call is local and cheap.</summary>
    public static async Task<WorkerStatuses> OneByOneAsync(
        IEnumerable<string> references, Func<string, CancellationToken, Task<WorkerStatus>> getStatus, CancellationToken cancellationToken)
    {
        var statuses = new WorkerStatuses();
        foreach (var reference in references.Distinct(StringComparer.Ordinal))
        {
            try
            {
                statuses.Add(reference, await getStatus(reference, cancellationToken));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                statuses.Fail([reference], ex);
            }
        }

        return statuses;
    }

    public void Add(string reference, WorkerStatus status) => _known[reference] = status;

    public void Fail(IReadOnlyList<string> references, Exception error) => _failures.Add(new WorkerStatusFailure(references, error));

    public bool TryGet(string reference, [MaybeNullWhen(false)] out WorkerStatus status) => _known.TryGetValue(reference, out status);
}
