using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Launching;
using AgentConductor.TestSupport.Jobs;

namespace AgentConductor.Conductor.Tests.Jobs;

/// <summary>The reconciler asks the launcher about all watched workers in one batch call per pass.</summary>
public sealed class ReconcilerStatusBatchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunOnce_ManyJobs_OneBatchCallForAllThenTheSameDecisionsPerJob()
    {
        using var jobs = new JobsHarness(dispatch: Roomy);
        var ids = await LaunchAsync(jobs, 6);
        jobs.Move(ids[0], JobState.Launched, JobState.Connected);
        jobs.Launcher.Workers[FakeLauncher.ReferenceOf(ids[0])] = WorkerStatus.Exited(3);
        jobs.Launcher.Workers[FakeLauncher.ReferenceOf(ids[1])] = WorkerStatus.Gone("task stopped: OutOfMemoryError");
        jobs.Launcher.StatusBatches.Clear();

        await jobs.Reconciler.RunOnceAsync(Ct);

        var batch = Assert.Single(jobs.Launcher.StatusBatches);
        Assert.Equal(ids.Select(FakeLauncher.ReferenceOf).Order(StringComparer.Ordinal), batch.Order(StringComparer.Ordinal));
        Assert.Equal((JobState.Failed, "worker exited with code 3"), (jobs.State(ids[0]), jobs.Reason(ids[0])));
        Assert.Equal(JobState.Pending, jobs.State(ids[1])); // gone before its handshake: lost and retried
        Assert.All(ids.Skip(2), id => Assert.Equal(JobState.Launched, jobs.State(id)));
        Assert.Empty(jobs.Launcher.Stops);
    }

    [Fact]
    public async Task RunOnce_AfterRestart_OneBatchForTheAdoptionAndOneForThePass()
    {
        using var jobs = new JobsHarness(dispatch: Roomy);
        var ids = await LaunchAsync(jobs, 3);
        foreach (var id in ids)
        {
            jobs.Move(id, JobState.Launched, JobState.Connected);
        }

        jobs.Time.Advance(TimeSpan.FromMinutes(5)); // down longer than the heartbeat timeout
        jobs.Restart();
        jobs.Launcher.StatusBatches.Clear();

        await jobs.Reconciler.RunOnceAsync(Ct);

        Assert.Equal(2, jobs.Launcher.StatusBatches.Count);
        Assert.All(jobs.Launcher.StatusBatches, b => Assert.Equal(3, b.Count));
        Assert.All(ids, id => Assert.Equal((JobState.Connected, jobs.Time.GetUtcNow()), (jobs.State(id), jobs.Job(id).LastSeenAt)));
    }

    [Fact]
    public async Task RunOnce_StatusesOfSomeJobsFail_TheOthersAreDecidedAndTheSkippedOnesOnTheNextPass()
    {
        using var jobs = new JobsHarness(dispatch: Roomy);
        var ids = await LaunchAsync(jobs, 4);
        foreach (var id in ids)
        {
            jobs.Move(id, JobState.Launched, JobState.Connected);
            jobs.Launcher.Workers[FakeLauncher.ReferenceOf(id)] = WorkerStatus.Exited(3);
        }

        var throttled = new InvalidOperationException("DescribeTasks failed: ThrottlingException: Rate exceeded");
        jobs.Launcher.StatusFailures[FakeLauncher.ReferenceOf(ids[1])] = throttled;
        jobs.Launcher.StatusFailures[FakeLauncher.ReferenceOf(ids[2])] = throttled;

        await jobs.Reconciler.RunOnceAsync(Ct);

        Assert.Equal(
            [JobState.Failed, JobState.Connected, JobState.Connected, JobState.Failed],
            ids.Select(jobs.State));
        var logged = Assert.Single(jobs.ReconcilerLog.Entries, e => e.EventName == "JobStatusCheckFailed");
        Assert.Contains($"workers of 2 jobs failed; they are checked again on the next pass: {ids[1]}, {ids[2]}", logged.Message, StringComparison.Ordinal);

        jobs.Launcher.StatusFailures.Clear();
        await jobs.Reconciler.RunOnceAsync(Ct);

        Assert.All(ids, id => Assert.Equal(JobState.Failed, jobs.State(id)));
        Assert.Equal(1, jobs.ReconcilerLog.Count("JobStatusCheckFailed"));
    }

    [Fact]
    public async Task RunOnce_BatchCallThrows_EveryJobIsSkippedAndLoggedOnce()
    {
        using var jobs = new JobsHarness(dispatch: Roomy);
        var ids = await LaunchAsync(jobs, 2);
        jobs.Launcher.Workers[FakeLauncher.ReferenceOf(ids[0])] = WorkerStatus.Exited(3);
        jobs.Launcher.Workers.TryRemove(FakeLauncher.ReferenceOf(ids[1]), out _); // the strict fake throws for it

        await jobs.Reconciler.RunOnceAsync(Ct);

        Assert.All(ids, id => Assert.Equal(JobState.Launched, jobs.State(id)));
        Assert.Equal(1, jobs.ReconcilerLog.Count("JobStatusCheckFailed"));
    }

    [Fact]
    public async Task RunOnce_AfterRestartAStatusFails_AdoptsTheOthersAndRetriesTheAdoptionNextPass()
    {
        using var jobs = new JobsHarness(dispatch: Roomy);
        var ids = await LaunchAsync(jobs, 2);
        foreach (var id in ids)
        {
            jobs.Move(id, JobState.Launched, JobState.Connected);
        }

        jobs.Time.Advance(TimeSpan.FromMinutes(1));
        jobs.Restart();
        jobs.Launcher.StatusFailures[FakeLauncher.ReferenceOf(ids[1])] = new InvalidOperationException("throttled");

        await jobs.Reconciler.RunOnceAsync(Ct);
        var restartedAt = jobs.Time.GetUtcNow();
        Assert.Equal(restartedAt, jobs.Job(ids[0]).LastSeenAt);
        Assert.NotEqual(restartedAt, jobs.Job(ids[1]).LastSeenAt);
        Assert.Equal(1, jobs.ReconcilerLog.Count("WorkerAdoptionFailed"));

        jobs.Launcher.StatusFailures.Clear();
        jobs.Time.Advance(TimeSpan.FromSeconds(15));
        await jobs.Reconciler.RunOnceAsync(Ct);

        Assert.Equal(jobs.Time.GetUtcNow(), jobs.Job(ids[1]).LastSeenAt);
        Assert.Equal(3, jobs.ReconcilerLog.Count("WorkerAdopted"));
    }

    private static DispatchOptions Roomy => new() { MaxActive = 10, MaxActivePerProject = 10 };

    private static async Task<List<string>> LaunchAsync(JobsHarness jobs, int count)
    {
        var ids = new List<string>();
        for (var i = 1; i <= count; i++)
        {
            ids.Add(await jobs.AddTicketAsync($"PAY-{i}"));
        }

        await jobs.Dispatcher.RunOnceAsync(Ct);
        await jobs.Reconciler.RunOnceAsync(Ct); // the startup pass (re-adoption) is behind us
        Assert.All(ids, id => Assert.Equal(JobState.Launched, jobs.State(id)));
        return ids;
    }
}
