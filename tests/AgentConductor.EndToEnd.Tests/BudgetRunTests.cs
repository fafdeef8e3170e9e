using System.Net.Http.Json;
using System.Text.Json;
using AgentConductor.TestSupport;
using Microsoft.Extensions.Time.Testing;
using AgentConductor.TestSupport.ScriptedModel;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// Budgets end to end: the real conductor launches the real worker binary, which runs the real pinned Codex CLI against
/// the scripted model (reporting large usage) through its model proxy. A per-job token cap stops a run mid-way with its
/// work pushed; a daily cap holds the queue until the next UTC day of the conductor's (fake) clock.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class BudgetRunTests : IAsyncDisposable
{
    private const string Key = "sk-e2e-budget-model-key-0123456789";

    /// <summary>USD per million: input 2, cached 0.50, cache write 2, output 10; the local worker's time is free (costs do not depend on the clock).</summary>
    private static readonly string[] Prices =
    [
        "--Prices:Default:Input=2", "--Prices:Default:CachedInput=0.5", "--Prices:Default:CacheWriteInput=2", "--Prices:Default:Output=10",
        "--Prices:Compute:ContainerHour=0",
    ];

    private readonly TempDirectory _directory = new();
    private readonly TempDirectory _workers = TempDirectory.OutsideSystemTemp();
    private readonly BareRepository _remote;
    private ScriptedModelServer? _model;

    public BudgetRunTests()
    {
        _remote = BareRepository.Create(_directory);
        Environment.SetEnvironmentVariable("Agent__Command__0", CodexCli.Require());
        Environment.SetEnvironmentVariable("Agent__Command__1", null);
        Environment.SetEnvironmentVariable("CODEX_API_KEY", Key);
        foreach (var name in new[] { "WORK_DIR", "GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ticket_OverMaxTokensPerJob_StoppedMidRunWithItsWorkPushedAndBudgetExceededWithItsCost()
    {
        // 600,000 input (100,000 cached) and 50,000 output in one response: 1.55 USD, past the 500,000-token cap.
        await using var host = await StartAsync(
            ModelScript.Of(
                ModelStep.AddFile("src/half-done.txt", "partial work") with { Usage = new ModelUsage(600_000, 100_000, 0, 50_000, 10_000) },
                ModelStep.Message("The model never gets to say this.")),
            time: null,
            [.. Prices, "--Budget:MaxTokensPerJob=500000"]);

        var jobId = await JobApi.PostTicketAsync(host, "PAY-21");
        var (state, view) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.True(state == "budget_exceeded", $"job ended {state}: {view}\n{WorkerLog(jobId)}");
        Model.AssertNoFailures();
        Assert.Single(Model.Requests); // the next request was refused by the worker's proxy, not sent on
        var job = view.GetProperty("job");
        var branch = job.GetProperty("branch").GetString()!;
        Assert.Equal("partial work", _remote.Show(branch, "src/half-done.txt").Trim());
        Assert.Equal(_remote.Head(branch), view.GetProperty("result").GetProperty("commit").GetString());
        Assert.Equal("budget_exceeded", view.GetProperty("result").GetProperty("errorCode").GetString());
        const string Reason = "used 650,000 tokens of the job's 500,000 token limit";
        Assert.Equal($"the run stopped at its budget: {Reason}", view.GetProperty("result").GetProperty("errorMessage").GetString());
        Assert.Equal((500_000L, Reason), (job.GetProperty("budget").GetProperty("maxTokens").GetInt64(), job.GetProperty("budget").GetProperty("stopReason").GetString()));
        // (600,000 - 100,000) x 2 + 100,000 x 0.50 + 50,000 x 10, per million.
        Assert.Equal((1.55m, 1.55m, "default"), (Money(job, "total"), Money(job, "tokens"), job.GetProperty("cost").GetProperty("pricedAs").GetString()));
        Assert.Equal(600_000, job.GetProperty("usage").GetProperty("inputTokens").GetInt64());
        // The worker told the conductor of the stop as it happened and of each request its proxy saw, then exited 22.
        var progress = host.Strings("SELECT text FROM job_logs WHERE job_id = @id AND stream = 'progress'", ("@id", jobId));
        Assert.Single(progress, p => p.Contains("\"budgetReached\"", StringComparison.Ordinal));
        Assert.Equal([200, 429], progress.Where(p => p.Contains("\"modelRequest\"", StringComparison.Ordinal)).Select(RequestStatus));
        Assert.Equal("22", await Eventually.ValueAsync(() => ExitCode(jobId), Ct, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task DailyCost_Reached_HoldsTheQueueWithReasonBudgetAndReleasesItOnTheNextUtcDay()
    {
        // Each job: a patch and a message of 100,000 input and 1,000 output tokens each, 0.21 USD a response, 0.42 a job.
        var usage = new ModelUsage(100_000, 0, 0, 1_000, 0);
        // The conductor's clock stands at five to midnight (UTC) until the test moves it. Every timer of the conductor fires
        // as the clock is moved past it, so its loops poll every 10 s here, not every 50 to 100 ms.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 23, 55, 0, TimeSpan.Zero));
        await using var host = await StartAsync(
            ModelScript.Of(
                ModelStep.AddFile("first.txt", "first") with { Usage = usage }, ModelStep.Message("First.") with { Usage = usage },
                ModelStep.AddFile("second.txt", "second") with { Usage = usage }, ModelStep.Message("Second.") with { Usage = usage }),
            time,
            [.. Prices, "--Budget:DailyCost=0.4", "--Dispatch:PollInterval=00:00:10", "--Reconcile:PollInterval=00:00:10", "--Shutdown:PollInterval=00:00:10"]);

        var first = await JobApi.PostTicketAsync(host, "PAY-31");
        var (firstState, firstView) = await JobApi.WaitForEndAsync(host, first);
        Assert.True(firstState == "succeeded", $"job ended {firstState}: {firstView}\n{WorkerLog(first)}");
        Assert.Equal(0.42m, Money(firstView.GetProperty("job"), "total"));

        var second = await JobApi.PostTicketAsync(host, "PAY-32");
        var held = await Eventually.ValueAsync(
            async () =>
            {
                var queue = (await host.Http.GetFromJsonAsync<JsonElement>("/v1/queue", Ct)).GetProperty("queue");
                return queue.GetArrayLength() == 1 ? (JsonElement?)queue[0] : null;
            },
            Ct);
        Assert.Equal((second, "budget"), (held.GetProperty("job").GetProperty("id").GetString(), held.GetProperty("reason").GetString()));
        Assert.Equal(
            "Budget:DailyCost (0.40 USD) is reached: 0.42 USD spent on 2026-11-02 (UTC); launches resume at 2026-11-03T00:00:00Z or when the cap is raised",
            held.GetProperty("detail").GetString());
        Assert.Equal("pending", host.State(second));

        // Past midnight UTC on the conductor's clock (by one poll interval): a new day, nothing spent yet; the dispatcher's
        // next pass launches the job. (The conductor's tests pin the instant: still held at 23:59:59, launched at 00:00.)
        time.Advance(new DateTimeOffset(2026, 11, 3, 0, 0, 10, TimeSpan.Zero) - time.GetUtcNow());
        var (secondState, secondView) = await JobApi.WaitForEndAsync(host, second);

        Assert.True(secondState == "succeeded", $"job ended {secondState}: {secondView}\n{WorkerLog(second)}");
        Model.AssertNoFailures();
        Assert.Equal("second", _remote.Show(secondView.GetProperty("job").GetProperty("branch").GetString()!, "second.txt").Trim());
        var costs = await host.Http.GetFromJsonAsync<JsonElement>("/v1/costs?from=2026-11-02&to=2026-11-03", Ct);
        Assert.Equal([("2026-11-02", 0.42m), ("2026-11-03", 0.42m)], costs.GetProperty("days").EnumerateArray().Select(d => (d.GetProperty("day").GetString(), d.GetProperty("cost").GetDecimal())));
    }

    public async ValueTask DisposeAsync()
    {
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }

        _workers.Dispose();
        _directory.Dispose();
    }

    private ScriptedModelServer Model => _model!;

    private async Task<ConductorHost> StartAsync(ModelScript script, TimeProvider? time, string[] settings)
    {
        _model = await ScriptedModelServer.StartAsync(script, Key, cancellationToken: Ct);
        return await ConductorHost.StartAsync(
            [
                $"--Routing:Default:CloneUrl={_remote.CloneUrl}",
                "--Routing:Default:BaseBranch=main",
                $"--LocalLauncher:LogFolder={_workers.Path}",
                $"--Agent:ModelBaseUrl={_model.BaseUrl}",
                .. settings,
            ],
            timeProvider: time,
            defaultRoute: false,
            jobsEngine: true,
            realLauncher: true,
            cancellationToken: Ct);
    }

    private static decimal? Money(JsonElement job, string name) =>
        job.GetProperty("cost").GetProperty(name) is { ValueKind: JsonValueKind.Number } amount ? amount.GetDecimal() : null;

    private static int RequestStatus(string progressJson)
    {
        using var progress = JsonDocument.Parse(progressJson);
        return progress.RootElement.GetProperty("modelRequest").TryGetProperty("status", out var status) ? status.GetInt32() : 0;
    }

    private string WorkerLog(string jobId) =>
        File.Exists(Path.Combine(_workers.Path, jobId, "worker.log")) ? File.ReadAllText(Path.Combine(_workers.Path, jobId, "worker.log")) : "";

    private string? ExitCode(string jobId) =>
        File.Exists(Path.Combine(_workers.Path, jobId, "worker.exit")) ? File.ReadAllText(Path.Combine(_workers.Path, jobId, "worker.exit")).Trim() : null;
}
