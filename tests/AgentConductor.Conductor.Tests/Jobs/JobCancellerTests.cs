using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Launching;
using AgentConductor.TestSupport.Jobs;

namespace AgentConductor.Conductor.Tests.Jobs;

public sealed class JobCancellerTests
{
    [Fact]
    public async Task Cancel_Pending_CancelsAtOnceAndItIsNeverLaunched()
    {
        using var jobs = new JobsHarness();
        var id = await jobs.AddTicketAsync("PAY-1");

        Assert.Equal(CancelOutcome.Cancelled, await jobs.Canceller.CancelAsync(id, "ticket withdrawn", CancellationToken.None));
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Cancelled, jobs.State(id));
        Assert.Equal("cancelled: ticket withdrawn", jobs.Reason(id));
        Assert.Empty(jobs.Launcher.Launches);
    }

    [Fact]
    public async Task Cancel_Running_RequestsThenStopsAfterTheGrace()
    {
        using var jobs = new JobsHarness(reconcile: new ReconcileOptions { CancelGrace = TimeSpan.FromSeconds(30) });
        var id = await jobs.AddTicketAsync("PAY-1");
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);
        jobs.Move(id, JobState.Launched, JobState.Connected);
        jobs.Move(id, JobState.Connected, JobState.Running);

        Assert.Equal(CancelOutcome.Requested, await jobs.Canceller.CancelAsync(id, "operator", CancellationToken.None));
        jobs.Time.Advance(TimeSpan.FromSeconds(29));
        jobs.Heartbeat(id);
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal(JobState.Running, jobs.State(id));
        Assert.Empty(jobs.Launcher.Stops);

        jobs.Time.Advance(TimeSpan.FromSeconds(1));
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Cancelled, jobs.State(id));
        Assert.StartsWith("cancelled: operator", jobs.Reason(id), StringComparison.Ordinal);
        Assert.Single(jobs.Launcher.Stops);
        Assert.Equal(CancelOutcome.AlreadyEnded, await jobs.Canceller.CancelAsync(id, "again", CancellationToken.None));
    }

    [Fact]
    public async Task Cancel_WorkerExitsByItselfWithinTheGrace_IsCancelledWithoutAStop()
    {
        using var jobs = new JobsHarness();
        var id = await jobs.AddTicketAsync("PAY-1");
        await jobs.Dispatcher.RunOnceAsync(CancellationToken.None);

        await jobs.Canceller.CancelAsync(id, "operator", CancellationToken.None);
        jobs.Launcher.Workers[FakeLauncher.ReferenceOf(id)] = WorkerStatus.Exited(130);
        await jobs.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Equal(JobState.Cancelled, jobs.State(id));
        Assert.Empty(jobs.Launcher.Stops);
        Assert.Equal(CancelOutcome.NotFound, await jobs.Canceller.CancelAsync("nope", "x", CancellationToken.None));
    }
}
