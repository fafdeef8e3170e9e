using AgentConductor.Conductor.Jobs;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.Jobs;

public sealed class DispatcherServiceTests
{
    [Fact]
    public async Task Service_Poked_RunsAPassWithoutWaitingForThePollInterval()
    {
        using var jobs = new JobsHarness();
        await jobs.AddTicketAsync("PAY-1");
        using var provider = new ServiceCollection()
            .AddSingleton<IJobRouter>(jobs.Router).AddSingleton<IJobTokenIssuer>(jobs.Tokens).AddSingleton(jobs.Dispatcher)
            .BuildServiceProvider();
        using var service = new DispatcherService(provider, jobs.Signal, Options.Create(jobs.DispatchOptions), jobs.Time, new ListLogger<DispatcherService>());

        await service.StartAsync(TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => jobs.Launcher.Launches.Count == 1);
        var second = await jobs.AddTicketAsync("OPS-1"); // the fake clock moves 1 s: far less than the poll interval
        jobs.Signal.Poke();
        await WaitUntilAsync(() => jobs.Launcher.Launches.Count == 2);
        await service.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(JobState.Launched, jobs.State(second));
    }

    [Fact]
    public async Task Service_NotPoked_RunsTheNextPassWhenThePollIntervalHasPassed()
    {
        using var jobs = new JobsHarness(new DispatchOptions { PollInterval = TimeSpan.FromMinutes(1) });
        using var provider = new ServiceCollection()
            .AddSingleton<IJobRouter>(jobs.Router).AddSingleton<IJobTokenIssuer>(jobs.Tokens).AddSingleton(jobs.Dispatcher)
            .BuildServiceProvider();
        using var service = new DispatcherService(provider, jobs.Signal, Options.Create(jobs.DispatchOptions), jobs.Time, new ListLogger<DispatcherService>());

        await service.StartAsync(TestContext.Current.CancellationToken);
        await jobs.Time.WaitForTimersAsync(); // the first pass found nothing and waits for the poll interval
        var id = await jobs.AddTicketAsync("PAY-1"); // the fake clock moves 1 s; nothing pokes the dispatcher
        jobs.Time.Advance(TimeSpan.FromSeconds(58));
        Assert.Equal(1, jobs.Time.PendingTimers); // 59 s into the minute: still waiting
        Assert.Empty(jobs.Launcher.Launches);

        jobs.Time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => jobs.Launcher.Launches.Count == 1);
        await service.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(JobState.Launched, jobs.State(id));
    }

    [Fact]
    public async Task Service_WithoutRouterOrTokenIssuer_StaysIdle()
    {
        using var jobs = new JobsHarness();
        await jobs.AddTicketAsync("PAY-1");
        using var provider = new ServiceCollection().BuildServiceProvider();
        var log = new ListLogger<DispatcherService>();
        using var service = new DispatcherService(provider, jobs.Signal, Options.Create(jobs.DispatchOptions), jobs.Time, log);

        await service.StartAsync(TestContext.Current.CancellationToken);
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(1, log.Count("DispatcherUnbound"));
        Assert.Empty(jobs.Launcher.Launches);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the dispatcher service");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
