namespace AgentConductor.Worker.Secrets;

/// <summary>
/// The one place the worker keeps the secrets it was given: the job token, the GitHub token, the model key. Each is
/// registered with the masker the moment it is set, before anything can print it. Git asks here for the token at the
/// moment it pushes, so a token that arrives later (from the handshake) needs only <see cref="GitHubToken"/> set.
/// None of them ever reaches the agent: it gets a proxy token for the model (see <c>ModelProxy</c>) and nothing else.
/// </summary>
internal sealed class WorkerSecrets(ISecretMasker masker)
{
    private string? _gitHubToken;
    private string? _modelKey;
    private string? _jobToken;

    /// <summary>Pushes and pull requests; null in local mode.</summary>
    public string? GitHubToken
    {
        get => Volatile.Read(ref _gitHubToken);
        set => Volatile.Write(ref _gitHubToken, Register(value));
    }

    /// <summary>The model API key (<c>CODEX_API_KEY</c>), held by the model proxy only.</summary>
    public string? ModelKey
    {
        get => Volatile.Read(ref _modelKey);
        set => Volatile.Write(ref _modelKey, Register(value));
    }

    /// <summary>This job's token for the conductor.</summary>
    public string? JobToken
    {
        get => Volatile.Read(ref _jobToken);
        set => Volatile.Write(ref _jobToken, Register(value));
    }

    /// <summary>Every value held, for checks that no secret went where it must not.</summary>
    public IEnumerable<string> Values => new[] { GitHubToken, ModelKey, JobToken }.OfType<string>();

    private string? Register(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        masker.AddValue(value);
        return value;
    }
}
