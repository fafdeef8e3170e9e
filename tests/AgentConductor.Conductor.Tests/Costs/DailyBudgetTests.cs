using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.TestSupport.Jobs;

namespace AgentConductor.Conductor.Tests.Costs;

/// <summary>
/// Daily caps in the dispatcher: once today's spend (UTC) reaches a cap nothing more launches under it; the jobs wait with
/// the reason <c>budget</c> and go on the next UTC day or when the cap is raised. The spend is the stored tally (plus
/// running workers' time), so a restart keeps it. Spend here is worker time: 10 USD an hour, so 30 minutes cost 5 USD.
/// </summary>
public sealed class DailyBudgetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DailyCost_Reached_HoldsTheQueueUntilTheNextUtcDay()
    {
        using var jobs = Harness(new BudgetOptions { DailyCost = 5 });
        await SpendAsync(jobs, "PAY-1", TimeSpan.FromMinutes(30));
        var held = await jobs.AddTicketAsync("OPS-1");

        Assert.Equal(0, await jobs.Dispatcher.RunOnceAsync(Ct));

        Assert.Equal(JobState.Pending, jobs.State(held));
        var wait = Assert.Single(jobs.Dispatcher.QueuePositions());
        Assert.Equal((held, WaitReason.Budget), (wait.JobId, wait.Reason));
        Assert.Equal(
            "Budget:DailyCost (5.00 USD) is reached: 5.00 USD spent on 2026-11-02 (UTC); launches resume at 2026-11-03T00:00:00Z or when the cap is raised",
            wait.Detail);

        jobs.Time.Advance(UtcDays.Start(new DateOnly(2026, 11, 3)) - jobs.Time.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await jobs.Dispatcher.RunOnceAsync(Ct)); // 23:59:59: still today
        jobs.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await jobs.Dispatcher.RunOnceAsync(Ct)); // midnight UTC: a new day, nothing spent yet
        Assert.Equal(JobState.Launched, jobs.State(held));
    }

    [Fact]
    public async Task DailyCost_Restart_KeepsTheTally()
    {
        using var jobs = Harness(new BudgetOptions { DailyCost = 5 });
        await SpendAsync(jobs, "PAY-1", TimeSpan.FromMinutes(30));
        var held = await jobs.AddTicketAsync("OPS-1");

        jobs.Restart();

        Assert.Equal(0, await jobs.Dispatcher.RunOnceAsync(Ct));
        Assert.Equal(WaitReason.Budget, Assert.Single(jobs.Dispatcher.QueuePositions()).Reason);
        Assert.Equal(JobState.Pending, jobs.State(held));
    }

    [Fact]
    public async Task DailyCost_Raised_ReleasesOnTheNextPass()
    {
        using var jobs = Harness(new BudgetOptions { DailyCost = 5 });
        await SpendAsync(jobs, "PAY-1", TimeSpan.FromMinutes(30));
        var held = await jobs.AddTicketAsync("OPS-1");
        Assert.Equal(0, await jobs.Dispatcher.RunOnceAsync(Ct));

        jobs.Budget.Set(new BudgetOptions { DailyCost = 6 });

        Assert.Equal(1, await jobs.Dispatcher.RunOnceAsync(Ct));
        Assert.Equal(JobState.Launched, jobs.State(held));
    }

    [Fact]
    public async Task DailyCost_RunningWorker_CountsItsTimeSoFar()
    {
        using var jobs = Harness(new BudgetOptions { DailyCost = 5 });
        var running = await jobs.AddTicketAsync("PAY-1");
        await jobs.Dispatcher.RunOnceAsync(Ct);
        jobs.Move(running, JobState.Launched, JobState.Connected);
        var held = await jobs.AddTicketAsync("OPS-1");
        jobs.Time.Advance(TimeSpan.FromMinutes(31));

        await jobs.Dispatcher.RunOnceAsync(Ct);

        Assert.Equal(JobState.Pending, jobs.State(held));
        Assert.Equal(WaitReason.Budget, Assert.Single(jobs.Dispatcher.QueuePositions()).Reason);
    }

    [Fact]
    public async Task DailyCostPerProject_Reached_HoldsOnlyThatProject()
    {
        using var jobs = Harness(new BudgetOptions { DailyCostPerProject = 5 });
        await SpendAsync(jobs, "PAY-1", TimeSpan.FromMinutes(30));
        var pay = await jobs.AddTicketAsync("PAY-2");
        var ops = await jobs.AddTicketAsync("OPS-1");

        await jobs.Dispatcher.RunOnceAsync(Ct);

        Assert.Equal((JobState.Pending, JobState.Launched), (jobs.State(pay), jobs.State(ops)));
        var wait = Assert.Single(jobs.Dispatcher.QueuePositions());
        Assert.Equal(WaitReason.Budget, wait.Reason);
        Assert.StartsWith("Budget:DailyCostPerProject (5.00 USD) is reached: 5.00 USD spent by project PAY on 2026-11-02 (UTC)", wait.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DailyCostPerAccount_Reached_HoldsOnlyThatAccount()
    {
        using var jobs = Harness(new BudgetOptions { DailyCostPerAccount = 4 });
        var first = await jobs.AddIncidentAsync("111122223333");
        await jobs.Dispatcher.RunOnceAsync(Ct);
        jobs.Move(first, JobState.Launched, JobState.Connected);
        jobs.Time.Advance(TimeSpan.FromMinutes(24)); // 4 USD
        jobs.Move(first, JobState.Connected, JobState.Failed);
        var same = await jobs.AddIncidentAsync("111122223333");
        var other = await jobs.AddIncidentAsync("444455556666");

        await jobs.Dispatcher.RunOnceAsync(Ct);

        Assert.Equal((JobState.Pending, JobState.Launched), (jobs.State(same), jobs.State(other)));
        Assert.Contains("Budget:DailyCostPerAccount (4.00 USD) is reached: 4.00 USD spent by account 111122223333", Assert.Single(jobs.Dispatcher.QueuePositions()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DailyCost_UnderTheCap_LaunchesAsUsual()
    {
        using var jobs = Harness(new BudgetOptions { DailyCost = 5 });
        await SpendAsync(jobs, "PAY-1", TimeSpan.FromMinutes(29));
        var next = await jobs.AddTicketAsync("OPS-1");

        Assert.Equal(1, await jobs.Dispatcher.RunOnceAsync(Ct));
        Assert.Equal(JobState.Launched, jobs.State(next));
    }

    private static JobsHarness Harness(BudgetOptions budget) => new(
        prices: new PriceOptions { Compute = new ComputePriceOptions { ContainerHour = 10 } },
        budget: budget);

    /// <summary>A job whose worker runs for <paramref name="run"/> and fails: its time is spent today.</summary>
    private static async Task SpendAsync(JobsHarness jobs, string key, TimeSpan run)
    {
        var job = await jobs.AddTicketAsync(key);
        Assert.Equal(1, await jobs.Dispatcher.RunOnceAsync(Ct));
        jobs.Move(job, JobState.Launched, JobState.Connected);
        jobs.Time.Advance(run);
        jobs.Move(job, JobState.Connected, JobState.Failed);
    }
}
