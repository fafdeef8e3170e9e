using AgentConductor.TestSupport;
using AgentConductor.Worker.Git;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Tests.Git;

/// <summary>A real <see cref="GitWorkspace"/> on a real process runner (recorded), with a bare remote in a temp folder.</summary>
internal sealed class GitHarness : IDisposable
{
    public const string Token = "ghs_TestTokenValue0123456789abcdef";

    private readonly TempDirectory _temp = new();

    /// <param name="runnerMasksToo">False gives the process runner its own masker, so tests can see git's raw output.</param>
    public GitHarness(string? token = null, bool runnerMasksToo = true)
    {
        Options = new GitOptions { Token = token };
        var runner = new ProcessRunner(RunnerLogger, TimeProvider.System, runnerMasksToo ? Masker : new SecretMasker());
        Recorder = new RecordingProcessRunner(runner);
        Cli = new GitCli(Recorder, Masker, Microsoft.Extensions.Options.Options.Create(Options), CliLogger);
        Workspace = new GitWorkspace(Cli, Microsoft.Extensions.Options.Options.Create(Options));
    }

    public GitOptions Options { get; }

    public SecretMasker Masker { get; } = new();

    public ListLogger<ProcessRunner> RunnerLogger { get; } = new();

    public ListLogger<GitCli> CliLogger { get; } = new();

    public RecordingProcessRunner Recorder { get; }

    public GitCli Cli { get; }

    public GitWorkspace Workspace { get; }

    public GitRemote Remote { get; private set; } = null!;

    /// <summary>Where the worker's clone goes.</summary>
    public string WorkDirectory => _temp.File("work");

    public string Root => _temp.Path;

    public IEnumerable<string> AllLogLines =>
        RunnerLogger.Entries.Select(e => e.Message).Concat(CliLogger.Entries.Select(e => e.Message));

    public async Task<GitHarness> WithRemoteAsync(int commits, CancellationToken cancellationToken)
    {
        Remote = await GitRemote.CreateAsync(_temp.Path, commits, cancellationToken);
        return this;
    }

    /// <summary>Clones main and creates <paramref name="branch"/>, the way the worker starts a job.</summary>
    public async Task CloneAndBranchAsync(string branch, CancellationToken cancellationToken)
    {
        await Workspace.CloneAsync(Remote.CloneUrl, "main", WorkDirectory, cancellationToken);
        await Workspace.CreateBranchAsync(WorkDirectory, branch, cancellationToken);
    }

    public Task WriteFileAsync(string name, string content, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(Path.Combine(WorkDirectory, name), content, cancellationToken);

    public Task<string> GitAsync(CancellationToken cancellationToken, params string[] arguments) =>
        GitRemote.RunAsync(WorkDirectory, cancellationToken, arguments);

    public void Dispose() => _temp.Dispose();
}
