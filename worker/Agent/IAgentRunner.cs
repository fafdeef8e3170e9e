using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Agent;

/// <summary>Runs the coding agent non-interactively in a repository.</summary>
internal interface IAgentRunner
{
    /// <summary>
    /// Runs the agent to its end and reports progress (log lines and structured events, masked, in order) through
    /// <paramref name="onProgress"/>. Cancelling <paramref name="cancellationToken"/> stops the agent (interrupt, grace,
    /// kill) and yields <see cref="AgentOutcome.Cancelled"/>; it is not thrown once the agent has started.
    /// </summary>
    Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> onProgress, CancellationToken cancellationToken);
}
