using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Costs;

/// <summary>The handshake gives the worker the job's caps and prices as fixed at launch, and the link to the job's page.</summary>
public sealed class JobSpecBudgetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Handshake_PricesAndCaps_InTheSpecAsFixedAtLaunch()
    {
        await using var host = await ConductorHost.StartAsync(
            [.. PricedJobs.Prices, "--Budget:MaxCostPerJob=5.5", "--Budget:MaxTokensPerJob=2000000", "--Notify:PublicUrl=https://conductor.example.com/"],
            new FakeTimeProvider(ConductorHost.T0),
            cancellationToken: Ct);
        var (jobId, token) = await LaunchAsync(host, "PAY-1");

        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct))).Job;

        Assert.Equal(new Usd { Units = 5, Nanos = 500_000_000 }, spec.Budget.MaxCost);
        Assert.Equal(2_000_000, spec.Budget.MaxTokens);
        Assert.Equal(new Usd { Nanos = 360_000_000 }, spec.Budget.ComputePerHour);
        Assert.Equal(
            new TokenPrices
            {
                Entry = "default",
                Input = new Usd { Units = 1, Nanos = 250_000_000 },
                CachedInput = new Usd { Nanos = 125_000_000 },
                CacheWriteInput = new Usd { Units = 1, Nanos = 500_000_000 },
                Output = new Usd { Units = 10 },
            },
            spec.Budget.TokenPrices);
        Assert.Equal($"https://conductor.example.com/#/jobs/{jobId}", spec.JobUrl);

        // The caps shown on the job are the ones its worker got.
        var budget = (await PricedJobs.JobAsync(host, jobId, Ct)).GetProperty("job").GetProperty("budget");
        Assert.Equal((5.5m, 2_000_000L), (budget.GetProperty("maxCost").GetDecimal(), budget.GetProperty("maxTokens").GetInt64()));
    }

    [Fact]
    public async Task Handshake_NoPricesNoCaps_NoBudgetAndNoLink()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await LaunchAsync(host, "PAY-2");

        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct))).Job;

        Assert.Null(spec.Budget);
        Assert.Equal("", spec.JobUrl);
    }

    [Fact]
    public async Task Handshake_TokenCapWithoutPrices_OnlyTheTokenCap()
    {
        await using var host = await ConductorHost.StartAsync(["--Budget:MaxTokensPerJob=1000"], cancellationToken: Ct);
        var (jobId, token) = await LaunchAsync(host, "PAY-3");

        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct))).Job;

        Assert.Equal(1000, spec.Budget.MaxTokens);
        Assert.Null(spec.Budget.MaxCost);
        Assert.Null(spec.Budget.TokenPrices);
    }

    private static async Task<(string JobId, string Token)> LaunchAsync(ConductorHost host, string key)
    {
        var at = PricedJobs.Time(host).GetUtcNow();
        var result = await host.Services.GetRequiredService<Scheduler>().ScheduleAsync([new InboundMessage("m-" + key, Messages.TicketCreated(key, at), at)], Ct);
        var jobId = result.Decisions.Single().JobId;
        await host.Services.GetRequiredService<Dispatcher>().RunOnceAsync(Ct);
        return (jobId, host.Launcher.Launches.Single(l => l.JobId == jobId).Token);
    }
}
