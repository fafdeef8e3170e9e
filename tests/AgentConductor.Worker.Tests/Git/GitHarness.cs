using AgentConductor.TestSupport;
using AgentConductor.TestSupport.GitHttp;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Git;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Git;

/// <summary>
/// A real <see cref="GitWorkspace"/> on a real process runner (recorded), with a bare remote in a temp folder, on disk
/// or behind a smart-HTTP server that takes only <see cref="Token"/>. The working copy is handed to the agent's user
/// (<see cref="AgentUsers"/>) as the worker hands it; what a test does in it "as the agent" is handed over again.
/// </summary>
internal sealed class GitHarness : IAsyncDisposable
{
    public const string Token = "ghs_TestTokenValue0123456789abcdefABCDEF";

    private readonly TempDirectory _temp = new();
    private GitHttpServer? _http;

    /// <param name="token">The worker's GitHub token (<see cref="WorkerSecrets.GitHubToken"/>).</param>
    /// <param name="runnerMasksToo">False gives the process runner its own masker, so tests can see git's raw output.</param>
    public GitHarness(string? token = null, bool runnerMasksToo = true, AgentAccount? account = null)
    {
        Secrets = new WorkerSecrets(Masker) { GitHubToken = token };
        Account = account ?? AgentUsers.Account();
        var runner = new ProcessRunner(RunnerLogger, TimeProvider.System, runnerMasksToo ? Masker : new SecretMasker());
        Recorder = new RecordingProcessRunner(runner);
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        Cli = new GitCli(Recorder, Masker, Secrets, Account, options, CliLogger);
        Workspace = new GitWorkspace(Cli, Account, options);
        UnixFiles.CreateFolder(_temp.File("state"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public GitOptions Options { get; } = new();

    public SecretMasker Masker { get; } = new();

    public WorkerSecrets Secrets { get; }

    public AgentAccount Account { get; }

    public ListLogger<ProcessRunner> RunnerLogger { get; } = new();

    public ListLogger<GitCli> CliLogger { get; } = new();

    public RecordingProcessRunner Recorder { get; }

    public GitCli Cli { get; }

    public GitWorkspace Workspace { get; }

    public GitRemote Remote { get; private set; } = null!;

    /// <summary>The clone URL: the remote's <c>file://</c> URL, or its http URL with <see cref="WithHttpRemoteAsync"/>.</summary>
    public string CloneUrl { get; private set; } = "";

    /// <summary>The HTTP server in front of the remote, with <see cref="WithHttpRemoteAsync"/>.</summary>
    public GitHttpServer? Http => _http;

    public GitCheckout Checkout { get; private set; } = null!;

    /// <summary>Where the worker's clone goes (the agent's working copy).</summary>
    public string WorkDirectory => _temp.File("work");

    /// <summary>The worker's own repository.</summary>
    public string GitDirectory => _temp.File("state/repo.git");

    public string Root => _temp.Path;

    public IEnumerable<string> AllLogLines =>
        RunnerLogger.Entries.Select(e => e.Message).Concat(CliLogger.Entries.Select(e => e.Message));

    public async Task<GitHarness> WithRemoteAsync(int commits, CancellationToken cancellationToken)
    {
        Remote = await GitRemote.CreateAsync(_temp.Path, commits, cancellationToken);
        CloneUrl = Remote.CloneUrl;
        return this;
    }

    /// <summary>The remote behind a smart-HTTP server that takes only <see cref="Token"/>, as GitHub would.</summary>
    public async Task<GitHarness> WithHttpRemoteAsync(int commits, CancellationToken cancellationToken)
    {
        await WithRemoteAsync(commits, cancellationToken);
        _http = await GitHttpServer.StartAsync(_temp.Path, Token, cancellationToken);
        CloneUrl = _http.Url("remote.git");
        return this;
    }

    /// <summary>Clones main and creates <paramref name="branch"/>, the way the worker starts a job.</summary>
    public async Task<GitCheckout> CheckOutAsync(string branch, CancellationToken cancellationToken)
    {
        Checkout = await Workspace.CheckOutAsync(CloneUrl, "main", branch, WorkDirectory, GitDirectory, cancellationToken);
        return Checkout;
    }

    /// <summary>Clones the existing <paramref name="branch"/>, the way the worker starts a follow-up (from fresh folders).</summary>
    public async Task<GitCheckout> CheckOutExistingAsync(string branch, CancellationToken cancellationToken)
    {
        foreach (var folder in new[] { WorkDirectory, GitDirectory }.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        Checkout = await Workspace.CheckOutExistingAsync(CloneUrl, "main", branch, WorkDirectory, GitDirectory, cancellationToken);
        return Checkout;
    }

    /// <summary>After the agent: the safety-net commit, the collection of its HEAD, the push, as the worker does them.</summary>
    public async Task<string> CommitCollectAndPushAsync(CancellationToken cancellationToken)
    {
        await Workspace.CommitAllAsync(Checkout, "Safety net", cancellationToken);
        var head = await Workspace.CollectAsync(Checkout, cancellationToken);
        await Workspace.PushAsync(Checkout, head, cancellationToken);
        return head;
    }

    /// <summary>Writes a file in the working copy as the agent would (it ends up the agent's).</summary>
    public async Task WriteFileAsync(string name, string content, CancellationToken cancellationToken)
    {
        var path = Path.Combine(WorkDirectory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, content, cancellationToken);
        Account.GiveToAgent(WorkDirectory);
    }

    /// <summary>Runs git in the working copy as the agent would (what it creates ends up the agent's).</summary>
    public async Task<string> GitAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var output = await GitRemote.RunAsync(WorkDirectory, cancellationToken, arguments);
        Account.GiveToAgent(WorkDirectory);
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        if (_http is not null)
        {
            await _http.DisposeAsync();
        }

        _temp.Dispose();
    }
}
