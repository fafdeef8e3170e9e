namespace AgentConductor.Conductor.WorkerApi;

/// <summary>How workers run the coding agent; sent to every worker in its job spec.</summary>
internal sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Model passed to the agent; empty means the agent's default.</summary>
    public string? Model { get; set; }

    /// <summary>
    /// The Responses API base URL the agent uses (e.g. <c>http://127.0.0.1:8080/v1</c>), which the worker hands Codex as
    /// its model provider; empty means Codex's own default, the OpenAI API.
    /// </summary>
    public string? ModelBaseUrl { get; set; }

    /// <summary>The agent is killed when it produces no output for this long.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Maximum wall-clock time of an agent run.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Extra agent configuration, one <c>-c key=value</c> per entry.</summary>
    public Dictionary<string, string> ExtraConfig { get; set; } = new(StringComparer.Ordinal);
}
