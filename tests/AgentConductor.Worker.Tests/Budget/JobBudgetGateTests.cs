using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Microsoft.Extensions.Time.Testing;
using AgentConductor.Worker.Budget;
using AgentConductor.Worker.ModelProxy;

namespace AgentConductor.Worker.Tests.Budget;

/// <summary>
/// The job's budget at the model proxy: what it admits and refuses before each request, on a fake clock for the worker's
/// time, and what it tells the conductor (<c>budget_reached</c> once, <c>model_request</c> per request).
/// </summary>
public sealed class JobBudgetGateTests
{
    private readonly FakeTimeProvider _time = new(ConductorHost.T0);
    private readonly ListLogger<JobBudgetGate> _logger = new();
    private readonly List<ProgressUpdate> _published = [];
    private readonly ModelUsageMeter _meter = new();

    // USD per million: input 2, cached 0.5, cache write 2, output 10; the worker 3.60 USD an hour (0.06 a minute).
    private static JobBudget Budget(Usd? maxCost = null, long maxTokens = 0) => new()
    {
        MaxCost = maxCost,
        MaxTokens = maxTokens,
        ComputePerHour = new Usd { Units = 3, Nanos = 600_000_000 },
        TokenPrices = new TokenPrices
        {
            Entry = "default",
            Input = new Usd { Units = 2 },
            CachedInput = new Usd { Nanos = 500_000_000 },
            CacheWriteInput = new Usd { Units = 2 },
            Output = new Usd { Units = 10 },
        },
    };

    private IEnumerable<BudgetReached> BudgetReachedUpdates => _published.Where(u => u.Progress?.BudgetReached is not null).Select(u => u.Progress.BudgetReached);

    [Fact]
    public void Check_NoBudget_AdmitsEveryRequestAndCostIsUnknown()
    {
        var gate = Armed(budget: null);
        Spend(input: 50_000_000, output: 10_000_000);
        _time.Advance(TimeSpan.FromDays(3));

        Assert.Null(gate.Check(_meter));
        Assert.Null(gate.Reached);
        Assert.Null(gate.Cost(_meter.Total.ToTokenUsage()));
        Assert.Empty(BudgetReachedUpdates);
    }

    [Fact]
    public void Check_NotArmed_AdmitsAndReportsNothing()
    {
        var gate = new JobBudgetGate(_time, _logger);
        Spend(input: 50_000_000, output: 0);

        Assert.Null(gate.Check(_meter));
        gate.Completed(_meter.Requests[0], _meter);
        Assert.Empty(_published);
    }

    [Theory]
    [InlineData(7_999, 2_000, false)]  // 9,999 tokens: one short of the limit
    [InlineData(8_000, 2_000, true)]   // exactly at it: refused
    [InlineData(9_000, 2_500, true)]   // past it
    public void Check_TokenLimit_RefusesOnceInputPlusOutputReachIt(long input, long output, bool refused)
    {
        var gate = Armed(new JobBudget { MaxTokens = 10_000 });
        Spend(input, output, cached: input / 2); // cached input is part of input, not extra

        var refusal = gate.Check(_meter);

        Assert.Equal(refused, refusal is not null);
        if (refusal is not null)
        {
            Assert.Equal((429, "insufficient_quota"), (refusal.Status, refusal.Code));
            var tokens = (input + output).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"used {tokens} tokens of the job's 10,000 token limit", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("refuses further model requests", refusal.Message, StringComparison.Ordinal);
            Assert.Equal("tokens", gate.Reached!.Limit);
            Assert.Equal(input, gate.Reached.Usage.InputTokens);
        }
        else
        {
            Assert.Null(gate.Reached);
        }
    }

    [Fact]
    public void Check_CostLimit_TokensAtTheJobsPrices()
    {
        var gate = Armed(Budget(maxCost: new Usd { Units = 1 }));
        Spend(input: 250_000, output: 49_000); // 0.50 + 0.49 = 0.99 USD

        Assert.Null(gate.Check(_meter));

        Spend(input: 0, output: 1_000); // + 0.01 = exactly 1.00 USD
        var refusal = gate.Check(_meter);

        Assert.NotNull(refusal);
        Assert.Equal("cost", gate.Reached!.Limit);
        Assert.Equal("spent 1.00 USD of the job's 1.00 USD limit", gate.Reached.Reason);
    }

    [Fact]
    public void Check_CostLimit_CountsTheWorkersTimeOnItsClock()
    {
        var gate = Armed(Budget(maxCost: new Usd { Units = 1 }));
        Spend(input: 250_000, output: 40_000); // 0.90 USD of tokens

        _time.Advance(TimeSpan.FromMinutes(1)); // + 0.06 = 0.96
        Assert.Null(gate.Check(_meter));
        Assert.Equal(0.96m, gate.Cost(_meter.Total.ToTokenUsage()));

        _time.Advance(TimeSpan.FromSeconds(100)); // + 0.10 = 1.06, with no further token spent
        Assert.NotNull(gate.Check(_meter));
        Assert.Equal("spent 1.06 USD of the job's 1.00 USD limit", gate.Reached!.Reason);
    }

    [Fact]
    public void Check_TimeCountsFromTheJobsStartNotFromArming()
    {
        var start = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMinutes(20)); // 1.20 USD of worker time before the handshake finished
        var gate = new JobBudgetGate(_time, _logger);
        gate.Arm(Spec(Budget(maxCost: new Usd { Units = 1 })), start, _published.Add);

        Assert.NotNull(gate.Check(_meter));
        Assert.Equal(TimeSpan.FromMinutes(20), gate.RunTime);
    }

    [Fact]
    public void Check_AfterTheLimit_EveryRequestIsRefusedAndTheConductorToldOnce()
    {
        var gate = Armed(new JobBudget { MaxTokens = 100 });
        Spend(input: 100, output: 0);

        var first = gate.Check(_meter);
        var second = gate.Check(_meter);

        Assert.NotNull(first);
        Assert.Equal(first, second);
        var reached = Assert.Single(BudgetReachedUpdates);
        Assert.Equal(("tokens", "used 100 tokens of the job's 100 token limit", 100L), (reached.Limit, reached.Reason, reached.Usage.InputTokens));
        Assert.Equal("job-9", Assert.Single(_published).JobId);
        Assert.Single(_logger.Entries, e => e.EventName == "JobBudgetReached");
    }

    [Fact]
    public void Completed_ReportsEachRequestWithTheProxysCount()
    {
        var gate = Armed(new JobBudget { MaxTokens = 1_000_000 });
        Spend(input: 1_000, output: 50, cached: 200);
        _meter.Record(new ModelRequestRecord(_meter.Next(), "POST", "/responses", 429, default, "refused: budget", TimeSpan.Zero));

        foreach (var request in _meter.Requests)
        {
            gate.Completed(request, _meter);
        }

        var reported = _published.Select(u => u.Progress.ModelRequest).ToList();
        Assert.Equal([(0, 200), (1, 429)], reported.Select(r => (r.Index, r.Status)));
        Assert.Equal(new TokenUsage { InputTokens = 1_000, CachedInputTokens = 200, OutputTokens = 50 }, reported[0].Usage);
        Assert.Equal(new TokenUsage(), reported[1].Usage);
        Assert.All(_published, u => Assert.Equal(_time.GetUtcNow(), u.Progress.Timestamp.ToDateTimeOffset()));
    }

    private JobBudgetGate Armed(JobBudget? budget)
    {
        var gate = new JobBudgetGate(_time, _logger);
        gate.Arm(Spec(budget), _time.GetTimestamp(), _published.Add);
        return gate;
    }

    private static JobSpec Spec(JobBudget? budget) => new() { JobId = "job-9", Budget = budget };

    private void Spend(long input, long output, long cached = 0) =>
        _meter.Record(new ModelRequestRecord(_meter.Next(), "POST", "/responses", 200, new ModelTokenCounts(input, cached, 0, output, 0), "completed", TimeSpan.Zero));
}
