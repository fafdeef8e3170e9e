using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Worker.Tests.Agent;

public sealed class CodexEventTranslatorTests
{
    private const string Repository = "/work/repo";
    private readonly FakeTimeProvider _time = new(ConductorHost.T0);
    private readonly SecretMasker _masker = new();

    [Fact]
    public void Translate_NonJsonAndStderrLines_BecomeLogLinesOfTheirStream()
    {
        var translator = Translator();

        var stdout = translator.Translate(Out("warning: not json {"));
        var broken = translator.Translate(Out("{\"type\": oops"));
        var stderr = translator.Translate(new OutputLine(OutputStream.StandardError, "Reading prompt from stdin..."));

        Assert.Equal(new LogLine { Stream = LogStream.Stdout, Text = "warning: not json {", Timestamp = Now() }, Assert.Single(stdout).Log);
        Assert.Equal("{\"type\": oops", Assert.Single(broken).Log.Text);
        Assert.Equal(LogStream.Stderr, Assert.Single(stderr).Log.Stream);
    }

    [Fact]
    public void Translate_RecordedRun_OneTurnWithItsUsageCacheWritesIncluded()
    {
        var transcript = RecordedTranscript.Load("code-mode-success");
        var translator = Translator(transcript.Repository);

        var updates = transcript.Stdout.SelectMany(line => translator.Translate(Out(line))).ToList();

        Assert.Equal(1, translator.Turns);
        Assert.Equal(new TokenUsage { InputTokens = 3000, CachedInputTokens = 600, CacheWriteInputTokens = 300, OutputTokens = 150, ReasoningOutputTokens = 30 }, translator.Usage);
        Assert.Equal(1, Assert.Single(updates, u => u.Progress?.TurnCompleted is not null).Progress.TurnCompleted.Turn);
        Assert.Null(translator.Failure);
    }

    [Fact]
    public void Translate_TurnCompletedWithoutReasoningOrCacheWrites_SumsWhatIsPresent()
    {
        var translator = Translator();

        translator.Translate(Out("{\"type\":\"turn.started\"}"));
        translator.Translate(Out("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":24763,\"cached_input_tokens\":24448,\"output_tokens\":122}}"));
        translator.Translate(Out("{\"type\":\"turn.started\"}"));
        translator.Translate(Out("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":10,\"cached_input_tokens\":0,\"cache_write_input_tokens\":7,\"output_tokens\":5,\"reasoning_output_tokens\":3}}"));

        Assert.Equal(2, translator.Turns);
        Assert.Equal(new TokenUsage { InputTokens = 24773, CachedInputTokens = 24448, CacheWriteInputTokens = 7, OutputTokens = 127, ReasoningOutputTokens = 3 }, translator.Usage);
    }

    [Fact]
    public void Translate_CommandExecution_ReportsExitCodeAndDurationSinceItStarted()
    {
        var translator = Translator();

        var started = translator.Translate(Out("{\"type\":\"item.started\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\",\"command\":\"bash -lc 'npm test'\",\"status\":\"in_progress\"}}"));
        _time.Advance(TimeSpan.FromSeconds(42));
        var completed = translator.Translate(Out("{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\",\"command\":\"bash -lc 'npm test'\",\"aggregated_output\":\"x\",\"exit_code\":3,\"status\":\"failed\"}}"));

        Assert.Equal("$ bash -lc 'npm test'", Assert.Single(started).Log.Text);
        var run = Assert.Single(completed).Progress.CommandRun;
        Assert.Equal(3, run.ExitCode);
        Assert.Equal(TimeSpan.FromSeconds(42), run.Duration.ToTimeSpan());
        Assert.Equal(["bash -lc 'npm test'"], translator.CommandsRun);
    }

    [Fact]
    public void Translate_RecordedPatch_LoggedWithPathsRelativeToTheRepository()
    {
        var transcript = RecordedTranscript.Load("code-mode-success");
        var translator = Translator(transcript.Repository);

        var texts = transcript.Stdout.SelectMany(line => translator.Translate(Out(line))).Select(u => u.Log?.Text).OfType<string>().ToList();

        Assert.Contains("patched: add patched.txt", texts);
        Assert.Contains("$ /bin/bash -lc \"echo 'changed by a shell command' | tee shell.txt\"", texts);
        Assert.Contains("agent: Changed shell.txt and added patched.txt.", texts);
    }

    [Fact]
    public void Translate_FileChangeOutsideTheRepository_KeepsItsAbsolutePath()
    {
        var translator = Translator();

        var update = translator.Translate(Out(
            "{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"file_change\",\"status\":\"completed\",\"changes\":[" +
            "{\"path\":\"/work/repo/src/a.cs\",\"kind\":\"update\"},{\"path\":\"/etc/hosts\",\"kind\":\"update\"}]}}"));

        Assert.Equal("patched: update src/a.cs, update /etc/hosts", Assert.Single(update).Log.Text);
    }

    [Theory]
    [InlineData("recover-5xx", null)]
    [InlineData("unauthorized", "unexpected status 401 Unauthorized: Incorrect API key provided.")]
    [InlineData("response-failed", "stream disconnected before completion: The model failed to answer.")]
    [InlineData("interrupted", null)]
    public void Translate_RecordedRuns_FailureIsWhatNoCompletedTurnFollowed(string name, string? failure)
    {
        var transcript = RecordedTranscript.Load(name);
        var translator = Translator(transcript.Repository);

        foreach (var line in transcript.Stdout)
        {
            translator.Translate(Out(line));
        }

        if (failure is null)
        {
            Assert.Null(translator.Failure);
        }
        else
        {
            Assert.StartsWith(failure, translator.Failure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Translate_FatalAndNonFatalErrors_OnlyFatalOnesCountAsFailure()
    {
        var translator = Translator();

        translator.Translate(Out("{\"type\":\"item.completed\",\"item\":{\"id\":\"e\",\"type\":\"error\",\"message\":\"retrying tool\"}}"));
        Assert.Null(translator.Failure);
        translator.Translate(Out("{\"type\":\"turn.failed\",\"error\":{\"message\":\"rate limited\"}}"));
        Assert.Equal("rate limited", translator.Failure);
        var error = translator.Translate(Out("{\"type\":\"error\",\"message\":\"stream disconnected\"}"));

        Assert.Equal("stream disconnected", translator.Failure);
        Assert.Equal("codex error: stream disconnected", Assert.Single(error).Log.Text);
    }

    [Fact]
    public void Translate_ErrorThatACompletedTurnFollows_IsNoFailure()
    {
        var translator = Translator();

        translator.Translate(Out("{\"type\":\"turn.started\"}"));
        translator.Translate(Out("{\"type\":\"error\",\"message\":\"Reconnecting... 1/5 (stream disconnected)\"}"));
        Assert.Equal("Reconnecting... 1/5 (stream disconnected)", translator.Failure);
        translator.Translate(Out("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}"));
        Assert.Null(translator.Failure);
        translator.Translate(Out("{\"type\":\"error\",\"message\":\"stream disconnected\"}"));

        Assert.Equal("stream disconnected", translator.Failure);
    }

    [Fact]
    public void Translate_TurnFailedThenACompletedTurn_StaysAFailure()
    {
        var translator = Translator();

        translator.Translate(Out("{\"type\":\"turn.failed\",\"error\":{\"message\":\"rate limited\"}}"));
        translator.Translate(Out("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}"));

        Assert.Equal("rate limited", translator.Failure);
    }

    [Fact]
    public void Translate_UnknownEventAndItemUpdates_LoggedRawAndIgnored()
    {
        var translator = Translator();

        var unknown = translator.Translate(Out("{\"type\":\"session.configured\",\"x\":1}"));
        var updated = translator.Translate(Out("{\"type\":\"item.updated\",\"item\":{\"id\":\"t\",\"type\":\"todo_list\",\"items\":[]}}"));

        Assert.Equal("{\"type\":\"session.configured\",\"x\":1}", Assert.Single(unknown).Log.Text);
        Assert.Empty(updated);
    }

    [Fact]
    public void Translate_SecretInsideAJsonEscape_MaskedInTheDerivedText()
    {
        _masker.AddValue("tok\"en-1234");
        var translator = Translator();

        var message = translator.Translate(Out("{\"type\":\"item.completed\",\"item\":{\"id\":\"m\",\"type\":\"agent_message\",\"text\":\"the key is tok\\\"en-1234\"}}"));

        Assert.Equal("agent: the key is ***", Assert.Single(message).Log.Text);
    }

    private CodexEventTranslator Translator(string repository = Repository) => new("job-1", repository, _time, _masker);

    private Google.Protobuf.WellKnownTypes.Timestamp Now() => Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_time.GetUtcNow());

    private static OutputLine Out(string text) => new(OutputStream.StandardOutput, text);
}
