using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Tests.Jobs;

public sealed class DispatcherRetryTests
{
    [Fact]
    public async Task RunOnce_RetryableFailures_BackOffThenFailWithTheLastReason()
    {
        using var jobs = new TestSupport.Jobs.JobsHarness(new DispatchOptions { MaxLaunchAttempts = 3 });
        var id = await jobs.AddTicketAsync("PAY-1");
        jobs.Launcher.FailNext(2, "ECS throttled");
        jobs.Launcher.FailNext(1, "ECS capacity");

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
            var job = jobs.Job(id);
            Assert.Equal((JobState.Pending, attempt), (job.State, job.LaunchAttempts));
            var wait = job.NextLaunchAt!.Value - jobs.Time.GetUtcNow();
            waits.Add(wait);

            await jobs.Dispatcher.RunOnceAsync(CancellationToken.None); // still backing off: no call
            Assert.Equal(attempt, jobs.Launcher.Launches.Count);
            Assert.Equal(WaitReason.Backoff, Assert.Single(jobs.Dispatcher.QueuePositions()).Reason);
            jobs.Time.Advance(wait);
        }

        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        // The harness's backoff takes half of each ceiling: LaunchRetryBase (5 s), then doubled.
        Assert.Equal([TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5)], waits);
        Assert.Equal(3, jobs.Launcher.Launches.Count);
        Assert.Equal(JobState.Failed, jobs.State(id));
        Assert.Equal("launch failed 3 times, last: ECS capacity", jobs.Reason(id));
        Assert.Equal(["pending", "launching", "pending", "launching", "pending", "launching", "failed"], jobs.History(id));
    }

    [Fact]
    public async Task RunOnce_RetryAfterBackoff_Launches()
    {
        using var jobs = new TestSupport.Jobs.JobsHarness();
        var id = await jobs.AddTicketAsync("PAY-1");
        jobs.Launcher.FailNext(1);

        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        jobs.Time.Advance(TimeSpan.FromSeconds(5));
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Launched, jobs.State(id));
        Assert.Equal(2, jobs.Tokens.Issued.Count);
        Assert.NotEqual(jobs.Tokens.Issued.First().Token, jobs.Tokens.Issued.Last().Token);
    }

    [Fact]
    public async Task RunOnce_NonRetryableFailure_FailsAtOnce()
    {
        using var jobs = new TestSupport.Jobs.JobsHarness();
        var id = await jobs.AddTicketAsync("PAY-1");
        jobs.Launcher.FailNext(1, "worker image not found", retryable: false);

        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        jobs.Time.Advance(TimeSpan.FromMinutes(10));
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Single(jobs.Launcher.Launches);
        Assert.Equal(JobState.Failed, jobs.State(id));
        Assert.Equal("launch failed: worker image not found", jobs.Reason(id));
    }

    [Theory]
    [InlineData("https://GitHub.com/Acme/Pay.git", "https://github.com/Acme/Pay")]
    [InlineData("https://github.com/acme/pay/", "https://github.com/acme/pay")]
    [InlineData("https://github.com/acme/pay.git/", "https://github.com/acme/pay")]
    [InlineData("git@GitHub.com:acme/pay.git", "git@github.com:acme/pay")]
    public void RepositoryUrl_Normalise_LowercasesTheHostAndDropsGitSuffix(string url, string expected) =>
        Assert.Equal(expected, RepositoryUrl.Normalise(url));

    [Fact]
    public void Migration_AddsTheDispatchColumns()
    {
        using var jobs = new TestSupport.Jobs.JobsHarness();

        Assert.Equal((long)SchemaMigrator.LatestVersion, jobs.Scheduler.Scalar("PRAGMA user_version"));
        Assert.Equal(8L, jobs.Scheduler.Scalar(
            "SELECT count(*) FROM pragma_table_info('jobs') WHERE name IN ('launch_attempts', 'next_launch_at', 'launched_at', 'launcher_ref', 'repository', 'last_seen_at', 'cancel_requested_at', 'cancel_reason')"));
        Assert.Equal("dispatch", SchemaMigrator.Migrations[2].Name);
    }
}
