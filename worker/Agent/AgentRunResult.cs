using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Agent;

/// <summary>What an agent run produced. Every text in it is masked.</summary>
/// <param name="Summary">The agent's last message (the <c>-o</c> file), when it wrote one.</param>
/// <param name="Usage">Tokens the model proxy counted from the model API's own answers (what the job is charged).</param>
/// <param name="FailureReason">Why the run is not a success; null when it is.</param>
/// <param name="ExitCode">The agent's exit code (-1 when it could not be started).</param>
/// <param name="Killed">The agent ignored the interrupt and its process tree was killed.</param>
internal sealed record AgentRunResult(
    AgentOutcome Outcome,
    string? Summary,
    TokenUsage Usage,
    string? FailureReason,
    int ExitCode,
    IReadOnlyList<string> CommandsRun,
    bool Killed,
    TimeSpan Duration)
{
    /// <summary>Tokens as Codex reported them (<c>turn.completed</c>); the proxy's count (<see cref="Usage"/>) is the one to trust.</summary>
    public TokenUsage ReportedUsage { get; init; } = new();

    /// <summary>Every model request of the run as the proxy saw it.</summary>
    public IReadOnlyList<ModelProxy.ModelRequestRecord> ModelRequests { get; init; } = [];

    /// <summary>The Codex thread of the run (its <c>thread.started</c>); null when it never started one.</summary>
    public string? ThreadId { get; init; }

    /// <summary>The run's CODEX_HOME, the agent's, where Codex left the session's rollout files; null when the agent never ran.</summary>
    public string? CodexHome { get; init; }

    /// <summary>The run continued the requested session (<see cref="AgentRunRequest.Resume"/>).</summary>
    public bool Resumed { get; init; }

    /// <summary>Why a requested session was not resumed (the run started afresh); null when it was, or none was asked for.</summary>
    public string? ResumeFallback { get; init; }
}
