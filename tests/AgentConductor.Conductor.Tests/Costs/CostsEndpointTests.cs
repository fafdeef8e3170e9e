using System.Net;
using System.Text.Json;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Costs;

/// <summary><c>GET /v1/costs</c>: spend per UTC day, Jira project and AWS account, and today against the daily caps.</summary>
public sealed class CostsEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Costs_JobsOverTwoDays_TotalsByDayProjectAndAccount()
    {
        var time = new FakeTimeProvider(ConductorHost.T0); // 2026-11-02 14:00 UTC
        await using var host = await ConductorHost.StartAsync(
            [.. PricedJobs.Prices, "--Budget:DailyCost=2.2", "--Budget:DailyCostPerProject=1"], time, cancellationToken: Ct);

        // Day 1 (the cap of 2.20 USD a day is not reached): PAY-1 (1M input: 1.25, 10 minutes: 0.06) and OPS-1 (0.1M output: 1.00, 20 minutes: 0.12).
        var (pay1, token) = await PricedJobs.TicketAsync(host, "PAY-1", Ct);
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Turn(pay1, 1_000_000));
        time.Advance(TimeSpan.FromMinutes(10));
        await PricedJobs.ReportAsync(host, token, new ReportResultRequest { JobId = pay1, Status = ResultStatus.NoChanges, Usage = PricedJobs.Usage(1_000_000) }, Ct);
        var (ops1, opsToken) = await PricedJobs.TicketAsync(host, "OPS-1", Ct);
        time.Advance(TimeSpan.FromMinutes(20));
        await PricedJobs.ReportAsync(host, opsToken, new ReportResultRequest { JobId = ops1, Status = ResultStatus.NoChanges, Usage = PricedJobs.Usage(0, output: 100_000) }, Ct);

        // Day 2: an incident (0.2M output: 2.00, 30 minutes: 0.18), then PAY-2 running for 10 minutes (0.06 so far).
        time.Advance(new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero) - time.GetUtcNow());
        var (incident, incidentToken) = await PricedJobs.IncidentAsync(host, "111122223333", Ct);
        time.Advance(TimeSpan.FromMinutes(30));
        await PricedJobs.ReportAsync(host, incidentToken, new ReportResultRequest { JobId = incident, Status = ResultStatus.NoChanges, Usage = PricedJobs.Usage(0, output: 200_000) }, Ct);
        await PricedJobs.TicketAsync(host, "PAY-2", Ct);
        time.Advance(TimeSpan.FromMinutes(10));

        using var report = JsonDocument.Parse(await host.Http.GetStringAsync("/v1/costs", Ct));
        var r = report.RootElement;

        Assert.Equal(("USD", "2026-10-05", "2026-11-03"), (r.GetProperty("currency").GetString(), r.GetProperty("from").GetString(), r.GetProperty("to").GetString()));
        Assert.Equal((4.67m, 4.25m, 0.42m, 4, 0), Totals(r.GetProperty("total")));
        Assert.Equal(
            ["2026-11-02 2.43 2.25 0.18 2", "2026-11-03 2.24 2 0.24 2"],
            Rows(r.GetProperty("days"), d => $"{d.GetProperty("day").GetString()} {d.GetProperty("cost").GetDecimal()} {d.GetProperty("tokenCost").GetDecimal()} {d.GetProperty("computeCost").GetDecimal()} {d.GetProperty("jobs").GetInt32()}"));
        Assert.Equal(["PAY 1.37 2", "OPS 1.12 1"], Rows(r.GetProperty("projects"), p => $"{p.GetProperty("project").GetString()} {p.GetProperty("cost").GetDecimal()} {p.GetProperty("jobs").GetInt32()}"));
        Assert.Equal(["111122223333 2.18 1"], Rows(r.GetProperty("accounts"), a => $"{a.GetProperty("account").GetString()} {a.GetProperty("cost").GetDecimal()} {a.GetProperty("jobs").GetInt32()}"));

        var today = r.GetProperty("today");
        Assert.Equal(("2026-11-03", 2.24m), (today.GetProperty("day").GetString(), today.GetProperty("spent").GetDecimal()));
        Assert.Equal(
            ["Budget:DailyCost - 2.2 2.24 True", "Budget:DailyCostPerProject PAY 1 0.06 False"],
            Rows(today.GetProperty("caps"), c => $"{c.GetProperty("setting").GetString()} {c.GetProperty("key").GetString() ?? "-"} {c.GetProperty("cap").GetDecimal()} {c.GetProperty("spent").GetDecimal()} {c.GetProperty("reached").GetBoolean()}"));

        // The reached cap holds the queue, and says why.
        var at = time.GetUtcNow();
        await host.Services.GetRequiredService<Scheduler>().ScheduleAsync([new InboundMessage("m-WEB-1", Messages.TicketCreated("WEB-1", at), at)], Ct);
        using var queue = JsonDocument.Parse(await host.Http.GetStringAsync("/v1/queue", Ct));
        var waiting = Assert.Single(queue.RootElement.GetProperty("queue").EnumerateArray());
        Assert.Equal("budget", waiting.GetProperty("reason").GetString());
        Assert.StartsWith("Budget:DailyCost (2.20 USD) is reached: 2.24 USD spent on 2026-11-03 (UTC)", waiting.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Tickets and incidents sum their jobs.
        using var incidents = JsonDocument.Parse(await host.Http.GetStringAsync("/v1/incidents", Ct));
        Assert.Equal(2.18m, Assert.Single(incidents.RootElement.GetProperty("incidents").EnumerateArray()).GetProperty("cost").GetDecimal());
        var detail = await PricedJobs.JobAsync(host, pay1, Ct);
        Assert.Equal((1, 1.31m), (detail.GetProperty("subjectCost").GetProperty("jobs").GetInt32(), detail.GetProperty("subjectCost").GetProperty("cost").GetDecimal()));
    }

    [Fact]
    public async Task Costs_OneDay_OnlyThatDay()
    {
        var time = new FakeTimeProvider(ConductorHost.T0);
        await using var host = await ConductorHost.StartAsync(PricedJobs.Prices, time, cancellationToken: Ct);
        var (job, token) = await PricedJobs.TicketAsync(host, "PAY-1", Ct);
        await PricedJobs.ReportAsync(host, token, new ReportResultRequest { JobId = job, Status = ResultStatus.NoChanges, Usage = PricedJobs.Usage(1_000_000) }, Ct);
        time.Advance(TimeSpan.FromDays(1));

        using var yesterday = JsonDocument.Parse(await host.Http.GetStringAsync("/v1/costs?from=2026-11-02&to=2026-11-02", Ct));
        using var today = JsonDocument.Parse(await host.Http.GetStringAsync("/v1/costs?from=2026-11-03", Ct));

        Assert.Equal(1.25m, yesterday.RootElement.GetProperty("total").GetProperty("cost").GetDecimal());
        Assert.Equal(0m, today.RootElement.GetProperty("total").GetProperty("cost").GetDecimal());
        Assert.Empty(today.RootElement.GetProperty("days").EnumerateArray());
        Assert.Empty(today.RootElement.GetProperty("today").GetProperty("caps").EnumerateArray());
    }

    [Fact]
    public async Task Costs_UnpricedJob_CountedApartNotAsZero()
    {
        await using var host = await ConductorHost.StartAsync(["--Prices:Compute:ContainerHour=0.36"], new FakeTimeProvider(ConductorHost.T0), cancellationToken: Ct);
        var (job, token) = await PricedJobs.TicketAsync(host, "PAY-1", Ct);
        await PricedJobs.PublishAsync(host, token, Ct, PricedJobs.Turn(job, 1_000_000));

        using var report = JsonDocument.Parse(await host.Http.GetStringAsync("/v1/costs", Ct));

        var total = report.RootElement.GetProperty("total");
        Assert.Equal((1, 1), (total.GetProperty("jobs").GetInt32(), total.GetProperty("unpricedJobs").GetInt32()));
        Assert.Equal(1_000_000, total.GetProperty("tokens").GetProperty("inputTokens").GetInt64());
    }

    [Theory]
    [InlineData("?from=yesterday", "'from' must be a UTC day as YYYY-MM-DD (got 'yesterday')")]
    [InlineData("?to=2026-13-01", "'to' must be a UTC day as YYYY-MM-DD (got '2026-13-01')")]
    [InlineData("?from=2026-11-03&to=2026-11-02", "'from' (2026-11-03) is after 'to' (2026-11-02)")]
    [InlineData("?from=2024-01-01&to=2026-11-02", "a report covers at most 366 days")]
    public async Task Costs_BadRange_400SayingWhy(string query, string error)
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);

        using var response = await host.Http.GetAsync("/v1/costs" + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error").GetString());
    }

    private static (decimal, decimal, decimal, int, int) Totals(JsonElement t) => (
        t.GetProperty("cost").GetDecimal(), t.GetProperty("tokenCost").GetDecimal(), t.GetProperty("computeCost").GetDecimal(),
        t.GetProperty("jobs").GetInt32(), t.GetProperty("unpricedJobs").GetInt32());

    private static List<string> Rows(JsonElement array, Func<JsonElement, FormattableString> format) =>
        [.. array.EnumerateArray().Select(e => FormattableString.Invariant(format(e)))];
}
