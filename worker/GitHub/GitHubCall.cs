namespace AgentConductor.Worker.GitHub;

/// <summary>
/// The GitHub call in progress on this async flow. Octokit's methods take no <see cref="CancellationToken"/>, so the
/// worker's token reaches <see cref="GitHubHttpHandler"/> through here; the handler leaves behind what the mapped
/// exception needs (the operation, how many attempts were made, the wait a rate limit asked for).
/// </summary>
internal sealed class GitHubCall : IDisposable
{
    private static readonly AsyncLocal<GitHubCall?> CurrentCall = new();

    private readonly GitHubCall? _outer;

    private GitHubCall(GitHubCall? outer, StoredCopy? storedCopy, CancellationToken cancellationToken)
    {
        _outer = outer;
        CancellationToken = cancellationToken;
        StoredCopy = storedCopy;
    }

    /// <summary>The call begun on this async flow and not yet disposed, or null.</summary>
    public static GitHubCall? Current => CurrentCall.Value;

    public CancellationToken CancellationToken { get; }

    /// <summary>For a call that creates something: how to find it stored before the call is retried; null for the others.</summary>
    public StoredCopy? StoredCopy { get; }

    /// <summary>"POST repos/octo/payments/pulls": the method and the path below the API base of the last request sent.</summary>
    public string? Operation { get; set; }

    /// <summary>Requests sent so far, retries included.</summary>
    public int Attempts { get; set; }

    /// <summary>The wait GitHub asked for if its last answer was a rate limit, else null.</summary>
    public TimeSpan? RateLimitWait { get; set; }

    /// <summary>Makes a new call current until it is disposed; every request sent meanwhile on this flow belongs to it.</summary>
    public static GitHubCall Begin(StoredCopy? storedCopy, CancellationToken cancellationToken)
    {
        var call = new GitHubCall(CurrentCall.Value, storedCopy, cancellationToken);
        CurrentCall.Value = call;
        return call;
    }

    public void Dispose() => CurrentCall.Value = _outer;
}
