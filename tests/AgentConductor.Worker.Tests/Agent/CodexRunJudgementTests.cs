using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>
/// How a run is judged from what the real CLI printed (recorded transcripts, <c>tests/tools/codex-transcripts/</c>),
/// including the cases the real CLI cannot be made to produce on demand: an exit without the last-message file, an
/// agent that had to be killed.
/// </summary>
public sealed class CodexRunJudgementTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly List<ProgressUpdate> _updates = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("code-mode-success")]
    [InlineData("function-tools-success")]
    public async Task RunAsync_RecordedSuccess_SucceededWithSummaryUsageAndCommands(string name)
    {
        var result = await RunAsync(RecordedTranscript.Load(name));

        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        Assert.Equal("Changed shell.txt and added patched.txt.", result.Summary);
        Assert.Equal(new TokenUsage { InputTokens = 3000, CachedInputTokens = 600, CacheWriteInputTokens = 300, OutputTokens = 150, ReasoningOutputTokens = 30 }, result.ReportedUsage);
        Assert.Equal(new TokenUsage(), result.Usage); // a transcript made no request through this run's model proxy: nothing was spent
        Assert.Equal(["/bin/bash -lc \"echo 'changed by a shell command' | tee shell.txt\""], result.CommandsRun);
    }

    [Fact]
    public async Task RunAsync_RecordedReconnectThenCompletedTurn_Succeeded()
    {
        var result = await RunAsync(RecordedTranscript.Load("recover-5xx"));

        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        Assert.Contains(_updates, u => u.Log?.Text.StartsWith("codex error: Reconnecting... 1/5", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task RunAsync_RecordedUnauthorized_FailedNamingTheCredential()
    {
        var result = await RunAsync(RecordedTranscript.Load("unauthorized"));

        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.StartsWith(
            "the agent exited with code 1: the model API refused the agent's credential (401): check the CODEX_API_KEY the worker was given",
            result.FailureReason,
            StringComparison.Ordinal);
        Assert.Null(result.Summary); // Codex leaves an empty last-message file behind a failed turn
    }

    [Fact]
    public async Task RunAsync_RecordedResponseFailed_FailedWithTheModelsMessage()
    {
        var result = await RunAsync(RecordedTranscript.Load("response-failed"));

        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Equal("the agent exited with code 1: stream disconnected before completion: The model failed to answer.", result.FailureReason);
    }

    [Fact]
    public async Task RunAsync_RecordedInterrupt_CancelledThoughCodexSaysNothingOfIt()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var transcript = RecordedTranscript.Load("interrupted");

        var run = RunAsync(transcript, cancellationToken: cancel.Token);
        await cancel.CancelAsync();
        var result = await run;

        Assert.Equal(AgentOutcome.Cancelled, result.Outcome);
        Assert.Equal(1, result.ExitCode); // SIGINT: exit 1 and no failure event
        Assert.Equal("the run was cancelled and the agent was interrupted", result.FailureReason);
    }

    [Fact]
    public async Task RunAsync_SuccessWithoutTheLastMessageFile_Failed()
    {
        var result = await RunAsync(RecordedTranscript.Load("code-mode-success"), writeLastMessage: false);

        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Null(result.Summary);
        Assert.Equal("the agent exited with code 0 but wrote no last message (-o file)", result.FailureReason);
    }

    [Fact]
    public async Task RunAsync_InterruptIgnoredAndTheTreeKilled_SaysSo()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var run = RunAsync(RecordedTranscript.Load("interrupted"), killed: true, cancellationToken: cancel.Token);
        await cancel.CancelAsync();
        var result = await run;

        Assert.Equal(AgentOutcome.Cancelled, result.Outcome);
        Assert.True(result.Killed);
        Assert.Equal("the run was cancelled and the agent was interrupted, then killed", result.FailureReason);
    }

    public void Dispose() => _temp.Dispose();

    private Task<AgentRunResult> RunAsync(RecordedTranscript transcript, bool writeLastMessage = true, bool killed = false, CancellationToken? cancellationToken = null)
    {
        // The transcript's program needs no PATH lookup: "codex" is looked up, so the runner is pointed at a program that exists.
        var runner = AgentRunners.Create(new TranscriptProcessRunner(transcript, writeLastMessage, killed), new SecretMasker(), new AgentOptions { Command = ["/bin/true"] });
        var request = new AgentRunRequest
        {
            JobId = "job-1", RepositoryPath = transcript.Repository, Prompt = "p", ModelKey = "sk-judgement", StateDirectory = _temp.Path,
        };
        return runner.RunAsync(request, update =>
        {
            _updates.Add(update);
            return ValueTask.CompletedTask;
        }, cancellationToken ?? Token);
    }
}
