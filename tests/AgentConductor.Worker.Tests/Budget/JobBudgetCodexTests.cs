using System.Collections.Concurrent;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Budget;
using AgentConductor.Worker.Tests.Agent;

namespace AgentConductor.Worker.Tests.Budget;

/// <summary>
/// The job's budget against the real pinned Codex CLI: the scripted model reports large usage, the model proxy refuses
/// the next request with 429 <c>insufficient_quota</c>, and Codex ends there (it does not retry that refusal).
/// </summary>
public sealed class JobBudgetCodexTests
{
    private static readonly ModelUsage Large = new(600_000, 100_000, 0, 50_000, 10_000);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_TokenLimitReachedMidRun_CodexStopsAtTheFirstRefusalWithItsEditMade()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Of(
            ModelStep.AddFile("half-done.txt", "partial work") with { Usage = Large },
            ModelStep.Message("The model never gets to say this.")));
        var published = new ConcurrentQueue<ProgressUpdate>();
        var gate = new JobBudgetGate(TimeProvider.System, new ListLogger<JobBudgetGate>());
        gate.Arm(new JobSpec { JobId = "job-42", Budget = new JobBudget { MaxTokens = 500_000 } }, TimeProvider.System.GetTimestamp(), published.Enqueue);
        codex.Gate = gate;

        var result = await codex.RunAsync(Token);

        codex.Model.AssertNoFailures();
        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Equal("the agent exited with code 1: Quota exceeded. Check your plan and billing details.", result.FailureReason);
        Assert.Equal("partial work\n", codex.Read("half-done.txt"));
        // The model answered once; Codex's next request (the patch's output) was refused and not sent again.
        Assert.Single(codex.Model.Requests);
        Assert.Equal([200, 429], result.ModelRequests.Select(r => r.Status));
        Assert.Equal(new TokenUsage { InputTokens = 600_000, CachedInputTokens = 100_000, OutputTokens = 50_000, ReasoningOutputTokens = 10_000 }, result.Usage);
        Assert.Equal(("tokens", "used 650,000 tokens of the job's 500,000 token limit"), (gate.Reached?.Limit, gate.Reached?.Reason));
        // The conductor hears of each request and, once, of the stop: before the refused request's report.
        var events = published.Select(u => u.Progress).ToList();
        Assert.Equal([(0, 200), (1, 429)], events.Where(e => e.ModelRequest is not null).Select(e => (e.ModelRequest.Index, e.ModelRequest.Status)));
        var reached = Assert.Single(events, e => e.BudgetReached is not null).BudgetReached;
        Assert.Equal((600_000L, 50_000L), (reached.Usage.InputTokens, reached.Usage.OutputTokens));
        Assert.True(events.FindIndex(e => e.BudgetReached is not null) < events.FindIndex(e => e.ModelRequest?.Index == 1));
        Assert.Contains(codex.LogTexts, t => t == "codex turn failed: Quota exceeded. Check your plan and billing details.");
    }

    [Fact]
    public async Task RunAsync_UnderTheLimit_RunsToTheEndAndEveryRequestIsReported()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScripts.ShellPatchMessage);
        var published = new ConcurrentQueue<ProgressUpdate>();
        var gate = new JobBudgetGate(TimeProvider.System, new ListLogger<JobBudgetGate>());
        gate.Arm(new JobSpec { JobId = "job-42", Budget = new JobBudget { MaxTokens = 500_000 } }, TimeProvider.System.GetTimestamp(), published.Enqueue);
        codex.Gate = gate;

        var result = await codex.RunAsync(Token);

        codex.Model.AssertNoFailures();
        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        Assert.Null(gate.Reached);
        var reported = published.Select(u => u.Progress.ModelRequest).ToList();
        Assert.Equal([0, 1, 2], reported.Select(r => r.Index).Order());
        Assert.All(reported, r => Assert.Equal((200, ModelUsage.Default.Input), (r.Status, r.Usage.InputTokens)));
    }
}
