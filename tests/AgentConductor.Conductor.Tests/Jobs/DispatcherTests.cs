using AgentConductor.Conductor.Jobs;
using AgentConductor.TestSupport.Jobs;

namespace AgentConductor.Conductor.Tests.Jobs;

public sealed class DispatcherTests
{
    [Fact]
    public async Task RunOnce_PendingJob_LaunchesWithAFreshTokenAndRecordsTheWorker()
    {
        using var jobs = new JobsHarness(new DispatchOptions { ConductorUrl = "http://127.0.0.1:7000" });
        var id = await jobs.AddTicketAsync("PAY-1");

        var launched = await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal(1, launched);
        var request = Assert.Single(jobs.Launcher.Launches);
        Assert.Equal((id, 1, "http://127.0.0.1:7000", "https://git.example/acme/PAY-1.git", "main"),
            (request.JobId, request.Attempt, request.ConductorUrl, request.CloneUrl, request.BaseBranch));
        Assert.Equal("launch 1 of attempt 1", jobs.Scheduler.Scalar($"SELECT reason FROM job_events WHERE job_id = '{id}' AND to_state = 'launching'"));
        Assert.Equal(Assert.Single(jobs.Tokens.Issued).Token, request.Token);
        Assert.DoesNotContain(request.Token, request.ToString(), StringComparison.Ordinal);
        var job = jobs.Job(id);
        Assert.Equal(JobState.Launched, job.State);
        Assert.Equal((FakeLauncher.ReferenceOf(id), jobs.Time.GetUtcNow(), 1), (job.LauncherRef, job.LaunchedAt, job.LaunchAttempts));
        Assert.Equal("https://git.example/acme/PAY-1", job.Repository);
        Assert.Equal(["pending", "launching", "launched"], jobs.History(id));
    }

    [Fact]
    public async Task RunOnce_SeveralPending_LaunchesInCreationOrder()
    {
        using var jobs = new JobsHarness();
        var first = await jobs.AddTicketAsync("PAY-1");
        var second = await jobs.AddTicketAsync("OPS-1");
        var third = await jobs.AddIncidentAsync("111122223333");

        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal([first, second, third], jobs.Launcher.Launches.Select(l => l.JobId));
    }

    [Fact]
    public async Task RunOnce_NoRoute_FailsWithoutLaunching()
    {
        using var jobs = new JobsHarness();
        jobs.Router.Unrouted.Add("PAY");
        var id = await jobs.AddTicketAsync("PAY-1");

        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Failed, jobs.State(id));
        Assert.StartsWith("no route for ticket PAY-1 (project PAY)", jobs.Reason(id), StringComparison.Ordinal);
        Assert.Empty(jobs.Launcher.Launches);
        Assert.Empty(jobs.Tokens.Issued);
        Assert.Equal(1, jobs.DispatcherLog.Count("JobNoRoute"));
    }

    [Fact]
    public async Task RunOnce_GateClosed_LaunchesNothing()
    {
        using var jobs = new JobsHarness();
        var id = await jobs.AddTicketAsync("PAY-1");
        jobs.CloseGate();

        Assert.Equal(0, await jobs.Dispatcher.RunOnceAsync(CancellationToken.None));

        Assert.Empty(jobs.Launcher.Launches);
        Assert.Equal(JobState.Pending, jobs.State(id));
        Assert.Equal(WaitReason.ShutdownGate, Assert.Single(jobs.Dispatcher.QueuePositions()).Reason);
    }

    [Fact]
    public async Task RunOnce_CrashLeftAJobLaunching_RelaunchesItExactlyOnce()
    {
        using var jobs = new JobsHarness();
        var id = await jobs.AddTicketAsync("PAY-1");
        jobs.Move(id, JobState.Pending, JobState.Launching);
        jobs.Restart();

        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal(id, Assert.Single(jobs.Launcher.Launches).JobId);
        Assert.Equal(JobState.Launched, jobs.State(id));
        Assert.Equal(1, jobs.DispatcherLog.Count("JobRelaunching"));
    }

    [Fact]
    public async Task RunOnce_CrashAfterTheWorkerStarted_DoesNotStartASecondWorker()
    {
        using var jobs = new JobsHarness();
        var id = await jobs.AddTicketAsync("PAY-1");
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        jobs.Scheduler.Scalar($"UPDATE jobs SET state = 'launching' WHERE id = '{id}'"); // as if the crash came before launching -> launched
        jobs.Restart();

        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal(2, jobs.Launcher.Launches.Count);
        Assert.Single(jobs.Launcher.Started);
        Assert.Equal(JobState.Launched, jobs.State(id));
    }
}
