using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Launching;
using AgentConductor.TestSupport.Jobs;

namespace AgentConductor.Conductor.Tests.Jobs;

public sealed class ReconcilerTests
{
    private static readonly ReconcileOptions NoRetry = new() { RetryLost = false };

    [Fact]
    public async Task RunOnce_NoHandshakeByTheDeadline_StopsAndLoses()
    {
        using var jobs = new JobsHarness(reconcile: NoRetry);
        var id = await LaunchAsync(jobs, "PAY-1");

        jobs.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal(JobState.Launched, jobs.State(id));

        jobs.Time.Advance(TimeSpan.FromSeconds(1));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Lost, jobs.State(id));
        Assert.Contains("no handshake within Reconcile:HandshakeTimeout", jobs.Reason(id), StringComparison.Ordinal);
        Assert.Equal(FakeLauncher.ReferenceOf(id), Assert.Single(jobs.Launcher.Stops).Reference);
    }

    [Fact]
    public async Task RunOnce_StopsAWorker_GivesTheLauncherTheStopGrace()
    {
        using var jobs = new JobsHarness(reconcile: new ReconcileOptions { RetryLost = false, StopGrace = TimeSpan.FromSeconds(42) });
        var id = await LaunchAsync(jobs, "PAY-1");

        jobs.Time.Advance(jobs.ReconcileOptions.HandshakeTimeout);
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Lost, jobs.State(id));
        Assert.Equal((FakeLauncher.ReferenceOf(id), TimeSpan.FromSeconds(42)), Assert.Single(jobs.Launcher.Stops));
    }

    [Fact]
    public async Task RunOnce_LostBeforeRunning_IsRetriedUnderMaxAttemptsThenStaysLost()
    {
        using var jobs = new JobsHarness();
        var id = await LaunchAsync(jobs, "PAY-1");
        jobs.Move(id, JobState.Launched, JobState.Connected);

        jobs.Time.Advance(TimeSpan.FromMinutes(2));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        var retried = jobs.Job(id);
        Assert.Equal((JobState.Pending, 2, 0, null), (retried.State, retried.Attempt, retried.LaunchAttempts, retried.LauncherRef));
        Assert.Equal(["pending", "launching", "launched", "connected", "lost", "pending"], jobs.History(id));
        Assert.Equal("retry: attempt 2 of 2 (the worker was lost before it ran)", jobs.Reason(id));

        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Equal((1, 2), (jobs.Launcher.Launches.First().Attempt, jobs.Launcher.Launches.Last().Attempt));
        Assert.Equal("launch 1 of attempt 2", jobs.Scheduler.Scalar($"SELECT reason FROM job_events WHERE job_id = '{id}' AND to_state = 'launching' ORDER BY id DESC LIMIT 1"));
        jobs.Time.Advance(TimeSpan.FromMinutes(10));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Lost, jobs.State(id));
        Assert.Equal(2, jobs.Launcher.Stops.Count);
    }

    [Fact]
    public async Task RunOnce_HeartbeatsStop_LosesARunningJobWithoutRetry()
    {
        using var jobs = new JobsHarness();
        var id = await LaunchAsync(jobs, "PAY-1");
        jobs.Move(id, JobState.Launched, JobState.Connected);
        jobs.Move(id, JobState.Connected, JobState.Running);
        for (var i = 0; i < 5; i++)
        {
            jobs.Time.Advance(TimeSpan.FromMinutes(1));
            jobs.Heartbeat(id);
            await jobs.Reconciler.RunOnceAsync(CancellationToken.None);
            Assert.Equal(JobState.Running, jobs.State(id));
        }

        jobs.Time.Advance(TimeSpan.FromMinutes(2));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Lost, jobs.State(id));
        Assert.Contains("no heartbeat", jobs.Reason(id), StringComparison.Ordinal);
        Assert.Single(jobs.Launcher.Stops);
    }

    [Fact]
    public async Task RunOnce_WorkerEndsBeforeItsHandshake_IsLostAndRetriedThenStaysLost()
    {
        using var jobs = new JobsHarness();
        var id = await LaunchAsync(jobs, "PAY-1");
        jobs.Launcher.Workers[FakeLauncher.ReferenceOf(id)] = WorkerStatus.Exited(41);

        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal((JobState.Pending, 2), (jobs.Job(id).State, jobs.Job(id).Attempt));
        Assert.Equal(["pending", "launching", "launched", "lost", "pending"], jobs.History(id));
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        jobs.Launcher.Workers[FakeLauncher.ReferenceOf(id)] = WorkerStatus.Gone("task stopped: CannotPullContainerError");
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Lost, jobs.State(id));
        Assert.Equal("worker gone: task stopped: CannotPullContainerError before its handshake", jobs.Reason(id));
    }

    [Fact]
    public async Task RunOnce_LauncherSaysExited_FailsWithTheExitCode()
    {
        using var jobs = new JobsHarness();
        var id = await LaunchAsync(jobs, "PAY-1");
        jobs.Move(id, JobState.Launched, JobState.Connected);
        jobs.Launcher.Workers[FakeLauncher.ReferenceOf(id)] = WorkerStatus.Exited(3);

        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Failed, jobs.State(id));
        Assert.Equal("worker exited with code 3", jobs.Reason(id));
    }

    [Fact]
    public async Task RunOnce_LauncherSaysGone_FailsWithItsReason()
    {
        using var jobs = new JobsHarness();
        var id = await LaunchAsync(jobs, "PAY-1");
        jobs.Move(id, JobState.Launched, JobState.Connected);
        jobs.Launcher.Workers[FakeLauncher.ReferenceOf(id)] = WorkerStatus.Gone("task stopped: OutOfMemoryError");

        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Failed, jobs.State(id));
        Assert.Equal("worker gone: task stopped: OutOfMemoryError", jobs.Reason(id));
    }

    [Fact]
    public async Task RunOnce_JobTimeout_RequestsCancelThenStopsAfterTheGraceAsTimedOut()
    {
        using var jobs = new JobsHarness(reconcile: new ReconcileOptions { JobTimeout = TimeSpan.FromMinutes(30), CancelGrace = TimeSpan.FromSeconds(30) });
        var id = await LaunchAsync(jobs, "PAY-1");
        jobs.Move(id, JobState.Launched, JobState.Connected);
        jobs.Move(id, JobState.Connected, JobState.Running);

        jobs.Time.Advance(TimeSpan.FromMinutes(30));
        jobs.Heartbeat(id);
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal((JobState.Running, jobs.Time.GetUtcNow()), (jobs.State(id), jobs.Job(id).CancelRequestedAt));

        jobs.Time.Advance(TimeSpan.FromSeconds(29));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Empty(jobs.Launcher.Stops);

        jobs.Time.Advance(TimeSpan.FromSeconds(1));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.TimedOut, jobs.State(id));
        Assert.Contains("Reconcile:JobTimeout", jobs.Reason(id), StringComparison.Ordinal);
        Assert.Single(jobs.Launcher.Stops);
    }

    [Fact]
    public async Task RunOnce_AfterRestart_LeavesLiveWorkersClosesDeadOnesAndStopsOrphans()
    {
        using var jobs = new JobsHarness();
        var live = await LaunchAsync(jobs, "PAY-1");
        var dead = await LaunchAsync(jobs, "OPS-1");
        foreach (var id in new[] { live, dead })
        {
            jobs.Move(id, JobState.Launched, JobState.Connected);
            jobs.Move(id, JobState.Connected, JobState.Running);
        }

        jobs.Launcher.Workers[FakeLauncher.ReferenceOf(dead)] = WorkerStatus.Gone("no such process");
        jobs.Launcher.Workers["fake/01orphan"] = WorkerStatus.Running;
        jobs.Time.Advance(TimeSpan.FromMinutes(5)); // the conductor was down longer than the heartbeat timeout
        jobs.Restart();

        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Running, jobs.State(live));
        Assert.Equal(jobs.Time.GetUtcNow(), jobs.Job(live).LastSeenAt);
        Assert.Equal(JobState.Failed, jobs.State(dead));
        Assert.Equal("fake/01orphan", Assert.Single(jobs.Launcher.Stops).Reference);
    }

    [Fact]
    public async Task RunOnce_AfterRestart_StopsAnotherWorkerOfAnActiveJobButNotTheWorkerOfALaunchingJob()
    {
        using var jobs = new JobsHarness();
        var connected = await LaunchAsync(jobs, "PAY-1");
        jobs.Move(connected, JobState.Launched, JobState.Connected);
        var launching = await jobs.AddTicketAsync("OPS-1");
        jobs.Move(launching, JobState.Pending, JobState.Launching); // the conductor stopped while launching it
        jobs.Launcher.Listed.Enqueue(new KnownWorker(connected, "task/superseded", WorkerStatus.Running));
        jobs.Launcher.Listed.Enqueue(new KnownWorker(launching, "task/being-launched", WorkerStatus.Running));
        jobs.Restart();

        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal("task/superseded", Assert.Single(jobs.Launcher.Stops).Reference);
        Assert.Equal((JobState.Connected, JobState.Launching), (jobs.State(connected), jobs.State(launching)));
    }

    [Fact]
    public async Task RunOnce_LauncherCannotList_StillEndsJobsAndAdoptsOnALaterPass()
    {
        using var jobs = new JobsHarness();
        var id = await LaunchAsync(jobs, "PAY-1");
        jobs.Move(id, JobState.Launched, JobState.Connected);
        jobs.Launcher.Workers[FakeLauncher.ReferenceOf(id)] = WorkerStatus.Exited(3);
        jobs.Launcher.Workers["fake/01orphan"] = WorkerStatus.Running;
        jobs.Launcher.ListFailure = new InvalidOperationException("ListTasks failed: AccessDeniedException");
        jobs.Restart();

        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal(JobState.Failed, jobs.State(id));
        Assert.Empty(jobs.Launcher.Stops);

        jobs.Launcher.ListFailure = null;
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal("fake/01orphan", Assert.Single(jobs.Launcher.Stops).Reference);
    }

    [Fact]
    public async Task RunOnce_AfterALongDowntimeWithoutAdoption_LiveWorkersGetFullWindowsFromTheRestart()
    {
        using var jobs = new JobsHarness(reconcile: NoRetry);
        var connected = await LaunchAsync(jobs, "PAY-1");
        jobs.Move(connected, JobState.Launched, JobState.Connected);
        var launched = await LaunchAsync(jobs, "PAY-2"); // its worker retries the handshake while the conductor is down
        jobs.Time.Advance(TimeSpan.FromHours(1)); // down far longer than both windows
        jobs.Launcher.ListFailure = new InvalidOperationException("ListTasks failed: ThrottlingException");
        jobs.Restart();

        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);
        jobs.Time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal((JobState.Connected, JobState.Launched), (jobs.State(connected), jobs.State(launched)));
        Assert.Empty(jobs.Launcher.Stops);

        jobs.Time.Advance(TimeSpan.FromSeconds(1));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal((JobState.Lost, JobState.Launched), (jobs.State(connected), jobs.State(launched)));
        Assert.Contains("no heartbeat", jobs.Reason(connected), StringComparison.Ordinal);

        jobs.Time.Advance(TimeSpan.FromMinutes(8));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal(JobState.Lost, jobs.State(launched));
        Assert.Contains("no handshake", jobs.Reason(launched), StringComparison.Ordinal);
    }

    private static async Task<string> LaunchAsync(JobsHarness jobs, string key)
    {
        var id = await jobs.AddTicketAsync(key);
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None); // the startup pass (re-adoption) is behind us
        Assert.Equal(JobState.Launched, jobs.State(id));
        return id;
    }
}
