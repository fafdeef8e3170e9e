using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Costs;

/// <summary>
/// A job's cost as the worker API records it and <c>GET /v1/jobs/{id}</c> shows it: tokens at the prices fixed at launch
/// as progress arrives, the worker's time so far, the result's usage as the final count.
/// </summary>
public sealed class JobSpendTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunningJob_TurnUsageAndTime_ShowsSpendSoFar()
    {
        var time = new FakeTimeProvider(ConductorHost.T0);
        await using var host = await ConductorHost.StartAsync(PricedJobs.Prices, time, cancellationToken: Ct);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-1", Ct);

        // 1M input of which 200k cached and 100k written to the cache, 50k output of which 20k reasoning:
        // 0.7M * 1.25 + 0.2M * 0.125 + 0.1M * 1.5 + 0.05M * 10 = 0.875 + 0.025 + 0.15 + 0.5 = 1.55 USD.
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Turn(jobId, 1_000_000, cached: 200_000, cacheWrite: 100_000, output: 50_000, reasoning: 20_000));
        time.Advance(TimeSpan.FromMinutes(10));

        var cost = (await PricedJobs.JobAsync(host, jobId, Ct)).GetProperty("job").GetProperty("cost");
        Assert.Equal(1.55m, PricedJobs.Money(cost, "tokens"));
        Assert.Equal(0.06m, PricedJobs.Money(cost, "compute")); // 10 minutes at 0.36 USD an hour
        Assert.Equal(1.61m, PricedJobs.Money(cost, "total"));
        Assert.Equal(600_000, cost.GetProperty("computeMs").GetInt64());
        Assert.Equal(("default", "container", "USD"), (cost.GetProperty("pricedAs").GetString(), cost.GetProperty("worker").GetString(), cost.GetProperty("currency").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cost.GetProperty("model").ValueKind); // Agent:Model is empty: the agent's default

        // A second turn adds to it.
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Turn(jobId, 0, output: 100_000));
        cost = (await PricedJobs.JobAsync(host, jobId, Ct)).GetProperty("job").GetProperty("cost");
        Assert.Equal(2.55m, PricedJobs.Money(cost, "tokens"));
    }

    [Fact]
    public async Task ModelRequests_ReplaceTheTurnTotalsOnce()
    {
        await using var host = await ConductorHost.StartAsync(PricedJobs.Prices, new FakeTimeProvider(ConductorHost.T0), cancellationToken: Ct);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-2", Ct);
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Turn(jobId, 800_000));

        // The proxy's counts arrive: from now on they are the job's tokens, and turn totals no longer add.
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Request(jobId, 0, 400_000, 0), PricedJobs.Request(jobId, 1, 400_000, 100_000));
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Turn(jobId, 800_000, output: 100_000));

        var job = (await PricedJobs.JobAsync(host, jobId, Ct)).GetProperty("job");
        Assert.Equal(800_000, job.GetProperty("usage").GetProperty("inputTokens").GetInt64());
        Assert.Equal(100_000, job.GetProperty("usage").GetProperty("outputTokens").GetInt64());
        Assert.Equal(2m, PricedJobs.Money(job.GetProperty("cost"), "tokens")); // 0.8M * 1.25 + 0.1M * 10
        Assert.Equal(2_000_000_000L, host.Scalar("SELECT sum(token_cost) FROM job_spend WHERE job_id = @id", ("@id", jobId)));
    }

    [Fact]
    public async Task Result_ItsUsageIsTheJobsAndTheWorkersTimeEndsWithIt()
    {
        var time = new FakeTimeProvider(ConductorHost.T0);
        await using var host = await ConductorHost.StartAsync(PricedJobs.Prices, time, cancellationToken: Ct);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-3", Ct);
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Turn(jobId, 1_000_000));
        time.Advance(TimeSpan.FromMinutes(30));

        var state = await PricedJobs.ReportAsync(host, token, new ReportResultRequest
        {
            JobId = jobId, Status = ResultStatus.Succeeded, Branch = "agent/x", HeadCommit = "0123abcd", Usage = PricedJobs.Usage(1_200_000, output: 10_000),
        }, Ct);
        time.Advance(TimeSpan.FromHours(3)); // an ended job costs nothing more

        Assert.Equal("succeeded", state);
        var cost = (await PricedJobs.JobAsync(host, jobId, Ct)).GetProperty("job").GetProperty("cost");
        Assert.Equal(1.6m, PricedJobs.Money(cost, "tokens")); // 1.2M * 1.25 + 10k * 10: the result's count, not progress's 1M
        Assert.Equal(0.18m, PricedJobs.Money(cost, "compute")); // launched to ended: 30 minutes
        Assert.Equal(1.78m, PricedJobs.Money(cost, "total"));
        Assert.Equal(1_800_000L, host.Scalar("SELECT compute_ms FROM jobs WHERE id = @id", ("@id", jobId)));
        Assert.Equal(1_200_000L, host.Scalar("SELECT sum(input_tokens) FROM job_spend WHERE job_id = @id", ("@id", jobId)));
    }

    [Fact]
    public async Task LateProgress_AfterTheResult_ChangesNoSpend()
    {
        await using var host = await ConductorHost.StartAsync(PricedJobs.Prices, new FakeTimeProvider(ConductorHost.T0), cancellationToken: Ct);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-4", Ct);
        await PricedJobs.ReportAsync(host, token, new ReportResultRequest { JobId = jobId, Status = ResultStatus.NoChanges, Usage = PricedJobs.Usage(100_000) }, Ct);

        // A progress stream opened before the result may deliver after it; the result's count stays the job's.
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<AgentConductor.Conductor.WorkerApi.WorkerJobStore>(host.Services);
        var tally = new AgentConductor.Conductor.WorkerApi.ProgressTally();
        tally.Add(PricedJobs.Turn(jobId, 500_000).Progress);
        await store.AppendProgressAsync(jobId, [], tally, ConductorHost.T0.AddMinutes(1));

        var cost = (await PricedJobs.JobAsync(host, jobId, Ct)).GetProperty("job").GetProperty("cost");
        Assert.Equal(0.125m, PricedJobs.Money(cost, "tokens"));
    }

    [Fact]
    public async Task AttemptAcrossMidnight_WorkerTimeCountsOnEachDay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 23, 30, 0, TimeSpan.Zero));
        await using var host = await ConductorHost.StartAsync(PricedJobs.Prices, time, cancellationToken: Ct);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-5", Ct);
        time.Advance(TimeSpan.FromMinutes(45));

        await PricedJobs.ReportAsync(host, token, new ReportResultRequest { JobId = jobId, Status = ResultStatus.NoChanges }, Ct);

        Assert.Equal(
            ["2026-11-02 1800000 180000000", "2026-11-03 900000 90000000"],
            host.Strings("SELECT day || ' ' || compute_ms || ' ' || compute_cost FROM job_spend WHERE job_id = @id ORDER BY day", ("@id", jobId)));
    }

    [Fact]
    public async Task NoPrices_CostIsUnknownNotZero()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-6", Ct);
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Turn(jobId, 1_000_000));

        var cost = (await PricedJobs.JobAsync(host, jobId, Ct)).GetProperty("job").GetProperty("cost");

        Assert.Null(PricedJobs.Money(cost, "total"));
        Assert.Null(PricedJobs.Money(cost, "tokens"));
        Assert.Null(PricedJobs.Money(cost, "compute"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cost.GetProperty("pricedAs").ValueKind);
    }

    [Fact]
    public async Task ModelWithItsOwnPrices_ChargedAtThemAndNamedOnTheJob()
    {
        await using var host = await ConductorHost.StartAsync(
            [.. PricedJobs.Prices, "--Agent:Model=gpt-5-codex", "--Prices:Models:GPT-5-Codex:Input=2", "--Prices:Models:GPT-5-Codex:CachedInput=0.2",
             "--Prices:Models:GPT-5-Codex:CacheWriteInput=2.5", "--Prices:Models:GPT-5-Codex:Output=20"],
            new FakeTimeProvider(ConductorHost.T0),
            cancellationToken: Ct);
        var (jobId, token) = await PricedJobs.TicketAsync(host, "PAY-7", Ct);
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Turn(jobId, 1_000_000, output: 100_000));

        var cost = (await PricedJobs.JobAsync(host, jobId, Ct)).GetProperty("job").GetProperty("cost");

        Assert.Equal(4m, PricedJobs.Money(cost, "tokens")); // 1M * 2 + 0.1M * 20
        Assert.Equal(("gpt-5-codex", "GPT-5-Codex"), (cost.GetProperty("model").GetString(), cost.GetProperty("pricedAs").GetString()));
    }
}
