using AgentConductor.Conductor.Jobs;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Jobs;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.Jobs;

public sealed class ReconcilerServiceTests
{
    [Fact]
    public async Task Service_RunsAPassEveryPollInterval()
    {
        using var jobs = new JobsHarness(reconcile: new ReconcileOptions { PollInterval = TimeSpan.FromMinutes(1) });
        await jobs.AddTicketAsync("PAY-1");
        await jobs.Dispatcher.RunOnceAsync(TestContext.Current.CancellationToken);
        using var service = new ReconcilerService(jobs.Reconciler, Options.Create(jobs.ReconcileOptions), jobs.Time, new ListLogger<ReconcilerService>());

        await service.StartAsync(TestContext.Current.CancellationToken);
        await jobs.Time.WaitForTimersAsync(); // the first pass asked about the worker and waits for the poll interval
        var afterFirstPass = jobs.Launcher.StatusBatches.Count;
        jobs.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, jobs.Time.PendingTimers); // still waiting
        Assert.Equal(afterFirstPass, jobs.Launcher.StatusBatches.Count);

        jobs.Time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => jobs.Launcher.StatusBatches.Count > afterFirstPass);
        await service.StopAsync(TestContext.Current.CancellationToken);

        Assert.True(afterFirstPass > 0, "the first pass asked the launcher about the launched worker");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the reconciler service");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
