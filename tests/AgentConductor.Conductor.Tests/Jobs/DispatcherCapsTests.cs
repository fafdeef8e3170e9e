using AgentConductor.Conductor.Jobs;
using AgentConductor.TestSupport.Jobs;

namespace AgentConductor.Conductor.Tests.Jobs;

public sealed class DispatcherCapsTests
{
    [Fact]
    public async Task RunOnce_MaxActive_LaunchesUpToTheCapAndTheRestWait()
    {
        using var jobs = new JobsHarness(new DispatchOptions { MaxActive = 2 });
        var ids = new[] { await jobs.AddTicketAsync("AAA-1"), await jobs.AddTicketAsync("BBB-1"), await jobs.AddTicketAsync("CCC-1") };

        Assert.Equal(2, await jobs.Dispatcher.RunOnceAsync(CancellationToken.None));

        Assert.Equal(JobState.Pending, jobs.State(ids[2]));
        var waiting = Assert.Single(jobs.Dispatcher.QueuePositions());
        Assert.Equal((ids[2], 1, WaitReason.MaxActive), (waiting.JobId, waiting.Position, waiting.Reason));
        Assert.Contains("Dispatch:MaxActive", waiting.Detail, StringComparison.Ordinal);

        jobs.Move(ids[0], JobState.Launched, JobState.Failed);
        Assert.Equal(1, await jobs.Dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Equal(JobState.Launched, jobs.State(ids[2]));
    }

    [Fact]
    public async Task RunOnce_MaxActivePerProject_HoldsTheThirdTicketOfAProject()
    {
        using var jobs = new JobsHarness();
        var ids = new[] { await jobs.AddTicketAsync("PAY-1"), await jobs.AddTicketAsync("PAY-2"), await jobs.AddTicketAsync("PAY-3"), await jobs.AddTicketAsync("OPS-1") };

        Assert.Equal(3, await jobs.Dispatcher.RunOnceAsync(CancellationToken.None));

        Assert.Equal(JobState.Pending, jobs.State(ids[2]));
        Assert.Equal(JobState.Launched, jobs.State(ids[3]));
        Assert.Equal(WaitReason.MaxActivePerProject, Assert.Single(jobs.Dispatcher.QueuePositions()).Reason);
    }

    [Fact]
    public async Task RunOnce_MaxActivePerAccount_HoldsTheSecondIncidentOfAnAccount()
    {
        using var jobs = new JobsHarness();
        var first = await jobs.AddIncidentAsync("111122223333");
        var second = await jobs.AddIncidentAsync("111122223333");
        var other = await jobs.AddIncidentAsync("444455556666");

        Assert.Equal(2, await jobs.Dispatcher.RunOnceAsync(CancellationToken.None));

        Assert.Equal((JobState.Launched, JobState.Pending, JobState.Launched), (jobs.State(first), jobs.State(second), jobs.State(other)));
        Assert.Equal(WaitReason.MaxActivePerAccount, Assert.Single(jobs.Dispatcher.QueuePositions()).Reason);
    }

    [Fact]
    public async Task RunOnce_TwoTicketsOnOneRepository_SecondWaitsUntilTheFirstEnds()
    {
        using var jobs = new JobsHarness();
        jobs.Router.Rule = job => new JobRoute(job.ProjectKey == "PAY" ? "https://GitHub.com/acme/shop.git" : "https://github.com/acme/shop/", "main");
        var first = await jobs.AddTicketAsync("PAY-1");
        var second = await jobs.AddTicketAsync("WEB-1");

        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal((JobState.Launched, JobState.Pending), (jobs.State(first), jobs.State(second)));
        var waiting = Assert.Single(jobs.Dispatcher.QueuePositions());
        Assert.Equal(WaitReason.RepositoryClaimed, waiting.Reason);
        Assert.Contains(first, waiting.Detail, StringComparison.Ordinal);

        jobs.Move(first, JobState.Launched, JobState.Connected);
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(JobState.Pending, jobs.State(second));

        jobs.Move(first, JobState.Connected, JobState.Succeeded);
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(JobState.Launched, jobs.State(second));
    }

    [Fact]
    public async Task QueuePositions_ListsWaitingJobsInOrderWithTheirReasons()
    {
        using var jobs = new JobsHarness(new DispatchOptions { MaxActive = 3 });
        jobs.Router.Rule = job => new JobRoute(job.TicketKey == "WEB-1" ? "https://git.example/acme/PAY-1.git" : $"https://git.example/acme/{job.TicketKey}", "main");
        var running = new[] { await jobs.AddTicketAsync("PAY-1"), await jobs.AddTicketAsync("PAY-2") };
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        var sameRepo = await jobs.AddTicketAsync("WEB-1");
        var sameProject = await jobs.AddTicketAsync("PAY-3");
        var ready = await jobs.AddTicketAsync("OPS-1");
        var overCap = await jobs.AddTicketAsync("OPS-2");

        var queue = jobs.Dispatcher.QueuePositions();

        Assert.Equal(2, running.Length);
        Assert.Equal(
            [(sameRepo, 1, WaitReason.RepositoryClaimed), (sameProject, 2, WaitReason.MaxActivePerProject), (ready, 3, WaitReason.Ready), (overCap, 4, WaitReason.MaxActive)],
            queue.Select(q => (q.JobId, q.Position, q.Reason)));
    }
}
