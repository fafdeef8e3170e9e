using System.Collections.Immutable;

namespace AgentConductor.Worker.Agent;

/// <summary>
/// One agent run. A class, not a record: a record's generated ToString would print <see cref="ModelKey"/>.
/// </summary>
internal sealed class AgentRunRequest
{
    /// <summary>The job the progress updates belong to.</summary>
    public required string JobId { get; init; }

    /// <summary>The cloned repository the agent works in (<c>-C</c>).</summary>
    public required string RepositoryPath { get; init; }

    /// <summary>The prompt, written to the agent's stdin.</summary>
    public required string Prompt { get; init; }

    /// <summary>
    /// The model API key. Only the worker's model proxy holds it (it adds it to each request it forwards); the agent
    /// gets the proxy's per-run token instead. Null or empty forwards without a key.
    /// </summary>
    public string? ModelKey { get; init; }

    /// <summary>
    /// A folder outside the repository that the agent's user can pass through; each run gets a fresh folder in it for the
    /// agent's HOME (with CODEX_HOME) and the last message.
    /// </summary>
    public required string StateDirectory { get; init; }

    /// <summary>The model; null or empty falls back to <see cref="AgentOptions.Model"/>.</summary>
    public string? Model { get; init; }

    /// <summary>The Responses API base URL the proxy forwards to; null falls back to <see cref="AgentOptions.ModelBaseUrl"/>.</summary>
    public Uri? ModelBaseUrl { get; init; }

    /// <summary>Configuration overrides, one <c>-c key=value</c> each (values are TOML).</summary>
    public IReadOnlyDictionary<string, string> ExtraConfig { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Overrides <see cref="AgentOptions.IdleTimeout"/>.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Overrides <see cref="AgentOptions.Timeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// An earlier session to continue (<c>codex exec resume</c>, the prompt as its next turn); null starts afresh. When the
    /// session cannot be resumed, the run starts afresh and says why (<see cref="AgentRunResult.ResumeFallback"/>).
    /// </summary>
    public AgentResume? Resume { get; init; }
}
