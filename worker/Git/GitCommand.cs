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

    public string Subcommand => Arguments.Count > 0 ? Arguments[0] : "";
}
