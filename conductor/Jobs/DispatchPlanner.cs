using AgentConductor.Conductor.Costs;

namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// Decides, without side effects, what a dispatch pass does with each pending job, in creation order: jobs without
/// a route fail; jobs in backoff, follow-ups still collecting triggers or behind an earlier follow-up of their pull
/// request, jobs under a daily budget that today's spend has reached, over a cap or whose repository is claimed wait;
/// the rest launch, each one counted against the caps and claiming its repository for the jobs after it. The same plan
/// gives queue positions.
/// </summary>
internal static class DispatchPlanner
{
    public static List<DispatchStep> Plan(
        IReadOnlyList<JobRecord> active, IReadOnlyList<JobRecord> pending, Func<JobRecord, JobRoute?> route, DispatchOptions options, DateTimeOffset now, bool gateClosed,
        DailyBudgetCheck? budgets = null)
    {
        budgets ??= DailyBudgetCheck.None;
        var total = active.Count;
        var perAccount = CountBy(active, j => j.Account);
        var perProject = CountBy(active, j => j.ProjectKey);
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var job in active.Where(j => j.Repository is not null))
        {
            claims.TryAdd(job.Repository!, job.Id);
        }

        // A pull request's follow-ups run one at a time, in order: the first active or waiting one holds the rest.
        var followUpAhead = new Dictionary<string, JobRecord>(StringComparer.Ordinal);
        foreach (var job in active.Where(j => j.IsFollowUp && j.ParentJobId is not null))
        {
            followUpAhead.TryAdd(job.ParentJobId!, job);
        }

        var steps = new List<DispatchStep>(pending.Count);
        foreach (var job in pending)
        {
            if (gateClosed)
            {
                steps.Add(new DispatchStep(job, WaitReason.ShutdownGate, "the shutdown gate is closed"));
                continue;
            }

            if (job.IsFollowUp && job.ParentJobId is { } parent)
            {
                if (followUpAhead.TryGetValue(parent, out var ahead))
                {
                    steps.Add(new DispatchStep(job, WaitReason.PreviousFollowUp,
                        $"follow-up {ahead.FollowUpSequence} ({ahead.Id}) of the same pull request is {JobStates.ToName(ahead.State)}; its follow-ups run one at a time"));
                    continue;
                }

                followUpAhead[parent] = job;
            }

            // Before routing: a follow-up still collecting triggers is never failed or launched, so which triggers join it
            // depends on their times alone.
            if (job.CoalesceUntil is { } until && until >= now)
            {
                steps.Add(new DispatchStep(job, WaitReason.Coalescing, $"collecting further review comments until {until:O} (FollowUps:CoalesceWindow)"));
                continue;
            }

            if (route(job) is not { } target)
            {
                steps.Add(new DispatchStep(job, WaitReason.NoRoute, job.IsFollowUp
                    ? $"no route for {job.Describe()}: its parent job never launched, so there is no repository to follow up in"
                    : $"no route for {job.Describe()}: no repository is configured for it"));
                continue;
            }

            var repository = RepositoryUrl.Normalise(target.CloneUrl);
            var wait = WaitFor(job, repository, now, options, budgets, total, perAccount, perProject, claims);
            if (wait is not null)
            {
                steps.Add(wait);
                continue;
            }

            steps.Add(new DispatchStep(job, WaitReason.Ready, "launches on the next pass", target, repository));
            total++;
            Increment(perAccount, job.Account);
            Increment(perProject, job.ProjectKey);
            claims[repository] = job.Id;
        }

        return steps;
    }

    private static DispatchStep? WaitFor(
        JobRecord job, string repository, DateTimeOffset now, DispatchOptions options, DailyBudgetCheck budgets, int total,
        Dictionary<string, int> perAccount, Dictionary<string, int> perProject, Dictionary<string, string> claims)
    {
        if (job.NextLaunchAt is { } next && next > now)
        {
            return new DispatchStep(job, WaitReason.Backoff, $"launch retry at {next:O}");
        }

        if (budgets.Holds(job) is { } budget)
        {
            return new DispatchStep(job, WaitReason.Budget, budget);
        }

        if (total >= options.MaxActive)
        {
            return new DispatchStep(job, WaitReason.MaxActive, $"Dispatch:MaxActive ({options.MaxActive}) jobs are active");
        }

        if (job.Account is { } account && perAccount.GetValueOrDefault(account) >= options.MaxActivePerAccount)
        {
            return new DispatchStep(job, WaitReason.MaxActivePerAccount, $"Dispatch:MaxActivePerAccount ({options.MaxActivePerAccount}) jobs of account {account} are active");
        }

        if (job.ProjectKey is { } project && perProject.GetValueOrDefault(project) >= options.MaxActivePerProject)
        {
            return new DispatchStep(job, WaitReason.MaxActivePerProject, $"Dispatch:MaxActivePerProject ({options.MaxActivePerProject}) jobs of project {project} are active");
        }

        return claims.TryGetValue(repository, out var holder)
            ? new DispatchStep(job, WaitReason.RepositoryClaimed, $"repository {repository} is claimed by job {holder}")
            : null;
    }

    private static Dictionary<string, int> CountBy(IEnumerable<JobRecord> jobs, Func<JobRecord, string?> key)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            Increment(counts, key(job));
        }

        return counts;
    }

    private static void Increment(Dictionary<string, int> counts, string? key)
    {
        if (key is not null)
        {
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
    }
}
