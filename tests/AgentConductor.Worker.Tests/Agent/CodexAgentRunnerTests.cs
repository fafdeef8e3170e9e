using AgentConductor.Proto.V1;
using AgentConductor.TestSupport.ScriptedModel;
using AgentConductor.Worker.Agent;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>The Codex runner running the real pinned CLI against the scripted model: how runs end and what they report.</summary>
public sealed class CodexAgentRunnerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_DefaultModel_CodeModeShellPatchAndMessage_SucceedsWithUsageOfEveryResponse()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScripts.ShellPatchMessage);

        var result = await codex.RunAsync(Token);

        codex.Model.AssertNoFailures();
        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Changed shell.txt and added patched.txt.", result.Summary);
        Assert.Equal("changed by a shell command\n", codex.Read("shell.txt"));
        Assert.Equal("added by a patch\n", codex.Read("patched.txt"));
        Assert.Contains(result.CommandsRun, c => c.Contains("echo 'changed by a shell command' | tee shell.txt", StringComparison.Ordinal));
        Assert.Contains("patched: add patched.txt", codex.LogTexts);
        // Three responses in one turn: the proxy counts each from the model's own answer, and Codex, summing them into
        // turn.completed (cache writes included), reports the same.
        var three = ModelUsage.Default * 3;
        Assert.Equal(
            new TokenUsage { InputTokens = three.Input, CachedInputTokens = three.CachedInput, CacheWriteInputTokens = three.CacheWriteInput, OutputTokens = three.Output, ReasoningOutputTokens = three.Reasoning },
            result.Usage);
        Assert.Equal(result.Usage, result.ReportedUsage);
        Assert.Equal(3, result.ModelRequests.Count);
        Assert.All(result.ModelRequests, r => Assert.Equal((200, "/responses", ModelUsage.Default.Input), (r.Status, r.Path, r.Usage.Input)));
        var requests = codex.Model.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(ToolMode.CodeMode, r.Mode));
        Assert.All(requests, r => Assert.True(r.CredentialAccepted));
        Assert.Contains("Fix the failing test.\nKeep the change small.", requests[0].UserText, StringComparison.Ordinal);
        Assert.Contains("changed by a shell command", Assert.Single(requests[1].ToolOutputs).Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ModelCodexDoesNotKnow_FunctionToolsPlayTheSameScript()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScripts.ShellPatchMessage);

        var result = await codex.RunAsync(codex.Request(model: "scripted-function-tools"), _ => ValueTask.CompletedTask, Token);

        codex.Model.AssertNoFailures();
        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        Assert.Equal("added by a patch\n", codex.Read("patched.txt"));
        Assert.Equal("changed by a shell command\n", codex.Read("shell.txt"));
        Assert.All(codex.Model.Requests, r => Assert.Equal(ToolMode.FunctionTools, r.Mode));
        Assert.All(codex.Model.Requests, r => Assert.Equal("scripted-function-tools", r.Model));
        // Codex's warning about the model's metadata is an item, not a failure.
        Assert.Contains(codex.LogTexts, t => t.StartsWith("agent error: Model metadata for `scripted-function-tools` not found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_Model503sThenRecovers_SucceededAndTheReconnectIsOnlyLogged()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScripts.Recover5xx);

        var result = await codex.RunAsync(Token);

        codex.Model.AssertNoFailures();
        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        Assert.Equal("Done after the model recovered.", result.Summary);
        Assert.Contains(codex.LogTexts, t => t.StartsWith("codex error: Reconnecting... 1/5 (unexpected status 503", StringComparison.Ordinal));
        Assert.Equal([503, 503, 503, 503, 503, 200], codex.Model.Requests.Select(r => r.Status));
        // Each 5xx went through the proxy unchanged; only the answer that completed cost tokens.
        Assert.Equal([503, 503, 503, 503, 503, 200], result.ModelRequests.Select(r => r.Status));
        Assert.Equal(ModelUsage.Default.Input, result.Usage.InputTokens);
        Assert.Equal(result.Usage, result.ReportedUsage);
    }

    [Fact]
    public async Task RunAsync_ModelRefusesTheKey_FailedNamingTheCredentialAfterCodexsBoundedRetries()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScripts.ShellPatchMessage, modelCredential: "sk-the-only-key-the-model-takes");

        var result = await codex.RunAsync(Token);

        codex.Model.AssertNoFailures();
        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(
            "the agent exited with code 1: the model API refused the agent's credential (401): check the CODEX_API_KEY the worker was given; Codex said: unexpected status 401 Unauthorized",
            result.FailureReason,
            StringComparison.Ordinal);
        // One request and Codex's five reconnects, each refused: no more.
        var requests = codex.Model.Requests;
        Assert.Equal(6, requests.Count);
        Assert.All(requests, r => Assert.Equal(401, r.Status));
        Assert.All(requests, r => Assert.Equal("Bearer " + CodexCliHarness.ApiKey, r.Authorization));
    }

    [Fact]
    public async Task RunAsync_ResponseFailedWithRetriesTunedByExtraConfig_FailedWithTheModelsMessage()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScripts.ResponseFailed);
        // Agent:ExtraConfig comes after the worker's model provider, so it can tune it.
        var request = codex.Request(extraConfig: new Dictionary<string, string> { [$"model_providers.{CodexModelProvider.Name}.stream_max_retries"] = "1" });

        var result = await codex.RunAsync(request, _ => ValueTask.CompletedTask, Token);

        codex.Model.AssertNoFailures();
        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Equal("the agent exited with code 1: stream disconnected before completion: The model failed to answer.", result.FailureReason);
        Assert.Equal(2, codex.Model.Requests.Count);
    }

    [Fact]
    public async Task RunAsync_ModelRepeatsTheKey_KeyReachesTheModelButNeverAnyLineOrTheSummary()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Of(ModelStep.MessageEchoingCredential("Done")));

        var result = await codex.RunAsync(Token);

        codex.Model.AssertNoFailures();
        Assert.Equal(AgentOutcome.Succeeded, result.Outcome);
        Assert.True(Assert.Single(codex.Model.Requests).CredentialAccepted);
        Assert.Equal("Done (my key is ***)", result.Summary);
        Assert.Contains("agent: Done (my key is ***)", codex.LogTexts);
        Assert.DoesNotContain(codex.Texts, t => t.Contains(CodexCliHarness.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_TwoRuns_EachGetsAFreshCodexHome()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Repeating(ModelStep.Message("Done")));

        await codex.RunAsync(Token);
        var first = Directory.GetDirectories(codex.State);
        await codex.RunAsync(Token);

        var runs = Directory.GetDirectories(codex.State);
        Assert.Single(first);
        Assert.Equal(2, runs.Length);
        Assert.All(runs, run => Assert.NotEmpty(Directory.GetFileSystemEntries(Path.Combine(run, "home"))));
        Assert.All(runs, run => Assert.StartsWith(Path.Combine(codex.State, "codex-run-"), run, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ProgramMissing_FailedWithoutThrowing()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Of(ModelStep.Message("never asked")));
        codex.AgentOptions.Command = ["/nonexistent/codex"];

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Equal(-1, result.ExitCode);
        Assert.StartsWith("could not start the agent (/nonexistent/codex)", result.FailureReason, StringComparison.Ordinal);
        Assert.Empty(codex.Model.Requests);
    }
}
