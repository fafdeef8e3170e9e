using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Git;
using AgentConductor.Worker.Run;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Tests.Fakes;

/// <summary>
/// An <see cref="IGitWorkspace"/> for job tests that are not about git: a checkout that leaves an empty folder, and a
/// HEAD after the agent that is the base (no changes) or the head given to <see cref="Pushing"/>. <see cref="Unused"/> fails on any call.
/// </summary>
internal sealed class FakeGitWorkspace : IGitWorkspace
{
    public const string Base = "0000000000000000000000000000000000000000";

    private readonly string? _head;
    private readonly bool _unused;

    private FakeGitWorkspace(string? head, bool unused)
    {
        _head = head;
        _unused = unused;
    }

    /// <summary>The agent changed nothing: HEAD is the base; a push is a failure of the test.</summary>
    public static FakeGitWorkspace NoChanges() => new(null, unused: false);

    /// <summary>The agent committed <paramref name="head"/>, which is pushed.</summary>
    public static FakeGitWorkspace Pushing(string head) => new(head, unused: false);

    /// <summary>The job must end before git: any call fails the test.</summary>
    public static FakeGitWorkspace Unused() => new(null, unused: true);

    public List<string> Pushed { get; } = [];

    public Task<GitCheckout> CheckOutAsync(string cloneUrl, string baseBranch, string branch, string workingDirectory, string gitDirectory, CancellationToken cancellationToken)
    {
        Check();
        Directory.CreateDirectory(workingDirectory);
        return Task.FromResult(new GitCheckout(GitRemoteUrl.Parse(cloneUrl), baseBranch, branch, workingDirectory, gitDirectory, Base));
    }

    public Task<GitCheckout> CheckOutExistingAsync(string cloneUrl, string baseBranch, string branch, string workingDirectory, string gitDirectory, CancellationToken cancellationToken)
    {
        Check();
        Directory.CreateDirectory(workingDirectory);
        return Task.FromResult(new GitCheckout(GitRemoteUrl.Parse(cloneUrl), baseBranch, branch, workingDirectory, gitDirectory, Base) { RemoteBranchCommit = Base, ContinuesBranch = true });
    }

    public Task<bool> CommitAllAsync(GitCheckout checkout, string message, CancellationToken cancellationToken)
    {
        Check();
        return Task.FromResult(_head is not null);
    }

    public Task<string> CollectAsync(GitCheckout checkout, CancellationToken cancellationToken)
    {
        Check();
        return Task.FromResult(_head ?? Base);
    }

    public Task<IReadOnlyList<string>> ChangedFilesAsync(GitCheckout checkout, string head, CancellationToken cancellationToken)
    {
        Check();
        return Task.FromResult<IReadOnlyList<string>>(_head is null ? [] : ["fix.txt"]);
    }

    public Task PushAsync(GitCheckout checkout, string head, CancellationToken cancellationToken)
    {
        Check();
        if (_head is null)
        {
            throw new InvalidOperationException("nothing changed, so nothing may be pushed");
        }

        Pushed.Add(head);
        return Task.CompletedTask;
    }

    /// <summary>What a job test's <see cref="JobRun"/> needs besides git: a masker holding the secrets, the agent on the worker's user.</summary>
    public static JobSafety Safety(params string?[] secrets)
    {
        var masker = new SecretMasker();
        var held = new WorkerSecrets(masker) { JobToken = secrets.ElementAtOrDefault(0), GitHubToken = secrets.ElementAtOrDefault(1), ModelKey = secrets.ElementAtOrDefault(2) };
        return new JobSafety(masker, held, AgentAccount.SameAsWorker("tests"));
    }

    private void Check()
    {
        if (_unused)
        {
            throw new InvalidOperationException("git was used although the job should have ended before it");
        }
    }
}
