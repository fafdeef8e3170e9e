using System.Diagnostics;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.ModelProxy;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>
/// A <see cref="CodexAgentRunner"/> over the real process runner, running the pinned Codex CLI against a
/// <see cref="ScriptedModelServer"/> (through the run's model proxy) in a git repository outside the temp dir (as the
/// worker's work folder is), handed to the agent's user as the worker hands it (<see cref="AgentUsers"/>).
/// </summary>
internal sealed class CodexCliHarness : IAsyncDisposable
{
    public const string ApiKey = "sk-proj-CLI0123456789abcdef";

    private readonly TempDirectory _temp = TempDirectory.OutsideSystemTemp();

    private CodexCliHarness(ScriptedModelServer model)
    {
        Model = model;
        Repository = Directory.CreateDirectory(_temp.File("repo")).FullName;
        State = Directory.CreateDirectory(_temp.File("state")).FullName;
        Git("init", "--quiet", "--initial-branch=main");
        File.WriteAllText(Path.Combine(Repository, "README.md"), "# app\n");
        Git("add", "README.md");
        Git("-c", "user.name=Seed", "-c", "user.email=seed@example.com", "commit", "--quiet", "-m", "seed");
        Account.GiveToAgent(Repository);
        AgentOptions = new AgentOptions
        {
            Command = [CodexCli.Require()],
            IdleTimeout = TimeSpan.FromSeconds(60),
            Timeout = TimeSpan.FromSeconds(120),
            InterruptGrace = TimeSpan.FromSeconds(5),
        };
    }

    public ScriptedModelServer Model { get; }

    public string Repository { get; }

    public string State { get; }

    public AgentOptions AgentOptions { get; }

    public AgentAccount Account { get; } = AgentUsers.Account();

    public SecretMasker Masker { get; } = new();

    public ListLogger<CodexAgentRunner> Logger { get; } = new();

    public List<ProgressUpdate> Updates { get; } = [];

    /// <summary>The model proxy's gate for the runs (a job's budget); every request is admitted unless a test sets one.</summary>
    public IModelRequestGate Gate { get; set; } = new AdmitEveryModelRequest();

    /// <summary>Every text the run let out: log lines, commands, the runner's own log.</summary>
    public IEnumerable<string> Texts => Updates.Select(u => u.Log?.Text ?? u.Progress?.CommandRun?.Command ?? "").Concat(Logger.Entries.Select(e => e.Message));

    public IEnumerable<string> LogTexts => Updates.Where(u => u.Log is not null).Select(u => u.Log.Text);

    /// <param name="modelCredential">The key the model accepts; the worker holds <see cref="ApiKey"/> (the agent only a proxy token).</param>
    public static async Task<CodexCliHarness> StartAsync(ModelScript script, string modelCredential = ApiKey) =>
        new(await ScriptedModelServer.StartAsync(script, modelCredential, cancellationToken: TestContext.Current.CancellationToken));

    public AgentRunRequest Request(string? model = null, IReadOnlyDictionary<string, string>? extraConfig = null) => new()
    {
        JobId = "job-42",
        RepositoryPath = Repository,
        Prompt = "Fix the failing test.\nKeep the change small.",
        ModelKey = ApiKey,
        StateDirectory = State,
        Model = model,
        ModelBaseUrl = new Uri(Model.BaseUrl),
        ExtraConfig = extraConfig ?? new Dictionary<string, string>(),
    };

    public Task<AgentRunResult> RunAsync(CancellationToken cancellationToken) => RunAsync(Request(), _ => ValueTask.CompletedTask, cancellationToken);

    public Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> then, CancellationToken cancellationToken)
    {
        var runner = AgentRunners.Create(
            new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System, Masker), Masker, AgentOptions, logger: Logger, account: Account, gate: Gate);
        return runner.RunAsync(request, async update =>
        {
            Updates.Add(update);
            await then(update);
        }, cancellationToken);
    }

    /// <summary>The file's content in the repository, or null when it does not exist.</summary>
    public string? Read(string relativePath) =>
        File.Exists(Path.Combine(Repository, relativePath)) ? File.ReadAllText(Path.Combine(Repository, relativePath)) : null;

    public async ValueTask DisposeAsync()
    {
        await Model.DisposeAsync();
        _temp.Dispose();
    }

    private void Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Repository, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
        }
    }
}
