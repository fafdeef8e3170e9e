using AgentConductor.Conductor.Launching;

namespace AgentConductor.Conductor.Jobs;

/// <summary>The reconciler's one batch status call per pass, for the workers of the jobs it checks.</summary>
internal static class WorkerStatusLookup
{
    /// <summary>
    /// Asks the launcher about the workers of <paramref name="jobs"/> (those with a launcher reference) in one call. A
    /// worker the launcher left out of its answer, or a call that failed as a whole, counts as not asked about: its job is
    /// skipped this pass rather than decided on a guess.
    /// </summary>
    public static async Task<WorkerStatuses> ForJobsAsync(ILauncher launcher, IReadOnlyList<JobRecord> jobs, CancellationToken cancellationToken)
    {
        var references = jobs.Select(j => j.LauncherRef).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (references.Count == 0)
        {
            return new WorkerStatuses();
        }

        WorkerStatuses statuses;
        try
        {
            statuses = await launcher.GetStatusesAsync(references, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return WorkerStatuses.Failed(references, ex);
        }

        var failed = statuses.Failures.SelectMany(f => f.References).ToHashSet(StringComparer.Ordinal);
        var unanswered = references.Where(r => !statuses.TryGet(r, out _) && !failed.Contains(r)).ToList();
        if (unanswered.Count > 0)
        {
            statuses.Fail(unanswered, new InvalidOperationException(
                $"the launcher's answer left out {unanswered.Count} of the {references.Count} workers asked about"));
        }

        return statuses;
    }

    /// <summary>The ids of the jobs whose workers are <paramref name="references"/>, for a log line.</summary>
    public static string JobIdsOf(IEnumerable<JobRecord> jobs, IReadOnlyList<string> references)
    {
        var wanted = references.ToHashSet(StringComparer.Ordinal);
        return string.Join(", ", jobs.Where(j => j.LauncherRef is { } reference && wanted.Contains(reference)).Select(j => j.Id));
    }
}
