using System.Collections.Immutable;

namespace AgentConductor.Worker.Processes;

/// <summary>What to run. Arguments are passed to the program as they are: there is no shell in between.</summary>
internal sealed record ProcessSpec
{
    /// <summary>The program: a path, or a name looked up on PATH.</summary>
    public required string FileName { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The working directory; null means the worker's own.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// With <see cref="InheritEnvironment"/>, changes to the worker's environment (a value sets the variable, null removes
    /// it); without, the child's whole environment (null values are left out).
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = ImmutableDictionary<string, string?>.Empty;

    /// <summary>
    /// False: the child gets <see cref="Environment"/> and nothing of the worker's own (which holds its secrets). Every
    /// child the worker starts for a job (git, the agent) runs this way; true is for tools and tests.
    /// </summary>
    public bool InheritEnvironment { get; init; } = true;

    /// <summary>Start the program as this user (<see cref="UserSwitch"/>); null runs it as the worker's own user.</summary>
    public ProcessUser? RunAs { get; init; }

    /// <summary>What the process reads on stdin; stdin is closed after it, so the child sees end of input.</summary>
    public StdinSource Stdin { get; init; } = StdinSource.None;

    /// <summary>Stop the process after this long (interrupt, grace, kill); null means no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How long the process may take to exit after SIGINT before its tree is killed.</summary>
    public TimeSpan InterruptGrace { get; init; } = TimeSpan.FromSeconds(10);
}
