using System.Text.Json;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>A <see cref="CodexAgentRunner"/> over the real process runner, running <c>tests/tools/fake-codex.js</c> under node.</summary>
internal sealed class FakeCodexHarness : IDisposable
{
    public const string ApiKey = "sk-proj-FAKE0123456789abcdef";

    private readonly TempDirectory _temp = new();

    public FakeCodexHarness(string mode)
    {
        Repository = Directory.CreateDirectory(_temp.File("repo")).FullName;
        State = Directory.CreateDirectory(_temp.File("state")).FullName;
        RecordPath = _temp.File("record.json");
        AgentOptions = new AgentOptions
        {
            Command = ["node", Path.Combine(RepoPaths.Root, "tests", "tools", "fake-codex.js")],
            Environment = { ["FAKE_CODEX_MODE"] = mode, ["FAKE_CODEX_RECORD"] = RecordPath },
            IdleTimeout = TimeSpan.FromSeconds(30),
            Timeout = TimeSpan.FromSeconds(60),
            InterruptGrace = TimeSpan.FromSeconds(5),
        };
    }

    public string Repository { get; }

    public string State { get; }

    public string RecordPath { get; }

    public AgentOptions AgentOptions { get; }

    public SecretMasker Masker { get; } = new();

    public ListLogger<CodexAgentRunner> Logger { get; } = new();

    public List<ProgressUpdate> Updates { get; } = [];

    /// <summary>Every text the run let out: log lines, commands, changed paths.</summary>
    public IEnumerable<string> Texts => Updates.Select(u => u.Log?.Text ?? u.Progress?.CommandRun?.Command ?? string.Join(" ", u.Progress?.FilesChanged?.Paths ?? [])).Concat(Logger.Entries.Select(e => e.Message));

    public IEnumerable<string> LogTexts => Updates.Where(u => u.Log is not null).Select(u => u.Log.Text);

    public AgentRunRequest Request() => new()
    {
        JobId = "job-42",
        RepositoryPath = Repository,
        Prompt = "Fix the failing test.\nKeep the change small.",
        ApiKey = ApiKey,
        StateDirectory = State,
        Model = "gpt-5-codex",
        ExtraConfig = new Dictionary<string, string> { ["model_reasoning_effort"] = "\"high\"", ["features.web_search"] = "false" },
    };

    public Task<AgentRunResult> RunAsync(CancellationToken cancellationToken) => RunAsync(Request(), _ => ValueTask.CompletedTask, cancellationToken);

    public Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> then, CancellationToken cancellationToken)
    {
        var runner = new CodexAgentRunner(
            new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System, Masker),
            Masker,
            Microsoft.Extensions.Options.Options.Create(AgentOptions),
            TimeProvider.System,
            Logger);
        return runner.RunAsync(request, async update =>
        {
            Updates.Add(update);
            await then(update);
        }, cancellationToken);
    }

    public JsonElement Record()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RecordPath));
        return document.RootElement.Clone();
    }

    public void Dispose() => _temp.Dispose();
}
