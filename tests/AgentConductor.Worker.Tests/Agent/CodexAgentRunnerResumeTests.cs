using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Sessions;
using AgentConductor.Worker.Tests.Sessions;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>
/// Resuming a session with the real pinned Codex CLI and the scripted model: a run's session is packed as the worker
/// hands it to the conductor, a second run resumes it with <c>codex exec resume</c>, and the model sees the earlier
/// conversation. A session Codex cannot use makes the run start afresh, and it says so.
/// </summary>
public sealed class CodexAgentRunnerResumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_ResumingAnEarlierRunsSession_TheModelGetsTheEarlierConversationBack()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Of(
            ModelStep.AddFile("fix.txt", "first"), ModelStep.Message("First run: added fix.txt."), ModelStep.Message("Second run: nothing else to change.")));
        var first = await codex.RunAsync(Ct);
        Assert.True(first.Outcome == AgentOutcome.Succeeded, first.FailureReason);
        var session = await new SessionPacker(new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System, codex.Masker), codex.Account, codex.Masker)
            .PackAsync(first.CodexHome!, Path.Combine(codex.State, "..", "session.tar.gz"), Ct);

        var second = await codex.RunAsync(Resuming(codex, first.ThreadId!, session.Path, "The reviewer asks: [1] is fix.txt final?"), _ => ValueTask.CompletedTask, Ct);

        codex.Model.AssertNoFailures();
        Assert.True(second.Outcome == AgentOutcome.Succeeded, second.FailureReason);
        Assert.True(second.Resumed);
        Assert.Null(second.ResumeFallback);
        Assert.Equal(first.ThreadId, second.ThreadId);
        Assert.Equal("Second run: nothing else to change.", second.Summary);
        var resumed = codex.Model.Requests[2];
        Assert.Contains("Fix the failing test.", resumed.UserText, StringComparison.Ordinal);
        Assert.Contains("The reviewer asks: [1] is fix.txt final?", resumed.UserText, StringComparison.Ordinal);
        Assert.Contains("First run: added fix.txt.", resumed.AssistantText, StringComparison.Ordinal);
        Assert.Empty(codex.Model.Requests[0].AssistantText);
        Assert.Contains(codex.LogTexts, l => l == $"codex thread {first.ThreadId} started");
        Assert.DoesNotContain(codex.LogTexts, l => l.Contains("could not resume", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_SessionHoldsAnotherThread_StartsAfreshAndSaysWhy()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Of(ModelStep.Message("Fresh start.")));
        const string Asked = "0199a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";
        var archive = SessionTars.Write(Path.Combine(codex.State, "..", "other.tar.gz"), SessionTars.File(SessionTars.Rollout("0199a3c4-5d6e-7f80-9a1b-000000000000"), "{}\n"));

        var result = await codex.RunAsync(Resuming(codex, Asked, archive, "Go on."), _ => ValueTask.CompletedTask, Ct);

        codex.Model.AssertNoFailures();
        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        Assert.False(result.Resumed);
        Assert.Contains($"holds no rollout file of thread {Asked}", result.ResumeFallback, StringComparison.Ordinal);
        Assert.NotEqual(Asked, result.ThreadId);
        Assert.Empty(Assert.Single(codex.Model.Requests).AssistantText);
        Assert.Contains(codex.LogTexts, l => l.StartsWith($"could not resume the agent's session (thread {Asked})", StringComparison.Ordinal) && l.EndsWith("starting the agent afresh", StringComparison.Ordinal));
        Assert.Contains(codex.Logger.Entries, e => e.EventName == "AgentResumeFallback");
    }

    [Fact]
    public async Task RunAsync_RolloutCodexCannotRead_ResumeFailsBeforeAnyModelRequestAndTheRunStartsAfresh()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Of(ModelStep.Message("Fresh start after a broken session.")));
        const string Thread = "0199a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";
        var archive = SessionTars.Write(Path.Combine(codex.State, "..", "broken.tar.gz"), SessionTars.File(SessionTars.Rollout(Thread), "{\"garbage\": true}\n"));

        var result = await codex.RunAsync(Resuming(codex, Thread, archive, "Go on."), _ => ValueTask.CompletedTask, Ct);

        codex.Model.AssertNoFailures();
        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        Assert.False(result.Resumed);
        Assert.Contains("codex could not resume it", result.ResumeFallback, StringComparison.Ordinal);
        Assert.Equal("Fresh start after a broken session.", result.Summary);
        Assert.Single(codex.Model.Requests);
    }

    [Fact]
    public async Task RunAsync_ArchiveThatBreaksTheRules_NothingUnpackedAndTheRunStartsAfresh()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Of(ModelStep.Message("Fresh start.")));
        const string Thread = "0199a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";
        var archive = SessionTars.Write(
            Path.Combine(codex.State, "..", "hostile.tar.gz"),
            SessionTars.File(SessionTars.Rollout(Thread), "{}\n"),
            SessionTars.File("config.toml", "model_provider = \"attacker\""));

        var result = await codex.RunAsync(Resuming(codex, Thread, archive, "Go on."), _ => ValueTask.CompletedTask, Ct);

        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        Assert.Contains("the session's archive is unusable", result.ResumeFallback, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(codex.State, "config.toml", SearchOption.AllDirectories));
        Assert.True(Assert.Single(codex.Model.Requests).CredentialAccepted);
    }

    private static AgentRunRequest Resuming(CodexCliHarness codex, string threadId, string archive, string prompt)
    {
        var request = codex.Request();
        return new AgentRunRequest
        {
            JobId = request.JobId,
            RepositoryPath = request.RepositoryPath,
            Prompt = prompt,
            ModelKey = request.ModelKey,
            StateDirectory = request.StateDirectory,
            ModelBaseUrl = request.ModelBaseUrl,
            ExtraConfig = request.ExtraConfig,
            Resume = new AgentResume(threadId, Path.GetFullPath(archive)),
        };
    }
}
