using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Git;

/// <summary>One git invocation: the subcommand and its arguments (global <c>-c</c> options are added by <see cref="GitCli"/>).</summary>
/// <param name="Directory">The working directory; null for commands that need none (clone names its target).</param>
/// <param name="Arguments">The subcommand first, then its arguments.</param>
internal sealed record GitCommand(string? Directory, IReadOnlyList<string> Arguments)
{
    public StdinSource Stdin { get; init; } = StdinSource.None;

    /// <summary>Exit codes that are answers rather than failures (e.g. 1 from <c>git diff --quiet</c>).</summary>
    public IReadOnlyList<int> AcceptedExitCodes { get; init; } = [0];

    /// <summary>
    /// The command reads the agent's workspace, whose configuration the agent wrote: it runs as the agent's user with no
    /// secret in its environment, so whatever program that configuration names can gain nothing by running.
    /// </summary>
    public bool InWorkspace { get; init; }

    /// <summary>
    /// The one remote the command may reach (its protocol is the only one allowed; for http(s) the token is offered to its
    /// host only). Null: no transport at all.
    /// </summary>
    public GitRemoteUrl? Remote { get; init; }

    public string Subcommand => Arguments.Count > 0 ? Arguments[0] : "";
}
