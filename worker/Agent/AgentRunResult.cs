using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Agent;

/// <summary>What an agent run produced. Every text in it is masked.</summary>
/// <param name="Summary">The agent's last message (the <c>-o</c> file), when it wrote one.</param>
/// <param name="Usage">Tokens summed over every completed turn.</param>
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
    TimeSpan Duration);
